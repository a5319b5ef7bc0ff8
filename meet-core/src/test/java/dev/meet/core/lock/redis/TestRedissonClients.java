package dev.meet.core.lock.redis;

import java.time.Duration;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.redisson.config.ConstantDelay;

/** Redisson clients for tests: small pools, and timeouts short enough that an outage fails a call in well under a second. */
final class TestRedissonClients {

  private TestRedissonClients() {}

  static RedissonClient connect(String uri) {
    Config config = new Config();
    config.setThreads(2).setNettyThreads(4);
    config.useSingleServer()
        .setAddress(uri)
        .setConnectionMinimumIdleSize(1)
        .setConnectionPoolSize(8)
        .setSubscriptionConnectionMinimumIdleSize(0)
        .setConnectTimeout(500)
        .setTimeout(500)
        .setRetryAttempts(0)
        // Reconnect promptly after a restart instead of backing off for seconds.
        .setReconnectionDelay(new ConstantDelay(Duration.ofMillis(50)));
    return Redisson.create(config);
  }
}
