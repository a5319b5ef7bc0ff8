package dev.meet.autoconfigure;

import java.time.Duration;
import java.util.UUID;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.redisson.config.ConstantDelay;

/** Redis for tests: small pools and short timeouts, so an outage fails a call well under a second. */
final class TestRedis {

  private TestRedis() {}

  /** What the tests apply to the starter's client, through the customizer the starter offers for it. */
  static final RedissonClientCustomizer CUSTOMIZER = TestRedis::tune;

  static RedissonClient connect(String uri) {
    Config config = new Config();
    config.useSingleServer().setAddress(uri);
    tune(config);
    return Redisson.create(config);
  }

  /** A key prefix and channel of its own, so tests sharing one Redis never see each other's locks or signals. */
  static String[] isolated(String redisUri) {
    String namespace = "meet-test:" + UUID.randomUUID() + ":";
    return new String[] {"meet.redis.url=" + redisUri, "meet.redis.key-prefix=" + namespace + "lock:",
        "meet.redis.channel=" + namespace + "signals"};
  }

  private static void tune(Config config) {
    config.setThreads(2).setNettyThreads(4);
    config.useSingleServer()
        .setConnectionMinimumIdleSize(1)
        .setConnectionPoolSize(8)
        .setSubscriptionConnectionMinimumIdleSize(1)
        .setConnectTimeout(500)
        .setTimeout(500)
        .setRetryAttempts(0)
        .setReconnectionDelay(new ConstantDelay(Duration.ofMillis(50)));
  }
}
