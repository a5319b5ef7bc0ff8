package dev.meet.core.webhooks.local;

import dev.meet.core.webhooks.AbstractWebhookOutboxContractTest;
import dev.meet.core.webhooks.WebhookOutbox;

/** The contract in memory (nothing survives a restart, so that test is skipped). */
class InMemoryWebhookOutboxTest extends AbstractWebhookOutboxContractTest {

  @Override
  protected WebhookOutbox newOutbox(int deliveredHistory) {
    return LocalWebhookOutbox.inMemory(deliveredHistory);
  }
}
