package dev.meet.autoconfigure;

import org.redisson.config.Config;

/** Adjusts the Redisson configuration built from {@code meet.redis.url} before the client is created. */
@FunctionalInterface
public interface RedissonClientCustomizer {
  void customize(Config config);
}
