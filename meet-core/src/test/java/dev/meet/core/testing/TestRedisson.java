package dev.meet.core.testing;

import java.time.Duration;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.redisson.config.ConstantDelay;

/**
 * Redisson clients for tests: small pools, and timeouts short enough that an outage fails a call in well under a
 * second and a restarted server is reconnected to promptly.
 */
public final class TestRedisson {

  private TestRedisson() {}

  public static RedissonClient connect(String uri) {
    Config config = new Config();
    config.setThreads(2).setNettyThreads(4);
    config.useSingleServer()
        .setAddress(uri)
        .setConnectionMinimumIdleSize(1)
        .setConnectionPoolSize(16)
        .setSubscriptionConnectionMinimumIdleSize(1)
        .setConnectTimeout(500)
        .setTimeout(500)
        .setRetryAttempts(0)
        .setReconnectionDelay(new ConstantDelay(Duration.ofMillis(50)));
    return Redisson.create(config);
  }
}
