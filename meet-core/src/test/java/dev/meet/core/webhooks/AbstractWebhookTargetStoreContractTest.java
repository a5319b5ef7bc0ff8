package dev.meet.core.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The contract every {@link WebhookTargetStore} passes; each test gets a fresh, empty store. */
public abstract class AbstractWebhookTargetStoreContractTest {

  protected abstract WebhookTargetStore newStore();

  /** A second handle on the same store (another instance, or the same data after a restart). */
  protected abstract WebhookTargetStore sameStoreAgain();

  protected static WebhookTarget target(String id, long creationDate) {
    return new WebhookTarget(id, "https://example.com/hooks/" + id, List.of(WebhookEventType.RECORDING_ENDED),
        "room-1", true, creationDate);
  }

  @Test
  void aCreatedTargetIsReadBackByAnotherHandle() {
    WebhookTargetStore store = newStore();
    WebhookTarget target = target("wh_1", 5);

    assertThat(store.create(target, 20)).isTrue();

    assertThat(sameStoreAgain().get("wh_1")).contains(target);
    assertThat(sameStoreAgain().list()).containsExactly(target);
  }

  @Test
  void theListIsOldestFirst() {
    WebhookTargetStore store = newStore();
    store.create(target("wh_b", 2), 20);
    store.create(target("wh_a", 1), 20);
    store.create(target("wh_c", 3), 20);

    assertThat(store.list()).extracting(WebhookTarget::webhookId).containsExactly("wh_a", "wh_b", "wh_c");
  }

  @Test
  void creationStopsAtTheLimitEvenWhenInstancesRace() throws Exception {
    WebhookTargetStore one = newStore();
    WebhookTargetStore two = sameStoreAgain();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<Boolean>> creations = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        WebhookTargetStore store = i % 2 == 0 ? one : two;
        WebhookTarget target = target("wh_" + i, i);
        creations.add(() -> store.create(target, 5));
      }
      int created = 0;
      for (Future<Boolean> result : pool.invokeAll(creations)) {
        created += result.get() ? 1 : 0;
      }

      assertThat(created).isEqualTo(5);
      assertThat(sameStoreAgain().list()).hasSize(5);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aTakenIdIsRefused() {
    WebhookTargetStore store = newStore();
    store.create(target("wh_1", 1), 20);

    assertThatThrownBy(() -> store.create(target("wh_1", 2), 20)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("wh_1");
  }

  @Test
  void updateReplacesAnExistingTargetOnly() {
    WebhookTargetStore store = newStore();
    store.create(target("wh_1", 1), 20);
    WebhookTarget changed = new WebhookTarget("wh_1", "http://other.example/x", List.of(), null, false, 1);

    assertThat(store.update(changed)).isTrue();
    assertThat(store.update(target("wh_missing", 1))).isFalse();

    assertThat(sameStoreAgain().get("wh_1")).contains(changed);
    assertThat(store.get("wh_missing")).isEmpty();
  }

  @Test
  void deleteRemovesAndSaysWhetherThereWasOne() {
    WebhookTargetStore store = newStore();
    store.create(target("wh_1", 1), 20);

    assertThat(store.delete("wh_1")).isTrue();
    assertThat(store.delete("wh_1")).isFalse();
    assertThat(sameStoreAgain().list()).isEmpty();
  }
}
