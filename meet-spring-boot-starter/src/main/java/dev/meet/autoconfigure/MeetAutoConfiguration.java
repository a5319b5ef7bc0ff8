package dev.meet.autoconfigure;

import dev.meet.core.RecordingListener;
import dev.meet.core.RecordingObserver;
import dev.meet.core.engine.RecordingManager;
import dev.meet.core.events.RecordingEvents;
import dev.meet.core.livekit.LiveKitGateway;
import dev.meet.core.livekit.LiveKitRoomPolicy;
import dev.meet.core.livekit.LiveKitSdkGateway;
import dev.meet.core.livekit.LiveKitSettings;
import dev.meet.core.livekit.RoomPolicy;
import dev.meet.core.lock.RecordingLockProvider;
import dev.meet.core.storage.RecordingStorage;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * A {@link RecordingManager} from {@code meet.*} properties: LiveKit, the lock store (Redis when there is a
 * {@code RedissonClient}, {@code meet.redis.url} or Boot's own Redis configuration, else in-memory), storage (S3 when
 * {@code meet.storage.s3.bucket} is set, else a local directory), signals, collectors on the application's lifecycle
 * and the webhook endpoint. Health, metrics and observations have auto-configurations of their own. Every bean backs
 * off when the application defines its own, and creating them never needs Redis, S3 or LiveKit to be up.
 */
// After the auto-configurations whose beans we reuse: Redisson's starter (a RedissonClient), Boot's Redis (its
// connection details) and Spring Cloud AWS (an S3Client).
@AutoConfiguration(afterName = {
    "org.redisson.spring.starter.RedissonAutoConfigurationV4",
    "org.redisson.spring.starter.RedissonAutoConfigurationV2",
    "org.redisson.spring.starter.RedissonAutoConfiguration",
    "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
    "io.awspring.cloud.autoconfigure.s3.S3AutoConfiguration"})
@EnableConfigurationProperties(MeetProperties.class)
@Import({
    MeetRedisConfigurations.UrlClient.class,
    MeetDataRedisConfiguration.class,
    MeetRedisConfigurations.Providers.class,
    MeetInMemoryConfiguration.class,
    MeetStorageConfigurations.S3.class,
    MeetStorageConfigurations.Local.class,
    MeetWebhookConfiguration.class,
    MeetObservationConfiguration.class})
public final class MeetAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  LiveKitSettings meetLiveKitSettings(MeetProperties properties) {
    MeetProperties.LiveKit livekit = properties.livekit();
    String url = require(livekit.url(), "meet.livekit.url",
        "Set meet.livekit.url to your LiveKit server, e.g. http://127.0.0.1:7880.");
    String apiKey = require(livekit.apiKey(), "meet.livekit.api-key",
        "Set meet.livekit.api-key to one of the keys of LiveKit's 'keys' configuration.");
    String apiSecret = require(livekit.apiSecret(), "meet.livekit.api-secret",
        "Set meet.livekit.api-secret to the secret of meet.livekit.api-key (LiveKit's 'keys' configuration).");
    positive(livekit.callTimeout(), "meet.livekit.call-timeout", "10s");
    try {
      return new LiveKitSettings(url, apiKey, apiSecret, livekit.callTimeout());
    } catch (IllegalArgumentException e) {
      // The key and secret are non-blank by now and the timeout positive: what is left to reject is the URL.
      throw new MeetConfigurationException("meet.livekit.url", "'" + url + "' is not a LiveKit URL",
          "Set meet.livekit.url to http(s):// or ws(s):// and LiveKit's host, e.g. http://127.0.0.1:7880.", e);
    }
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(LiveKitGateway.class)
  LiveKitSdkGateway meetLiveKitGateway(LiveKitSettings settings) {
    return new LiveKitSdkGateway(settings);
  }

  @Bean
  @ConditionalOnMissingBean
  RoomPolicy meetRoomPolicy(LiveKitGateway liveKitGateway) {
    return new LiveKitRoomPolicy(liveKitGateway);
  }

