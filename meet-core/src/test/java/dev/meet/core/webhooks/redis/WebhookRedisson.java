package dev.meet.core.webhooks.redis;

import java.time.Duration;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.redisson.config.ConstantDelay;

/**
 * Redisson clients for the webhook tests: generous timeouts, because these tests check what happens, not how fast,
 * and the build machine may be shared by several builds; no retries, so an outage shows at once.
 */
final class WebhookRedisson {

  private WebhookRedisson() {}

  static RedissonClient connect(String uri) {
    Config config = new Config();
    config.setThreads(2).setNettyThreads(4);
    config.useSingleServer()
        .setAddress(uri)
        .setConnectionMinimumIdleSize(1)
        .setConnectionPoolSize(8)
        .setSubscriptionConnectionMinimumIdleSize(0)
        .setConnectTimeout(10_000)
        .setTimeout(10_000)
        .setRetryAttempts(0)
        .setReconnectionDelay(new ConstantDelay(Duration.ofMillis(50)));
    return Redisson.create(config);
  }
}
