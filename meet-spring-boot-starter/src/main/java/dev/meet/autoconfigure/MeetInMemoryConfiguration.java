package dev.meet.autoconfigure;

import dev.meet.core.events.RecordingEvents;
import dev.meet.core.events.inmemory.InMemoryRecordingEvents;
import dev.meet.core.lock.RecordingLockProvider;
import dev.meet.core.lock.inmemory.InMemoryRecordingLockProvider;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.ClassUtils;

/** The single-instance fallbacks: when there is no Redis, locks and signals stay in this process. */
@Configuration(proxyBeanMethods = false)
class MeetInMemoryConfiguration {

  private static final Logger log = LoggerFactory.getLogger(MeetInMemoryConfiguration.class);

  @Bean
  @ConditionalOnMissingBean
  RecordingLockProvider meetInMemoryLockProvider(MeetProperties properties, ResourceLoader resourceLoader) {
    requireNoRedisUrl(properties, resourceLoader.getClassLoader());
    log.warn("meet uses an in-memory recording lock: correct for a single instance only. Configure Redis "
        + "(spring.data.redis.* or meet.redis.url, or define a RedissonClient bean) when several instances share "
        + "LiveKit and storage.");
    return new InMemoryRecordingLockProvider();
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(RecordingEvents.class)
  InMemoryRecordingEvents meetInMemoryEvents() {
    return new InMemoryRecordingEvents();
  }

  /**
   * A Redis URL without Redisson would silently fall back to a single-instance lock: refuse instead. The application
   * context's class loader decides, as it does for the {@code @ConditionalOnClass} that skipped the Redis providers.
   */
  private static void requireNoRedisUrl(MeetProperties properties, @Nullable ClassLoader classLoader) {
    if (properties.redis().url() != null && !ClassUtils.isPresent("org.redisson.api.RedissonClient", classLoader)) {
      throw new MeetConfigurationException("meet.redis.url", "is set but Redisson is not on the classpath",
          "Add the dependency org.redisson:redisson, or remove meet.redis.url for a single instance.");
    }
  }
}