  @Bean
  @ConditionalOnMissingBean
  RecordingManager recordingManager(MeetProperties properties, LiveKitSettings settings,
      LiveKitGateway liveKitGateway, RecordingLockProvider lockProvider, RecordingStorage storage,
      RecordingEvents events, RoomPolicy roomPolicy, ObjectProvider<RecordingListener> listeners,
      ObjectProvider<RecordingManager.LiveKitEventListener> liveKitEventListeners,
      ObjectProvider<RecordingObserver> observer) {
    MeetProperties.Collectors collectors = properties.collectors();
    MeetProperties.Recording recording = properties.recording();
    positive(recording.startTimeout(), "meet.recording.start-timeout", "30s");
    positive(recording.lockTtl(), "meet.recording.lock-ttl", "6h");
    positive(collectors.interval(), "meet.collectors.interval", "1m");
    notNegative(properties.livekit().webhook().leeway(), "meet.livekit.webhook.leeway", "60s");
    positive(properties.livekit().webhook().deadline(), "meet.livekit.webhook.deadline", "5s");
    Duration grace = collectors.grace();
    if (grace != null && grace.compareTo(recording.startTimeout()) <= 0) {
      throw new MeetConfigurationException("meet.collectors.grace",
          grace + " is not longer than meet.recording.start-timeout (" + recording.startTimeout()
              + "): the collectors could free the lock of a start that is still waiting",
          "Set meet.collectors.grace longer than meet.recording.start-timeout, or remove it (the default is the "
              + "start timeout + 30s).");
    }
    String instanceId = properties.instanceId();
    RecordingManager.Builder builder = RecordingManager.builder()
        .liveKit(settings)
        .liveKitGateway(liveKitGateway)
        .lockProvider(lockProvider)
        .storage(storage)
        .events(events)
        .roomPolicy(roomPolicy)
        .startTimeout(recording.startTimeout())
        .lockTtl(recording.lockTtl())
        .collectorInterval(collectors.interval())
        .webhookLeeway(properties.livekit().webhook().leeway())
        .webhookDeadline(properties.livekit().webhook().deadline());
    if (grace != null) {
      builder.collectorGrace(grace);
    }
    if (instanceId != null) {
      try {
        builder.instanceId(instanceId);
      } catch (IllegalArgumentException e) {
        throw new MeetConfigurationException("meet.instance-id", "'" + instanceId + "' is not a valid instance id",
            "Set meet.instance-id to 1-128 letters, digits, '_', '.', ':' or '-', or remove it (hostname, pid and a "
                + "random suffix by default).", e);
      }
    }
    properties.livekit().webhook().additionalKeys().forEach((apiKey, apiSecret) -> {
      if (apiSecret == null || apiSecret.isBlank()) {
        throw new MeetConfigurationException("meet.livekit.webhook.additional-keys", "the secret of key '" + apiKey
            + "' is blank", "Set meet.livekit.webhook.additional-keys.[" + apiKey + "] to that key's secret, or "
            + "remove the key.");
      }
      builder.additionalWebhookKey(apiKey, apiSecret);
    });
    listeners.orderedStream().forEach(builder::listener);
    liveKitEventListeners.orderedStream().forEach(builder::liveKitEventListener);
    List<RecordingObserver> observers = observer.orderedStream().toList();
    if (!observers.isEmpty()) {
      builder.observer(RecordingObserver.all(observers));
    }
    try {
      return builder.build();
    } catch (IllegalStateException | IllegalArgumentException e) {
      throw new MeetConfigurationException("meet", e.getMessage(),
          "Fix the meet.recording.* / meet.collectors.* property named in the message.", e);
    }
  }

  @Bean
  @ConditionalOnMissingBean
  MeetLifecycle meetLifecycle(RecordingManager recordingManager, MeetProperties properties) {
    notNegative(properties.recording().shutdownGrace(), "meet.recording.shutdown-grace", "10s");
    return new MeetLifecycle(recordingManager, properties.collectors().enabled(),
        properties.recording().shutdownGrace());
  }

  static String require(@Nullable String value, String property, String action) {
    if (value == null || value.isBlank()) {
      throw new MeetConfigurationException(property, "is not set", action);
    }
    return value;
  }

  static void positive(Duration value, String property, String example) {
    if (value.isZero() || value.isNegative()) {
      throw new MeetConfigurationException(property, "must be a positive duration, was " + value,
          "Set " + property + " to a positive duration, e.g. " + example + ".");
    }
  }

  private static void notNegative(Duration value, String property, String example) {
    if (value.isNegative()) {
      throw new MeetConfigurationException(property, "must not be negative, was " + value,
          "Set " + property + " to zero or a positive duration, e.g. " + example + ".");
    }
  }
}
