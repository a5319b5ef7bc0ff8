package dev.meet.core.webhooks.redis;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meet.core.webhooks.AbstractWebhookOutboxContractTest;
import dev.meet.core.webhooks.WebhookException;
import dev.meet.core.webhooks.WebhookOutbox;
import dev.meet.testkit.redis.RedisServer;
import dev.meet.testkit.redis.RedisServerExtension;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.redisson.api.RedissonClient;

/**
 * The contract against a real Redis. Each test has a prefix of its own; a "restart" is an outbox on another client
 * with the same prefix, as a restarted instance would open it.
 */
@ExtendWith(RedisServerExtension.class)
class RedisWebhookOutboxTest extends AbstractWebhookOutboxContractTest {

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
  protected WebhookOutbox newOutbox(int deliveredHistory) {
    return new RedisWebhookOutbox(firstInstance, prefix, deliveredHistory);
  }

  @Override
  protected Optional<WebhookOutbox> reopen() {
    return Optional.of(new RedisWebhookOutbox(secondInstance, prefix));
  }

  @Test
  void aPrefixWithABraceIsRefused() {
    assertThatThrownBy(() -> new RedisWebhookOutbox(firstInstance, "a{b"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefix");
  }

  @Test
  void redisBeingDownIsAWebhookExceptionAndChangesNothing(@RedisServerExtension.Private RedisServer own) {
    RedissonClient client = WebhookRedisson.connect(own.uri());
    try {
      WebhookOutbox outbox = new RedisWebhookOutbox(client, prefix);
      own.stop();

      assertThatThrownBy(() -> outbox.append(List.of(pending("wh_a", "room-1", T0))))
          .isInstanceOf(WebhookException.class).hasMessageContaining("append");
      assertThatThrownBy(() -> outbox.claim(T0, LEASE)).isInstanceOf(WebhookException.class);

      own.start();
      org.awaitility.Awaitility.await().untilAsserted(
          () -> org.assertj.core.api.Assertions.assertThat(outbox.stats().pending()).isZero());
    } finally {
      client.shutdown();
    }
  }
}
