package dev.meet.autoconfigure;

import dev.meet.core.RecordingListener;
import dev.meet.core.RecordingManager;
import dev.meet.core.RecordingObserver;
import dev.meet.core.events.RecordingEvents;
import dev.meet.core.livekit.LiveKitGateway;
import dev.meet.core.livekit.LiveKitRoomPolicy;
import dev.meet.core.livekit.LiveKitSdkGateway;
import dev.meet.core.livekit.LiveKitSettings;
import dev.meet.core.livekit.RoomPolicy;
import dev.meet.core.lock.RecordingLockProvider;
import dev.meet.core.storage.RecordingStorage;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * A {@link RecordingManager} from {@code meet.*} properties: LiveKit, the lock store (Redis when there is a
 * {@code RedissonClient} or {@code meet.redis.url}, else in-memory), storage (S3 when {@code meet.storage.s3.bucket}
 * is set, else a local directory), signals, collectors on the application's lifecycle, the webhook endpoint, health
 * and metrics. Every bean backs off when the application defines its own.
 */
@AutoConfiguration
@EnableConfigurationProperties(MeetProperties.class)
@Import({
    MeetRedisConfigurations.Client.class,
    MeetRedisConfigurations.Providers.class,
    MeetInMemoryConfiguration.class,
    MeetStorageConfigurations.S3.class,
    MeetStorageConfigurations.Local.class,
    MeetWebhookConfiguration.class,
    MeetHealthConfiguration.class,
    MeetMetricsConfiguration.class})
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
    try {
      return new LiveKitSettings(url, apiKey, apiSecret, livekit.callTimeout());
    } catch (IllegalArgumentException e) {
      throw new MeetConfigurationException("meet.livekit", e.getMessage(),
          "Fix the meet.livekit.* property named in the message.", e);
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
      ObjectProvider<RecordingObserver> observer) {
    MeetProperties.Collectors collectors = properties.collectors();
    RecordingManager.Builder builder = RecordingManager.builder()
        .liveKit(settings)
        .liveKitGateway(liveKitGateway)
        .lockProvider(lockProvider)
        .storage(storage)
        .events(events)
        .roomPolicy(roomPolicy)
        .startTimeout(properties.recording().startTimeout())
        .lockTtl(properties.recording().lockTtl())
        .collectorInterval(collectors.interval())
        .webhookLeeway(properties.livekit().webhook().leeway());
    if (collectors.grace() != null) {
      builder.collectorGrace(collectors.grace());
    }
    if (properties.instanceId() != null) {
      builder.instanceId(properties.instanceId());
    }
    listeners.orderedStream().forEach(builder::listener);
    observer.ifUnique(builder::observer);
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
    return new MeetLifecycle(recordingManager, properties.collectors().enabled(),
        properties.recording().shutdownGrace());
  }

  static String require(String value, String property, String action) {
    if (value == null || value.isBlank()) {
      throw new MeetConfigurationException(property, "is not set", action);
    }
    return value;
  }
}
