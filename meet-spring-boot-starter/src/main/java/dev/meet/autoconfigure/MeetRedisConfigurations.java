package dev.meet.autoconfigure;

import dev.meet.core.events.RecordingEvents;
import dev.meet.core.lock.RecordingLockProvider;
import dev.meet.core.lock.redis.RedisRecordingLockProvider;
import java.net.URI;
import java.net.URISyntaxException;
import org.jspecify.annotations.Nullable;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The Redis lock store and signals, when Redisson is on the classpath and there is a Redis to use. */
final class MeetRedisConfigurations {

  private MeetRedisConfigurations() {}

  /**
   * A Redisson client that connects on first use: creating it needs no Redis, so a Redis that is down at start-up
   * shows in health instead of failing the application, and the client connects once Redis is back.
   */
  static RedissonClient lazyClient(Config config, ObjectProvider<RedissonClientCustomizer> customizers) {
    config.setLazyInitialization(true);
    customizers.orderedStream().forEach(customizer -> customizer.customize(config));
    return Redisson.create(config);
  }

  /** A Redisson client from {@code meet.redis.url}, unless the application has its own. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(RedissonClient.class)
  @ConditionalOnProperty("meet.redis.url")
  static class UrlClient {

    @Bean(destroyMethod = "shutdown")
    @ConditionalOnMissingBean
    RedissonClient meetRedissonClient(MeetProperties properties, ObjectProvider<RedissonClientCustomizer> customizers) {
      Config config = new Config();
      config.useSingleServer().setAddress(validUrl(properties.redis().url()));
      return lazyClient(config, customizers);
    }

    static String validUrl(@Nullable String url) {
      String action = "Set meet.redis.url to redis://[user:password@]host:port[/database] "
          + "(rediss:// for TLS), e.g. redis://127.0.0.1:6379.";
      String problem = "'" + redacted(url) + "' is not a Redis URL";
      if (url == null) {
        throw new MeetConfigurationException("meet.redis.url", "is not set", action);
      }
      try {
        URI uri = new URI(url.strip());
        if (!("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme())) || uri.getHost() == null
            || uri.getPort() < 1) {
          throw new MeetConfigurationException("meet.redis.url", problem, action);
        }
        return uri.toString();
      } catch (URISyntaxException e) {
        // The syntax exception's message quotes the whole URL, credentials included: keep it out of the cause.
        throw new MeetConfigurationException("meet.redis.url", problem + " (" + e.getReason() + ")", action);
      }
    }

    /**
     * The URL without its credentials, for messages: failure reports and logs must not carry the password. Up to the
     * last {@code @}: passwords may hold {@code /} and {@code @}.
     */
    static String redacted(@Nullable String url) {
      return url == null ? "null" : url.replaceFirst("(?<=://).*@", "***@");
    }
  }

  /** Locks and signals over the application's (or our) Redisson client. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(RedissonClient.class)
  @ConditionalOnBean(RedissonClient.class)
  static class Providers {

    @Bean
    @ConditionalOnMissingBean
    RecordingLockProvider meetRedisLockProvider(RedissonClient redisson, MeetProperties properties) {
      return new RedisRecordingLockProvider(redisson, properties.redis().keyPrefix());
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(RecordingEvents.class)
    MeetRedisEvents meetRedisEvents(RedissonClient redisson, MeetProperties properties) {
      return new MeetRedisEvents(redisson, properties.redis().channel());
    }
  }
}
