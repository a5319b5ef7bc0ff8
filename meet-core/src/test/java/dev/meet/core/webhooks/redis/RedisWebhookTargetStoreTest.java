package dev.meet.core.webhooks.redis;

import dev.meet.core.webhooks.AbstractWebhookTargetStoreContractTest;
import dev.meet.core.webhooks.WebhookTargetStore;
import dev.meet.testkit.redis.RedisServer;
import dev.meet.testkit.redis.RedisServerExtension;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.redisson.api.RedissonClient;

/** The contract against a real Redis; two clients play two instances. */
@ExtendWith(RedisServerExtension.class)
class RedisWebhookTargetStoreTest extends AbstractWebhookTargetStoreContractTest {

  private static RedissonClient firstInstance;
  private static RedissonClient secondInstance;

  private final String prefix = "meet:test:webhooks:" + UUID.randomUUID();

  @BeforeAll
  static void connect(RedisServer redis) {
    firstInstance = WebhookRedisson.connect(redis.uri());
    secondInstance = WebhookRedisson.connect(redis.uri());
  }

  @AfterAll
  static void disconnect() {
    firstInstance.shutdown();
    secondInstance.shutdown();
  }

  @Override
  protected WebhookTargetStore newStore() {
    return new RedisWebhookTargetStore(firstInstance, prefix);
  }

  @Override
  protected WebhookTargetStore sameStoreAgain() {
    return new RedisWebhookTargetStore(secondInstance, prefix);
  }
}
