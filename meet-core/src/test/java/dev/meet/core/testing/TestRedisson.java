package dev.meet.core.testing;

import java.time.Duration;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisConnectionException;
import org.redisson.config.Config;
import org.redisson.config.ConstantDelay;

/**
 * Redisson clients for tests: small pools, and command timeouts short enough that an outage fails a call in well under
 * a second and a restarted server is reconnected to promptly. Connecting may take longer: a refused connection fails
 * at once whatever the timeout, and on a loaded 2-core CI machine a healthy server can take over half a second to
 * complete the first handshake (seen as a {@code RedisConnectionException} from {@code Redisson.create}).
 */
public final class TestRedisson {

  private TestRedisson() {}

  public static RedissonClient connect(String uri) {
    RedisConnectionException last = null;
    // Redisson.create connects eagerly: a slow first handshake is retried rather than failing the whole test class.
    for (int attempt = 1; attempt <= 3; attempt++) {
      try {
        return create(uri);
      } catch (RedisConnectionException e) {
        last = e;
      }
    }
    throw last;
  }

  private static RedissonClient create(String uri) {
    Config config = new Config();
    config.setThreads(2).setNettyThreads(4);
    config.useSingleServer()
        .setAddress(uri)
        .setConnectionMinimumIdleSize(1)
        .setConnectionPoolSize(16)
        .setSubscriptionConnectionMinimumIdleSize(1)
        .setConnectTimeout(3000)
        .setTimeout(500)
        .setRetryAttempts(0)
        .setReconnectionDelay(new ConstantDelay(Duration.ofMillis(50)));
    return Redisson.create(config);
  }
}
