package dev.meet.autoconfigure;

import dev.meet.core.engine.RecordingManager;
import dev.meet.core.livekit.LiveKitSettings;
import dev.meet.core.webhooks.Delivery;
import dev.meet.core.webhooks.LiveKitRoomWebhooks;
import dev.meet.core.webhooks.RoomActivityStore;
import dev.meet.core.webhooks.RoomEventDeriver;
import dev.meet.core.webhooks.WebhookDispatcher;
import dev.meet.core.webhooks.WebhookEventType;
import dev.meet.core.webhooks.WebhookObserver;
import dev.meet.core.webhooks.WebhookOutbox;
import dev.meet.core.webhooks.WebhookRecordingListener;
import dev.meet.core.webhooks.WebhookSettings;
import dev.meet.core.webhooks.WebhookTargetStore;
import dev.meet.core.webhooks.WebhookTargets;
import dev.meet.core.webhooks.local.LocalRoomActivityStore;
import dev.meet.core.webhooks.local.LocalWebhookOutbox;
import dev.meet.core.webhooks.local.LocalWebhookTargetStore;
import dev.meet.core.webhooks.redis.RedisRoomActivityStore;
import dev.meet.core.webhooks.redis.RedisWebhookOutbox;
import dev.meet.core.webhooks.redis.RedisWebhookTargetStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.redisson.api.RedissonClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The webhooks meet sends ({@code meet.webhooks.*}): a durable outbox (Redis, shared by the instances, when there is
 * a {@code RedissonClient}; else the data directory), the dispatcher on the application's lifecycle, recording events
 * from the auto-configured {@code RecordingManager} and meeting and participant events from the LiveKit webhooks it
 * verifies, and Micrometer meters when Micrometer is present. On when {@code meet.webhooks.enabled} is true, or when
 * it is unset and {@code meet.webhooks.url} is set. Every bean backs off when the application defines its own;
 * creating them does no I/O.
 */
@AutoConfiguration(after = MeetAutoConfiguration.class)
@ConditionalOnBean(LiveKitSettings.class)
@Conditional(MeetWebhooksAutoConfiguration.OnWebhooksEnabled.class)
@EnableConfigurationProperties(MeetWebhooksProperties.class)
@Import({MeetWebhooksAutoConfiguration.RedisStores.class, MeetWebhooksAutoConfiguration.LocalStores.class,
    MeetWebhooksAutoConfiguration.Metrics.class})
public final class MeetWebhooksAutoConfiguration {

  private static final Logger log = LoggerFactory.getLogger(MeetWebhooksAutoConfiguration.class);

  @Bean
  @ConditionalOnMissingBean
  WebhookTargets meetWebhookTargets(WebhookTargetStore store, MeetWebhooksProperties properties) {
    String url = properties.url() == null || properties.url().isBlank() ? null : properties.url().strip();
    try {
      return new WebhookTargets(store, url, Clock.systemUTC());
    } catch (IllegalArgumentException e) {
      throw new MeetConfigurationException("meet.webhooks.url", e.getMessage(),
          "Set meet.webhooks.url to an absolute http(s) URL without user name, password or fragment.", e);
    }
  }

