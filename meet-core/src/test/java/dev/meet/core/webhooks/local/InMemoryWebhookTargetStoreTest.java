package dev.meet.core.webhooks.local;

import dev.meet.core.webhooks.AbstractWebhookTargetStoreContractTest;
import dev.meet.core.webhooks.WebhookTargetStore;

/** The contract in memory. */
class InMemoryWebhookTargetStoreTest extends AbstractWebhookTargetStoreContractTest {

  private WebhookTargetStore current;

  @Override
  protected WebhookTargetStore newStore() {
    current = LocalWebhookTargetStore.inMemory();
    return current;
  }

  @Override
  protected WebhookTargetStore sameStoreAgain() {
    return current;
  }
}