  @Bean
  @ConditionalOnMissingBean
  WebhookSettings meetWebhookSettings(MeetWebhooksProperties properties, LiveKitSettings liveKit) {
    String key = properties.signingKey() == null || properties.signingKey().isBlank() ? liveKit.apiKey()
        : properties.signingKey();
    return properties.toSettings(key);
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  WebhookDispatcher meetWebhookDispatcher(WebhookSettings settings, WebhookOutbox outbox, WebhookTargets targets,
      ObjectProvider<WebhookObserver> observers) {
    List<WebhookObserver> all = observers.orderedStream().toList();
    return new WebhookDispatcher(settings, outbox, targets, all.size() == 1 ? all.get(0) : new AllObservers(all),
        Clock.systemUTC());
  }

  @Bean
  @ConditionalOnMissingBean
  MeetWebhooksLifecycle meetWebhooksLifecycle(WebhookDispatcher dispatcher) {
    return new MeetWebhooksLifecycle(dispatcher);
  }

  /** Recording events: the starter's {@code RecordingManager} registers every {@code RecordingListener} bean. */
  @Bean
  @ConditionalOnMissingBean(WebhookRecordingListener.class)
  WebhookRecordingListener meetWebhookRecordingListener(WebhookDispatcher dispatcher) {
    return new WebhookRecordingListener(dispatcher, Clock.systemUTC());
  }

  @Bean
  @ConditionalOnMissingBean
  LiveKitRoomWebhooks meetLiveKitRoomWebhooks(ObjectProvider<RoomEventDeriver> deriver, RoomActivityStore store,
      WebhookDispatcher dispatcher) {
    return new LiveKitRoomWebhooks(deriver.getIfAvailable(RoomEventDeriver::withRoomIdOnly), store, dispatcher);
  }

  /**
   * Meeting and participant events: the starter's {@code RecordingManager} hands every LiveKit webhook it verified to
   * every {@code LiveKitEventListener} bean.
   */
  @Bean
  RecordingManager.LiveKitEventListener meetRoomWebhooksListener(LiveKitRoomWebhooks rooms) {
    return rooms::onLiveKitWebhook;
  }

  /** Shared by the instances that use the same Redis and prefix. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(RedissonClient.class)
  @ConditionalOnBean(RedissonClient.class)
  static class RedisStores {

    @Bean
    @ConditionalOnMissingBean
    WebhookOutbox meetWebhookOutbox(RedissonClient redisson, MeetWebhooksProperties properties) {
      return new RedisWebhookOutbox(redisson, prefix(properties));
    }

    @Bean
    @ConditionalOnMissingBean
    WebhookTargetStore meetWebhookTargetStore(RedissonClient redisson, MeetWebhooksProperties properties) {
      return new RedisWebhookTargetStore(redisson, prefix(properties));
    }

    @Bean
    @ConditionalOnMissingBean
    RoomActivityStore meetRoomActivityStore(RedissonClient redisson, MeetWebhooksProperties properties) {
      return new RedisRoomActivityStore(redisson, prefix(properties));
    }

    private static String prefix(MeetWebhooksProperties properties) {
      String prefix = properties.redisPrefix();
      if (prefix.isBlank() || prefix.contains("{") || prefix.contains("}")) {
        throw new MeetConfigurationException("meet.webhooks.redis-prefix", "'" + prefix + "' is not a key prefix",
            "Set meet.webhooks.redis-prefix to a non-blank prefix without '{' or '}', e.g. meet:webhooks.");
      }
      return prefix;
    }
  }

  /** One process per data directory. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingBean(type = "org.redisson.api.RedissonClient")
  static class LocalStores {

    @Bean
    @ConditionalOnMissingBean
    WebhookOutbox meetWebhookOutbox(MeetWebhooksProperties properties) {
      return LocalWebhookOutbox.inDirectory(properties.dataDirectory().resolve("webhooks").resolve("outbox"));
    }

    @Bean
    @ConditionalOnMissingBean
    WebhookTargetStore meetWebhookTargetStore(MeetWebhooksProperties properties) {
      return LocalWebhookTargetStore.inFile(properties.dataDirectory().resolve("webhooks").resolve("targets.json"));
    }

    @Bean
    @ConditionalOnMissingBean
    RoomActivityStore meetRoomActivityStore() {
      return new LocalRoomActivityStore();
    }
  }

  /** Counters and backlog gauges ({@link MeetWebhookMetrics}), bound by Boot to the application's registries. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({MeterRegistry.class, MeterBinder.class})
  static class Metrics {

    @Bean
    @ConditionalOnMissingBean
    MeetWebhookMetrics meetWebhookMetrics(WebhookOutbox outbox) {
      return new MeetWebhookMetrics(outbox, Clock.systemUTC());
    }
  }

  /** On when {@code meet.webhooks.enabled} is true, or unset with {@code meet.webhooks.url} set. */
  static final class OnWebhooksEnabled implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      String enabled = context.getEnvironment().getProperty("meet.webhooks.enabled");
      if (enabled != null && !enabled.isBlank()) {
        return Boolean.parseBoolean(enabled.strip());
      }
      String url = context.getEnvironment().getProperty("meet.webhooks.url");
      return url != null && !url.isBlank();
    }
  }

  /** Tells every observer; one that throws is the dispatcher's to log, and must not hide the others. */
  private record AllObservers(List<WebhookObserver> observers) implements WebhookObserver {
    @Override
    public void eventProduced(WebhookEventType type, int deliveries) {
      each(o -> o.eventProduced(type, deliveries));
    }

    @Override
    public void delivered(Delivery delivery, Duration sinceEnqueued) {
      each(o -> o.delivered(delivery, sinceEnqueued));
    }

    @Override
    public void retried(Delivery delivery, Duration delay) {
      each(o -> o.retried(delivery, delay));
    }

    @Override
    public void failed(Delivery delivery) {
      each(o -> o.failed(delivery));
    }

    private void each(Consumer<WebhookObserver> call) {
      for (WebhookObserver observer : observers) {
        try {
          call.accept(observer);
        } catch (RuntimeException e) {
          log.warn("webhook observer failed observer={}", observer.getClass().getName(), e);
        }
      }
    }
  }
}
