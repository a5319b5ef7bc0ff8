package dev.meet.core.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meet.core.webhooks.WebhookOutbox.Claim;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link WebhookOutbox} passes. A provider's test is a short subclass that makes outboxes against
 * a real store; each test gets a fresh, empty outbox. Times are explicit: no test waits for a clock.
 */
public abstract class AbstractWebhookOutboxContractTest {

  protected static final Duration LEASE = Duration.ofSeconds(30);
  protected static final long T0 = 1_700_000_000_000L;

  /** A fresh, empty outbox keeping {@code deliveredHistory} delivered deliveries per target. */
  protected abstract WebhookOutbox newOutbox(int deliveredHistory);

  /**
   * The outbox a restarted instance would open on the same store as the last {@link #newOutbox}, or empty for a
   * provider that keeps nothing across restarts.
   */
  protected Optional<WebhookOutbox> reopen() {
    return Optional.empty();
  }

  private int recordings;

  protected WebhookOutbox outbox() {
    return newOutbox(100);
  }

  protected static WebhookEvent roomEvent(String roomId, WebhookEventType type) {
    return WebhookEvent.room(type, roomId, Map.of("roomId", roomId, "roomName", "Réunion"), T0);
  }

  protected static Delivery pending(String webhookId, String roomId, long now) {
    return Delivery.pending(webhookId, roomEvent(roomId, WebhookEventType.PARTICIPANT_JOINED), now);
  }

  private static Claim claimed(WebhookOutbox outbox, long now) {
    return outbox.claim(now, LEASE).orElseThrow(() -> new AssertionError("nothing was due at " + now));
  }

  @Test
  void deliveriesOfOneStreamAreHandedOutOneAtATimeInAppendOrder() {
    WebhookOutbox outbox = outbox();
    Delivery first = pending("wh_a", "room-1", T0);
    Delivery second = pending("wh_a", "room-1", T0);
    Delivery third = pending("wh_a", "room-1", T0);
    outbox.append(List.of(first, second));
    outbox.append(List.of(third));

    List<String> order = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Claim claim = claimed(outbox, T0 + i);
      assertThat(outbox.claim(T0 + i, LEASE)).as("the stream is held").isEmpty();
      order.add(claim.delivery().deliveryId());
      assertThat(outbox.settle(claim, claim.delivery().delivered(T0 + i, 204))).isTrue();
    }

    assertThat(order).containsExactly(first.deliveryId(), second.deliveryId(), third.deliveryId());
    assertThat(outbox.claim(T0 + 10, LEASE)).isEmpty();
  }

  @Test
  void differentStreamsAreHandedOutInParallel() {
    WebhookOutbox outbox = outbox();
    outbox.append(List.of(pending("wh_a", "room-1", T0), pending("wh_a", "room-2", T0),
        pending("wh_b", "room-1", T0)));

    List<String> streams = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      streams.add(claimed(outbox, T0).delivery().stream());
    }

    assertThat(streams).containsExactlyInAnyOrder("wh_a room:room-1", "wh_a room:room-2", "wh_b room:room-1");
    assertThat(outbox.claim(T0, LEASE)).isEmpty();
  }

  @Test
  void theStreamWhoseHeadWaitedLongestIsHandedOutFirst() {
    WebhookOutbox outbox = outbox();
    outbox.append(List.of(pending("wh_a", "room-late", T0 + 5)));
    outbox.append(List.of(pending("wh_a", "room-early", T0)));

    assertThat(claimed(outbox, T0 + 10).delivery().event().roomId()).isEqualTo("room-early");
  }

  @Test
  void aLeaseThatRanOutIsClaimedAgainAndTheOldClaimCanNoLongerSettle() {
    WebhookOutbox outbox = outbox();
    Delivery delivery = pending("wh_a", "room-1", T0);
    outbox.append(List.of(delivery));
    Claim dead = claimed(outbox, T0);

    assertThat(outbox.claim(T0 + LEASE.toMillis() - 1, LEASE)).isEmpty();
    Claim takeover = claimed(outbox, T0 + LEASE.toMillis());

    assertThat(takeover.delivery().deliveryId()).isEqualTo(delivery.deliveryId());
    assertThat(outbox.settle(dead, dead.delivery().delivered(T0, 200))).isFalse();
    assertThat(outbox.get(delivery.deliveryId()).orElseThrow().status()).isEqualTo(DeliveryStatus.PENDING);
    assertThat(outbox.settle(takeover, takeover.delivery().delivered(T0 + LEASE.toMillis(), 200))).isTrue();
    assertThat(outbox.get(delivery.deliveryId()).orElseThrow().status()).isEqualTo(DeliveryStatus.DELIVERED);
  }

  @Test
  void aRetriedHeadKeepsItsPlaceAndIsDueOnlyAtItsNextAttempt() {
    WebhookOutbox outbox = outbox();
    Delivery first = pending("wh_a", "room-1", T0);
    Delivery second = pending("wh_a", "room-1", T0);
    outbox.append(List.of(first, second));
    Claim claim = claimed(outbox, T0);

    assertThat(outbox.settle(claim, claim.delivery().retryAt(T0, T0 + 5_000, 503, "HTTP 503"))).isTrue();

    assertThat(outbox.claim(T0 + 4_999, LEASE)).isEmpty();
    Claim again = claimed(outbox, T0 + 5_000);
    assertThat(again.delivery().deliveryId()).isEqualTo(first.deliveryId());
    assertThat(again.delivery().attempts()).isEqualTo(1);
    assertThat(again.delivery().lastError()).isEqualTo("HTTP 503");
    assertThat(again.delivery().lastStatusCode()).isEqualTo(503);
  }

  @Test
  void aSettledClaimIsReleasedSoTheNextHeadIsDueAtOnce() {
    WebhookOutbox outbox = outbox();
    Delivery first = pending("wh_a", "room-1", T0);
    Delivery second = pending("wh_a", "room-1", T0);
    outbox.append(List.of(first, second));
    Claim claim = claimed(outbox, T0);
    outbox.settle(claim, claim.delivery().delivered(T0, 200));

    assertThat(claimed(outbox, T0).delivery().deliveryId()).isEqualTo(second.deliveryId());
  }

  @Test
  void aFailedDeliveryLeavesItsStreamAndIsKeptListedAndRedeliverableAtTheTail() {
    WebhookOutbox outbox = outbox();
    Delivery failing = pending("wh_a", "room-1", T0);
    Delivery next = pending("wh_a", "room-1", T0 + 1);
    outbox.append(List.of(failing, next));
    Claim claim = claimed(outbox, T0);
    outbox.settle(claim, claim.delivery().failed(T0, 410, "HTTP 410"));

    Delivery stored = outbox.get(failing.deliveryId()).orElseThrow();
    assertThat(stored.status()).isEqualTo(DeliveryStatus.FAILED);
    assertThat(stored.attempts()).isEqualTo(1);
    assertThat(stored.lastError()).isEqualTo("HTTP 410");
    assertThat(outbox.deliveries("wh_a", 10)).extracting(Delivery::deliveryId)
        .containsExactlyInAnyOrder(failing.deliveryId(), next.deliveryId());

    Delivery again = outbox.redeliver(failing.deliveryId(), T0 + 100).orElseThrow();
    assertThat(again.status()).isEqualTo(DeliveryStatus.PENDING);
    assertThat(again.enqueuedAt()).isEqualTo(T0 + 100);
    assertThat(again.attempts()).as("history kept").isEqualTo(1);
    Claim afterNext = claimed(outbox, T0 + 100);
    assertThat(afterNext.delivery().deliveryId()).as("what was pending goes first").isEqualTo(next.deliveryId());
    outbox.settle(afterNext, afterNext.delivery().delivered(T0 + 100, 200));
    assertThat(claimed(outbox, T0 + 100).delivery().deliveryId()).isEqualTo(failing.deliveryId());
  }

  @Test
  void onlyAFailedDeliveryCanBeRedelivered() {
    WebhookOutbox outbox = outbox();
    Delivery delivery = pending("wh_a", "room-1", T0);
    outbox.append(List.of(delivery));

    assertThat(outbox.redeliver(delivery.deliveryId(), T0)).as("pending").isEmpty();
    assertThat(outbox.redeliver("no-such-delivery", T0)).isEmpty();
    Claim claim = claimed(outbox, T0);
    outbox.settle(claim, claim.delivery().delivered(T0, 200));
    assertThat(outbox.redeliver(delivery.deliveryId(), T0)).as("delivered").isEmpty();
  }

  @Test
  void statsCountPendingDeliveriesAndTheOldest() {
    WebhookOutbox outbox = outbox();
    assertThat(outbox.stats()).isEqualTo(new OutboxStats(0, null));
    outbox.append(List.of(pending("wh_a", "room-1", T0 + 7), pending("wh_b", "room-2", T0 + 3),
        pending("wh_b", "room-2", T0 + 9)));

    assertThat(outbox.stats()).isEqualTo(new OutboxStats(3, T0 + 3));
    assertThat(outbox.stats().oldestPendingAge(T0 + 10)).isEqualTo(Duration.ofMillis(7));

    Claim claim = claimed(outbox, T0 + 10);
    outbox.settle(claim, claim.delivery().delivered(T0 + 10, 200));
    assertThat(outbox.stats().pending()).isEqualTo(2);
  }

  @Test
  void theDeliveryListIsPerTargetNewestFirstAndLimited() {
    WebhookOutbox outbox = outbox();
    Delivery older = pending("wh_a", "room-1", T0);
    Delivery newer = pending("wh_a", "room-2", T0 + 1);
    outbox.append(List.of(older, newer, pending("wh_b", "room-1", T0 + 2)));

    assertThat(outbox.deliveries("wh_a", 10)).extracting(Delivery::deliveryId)
        .containsExactly(newer.deliveryId(), older.deliveryId());
    assertThat(outbox.deliveries("wh_a", 1)).extracting(Delivery::deliveryId).containsExactly(newer.deliveryId());
    assertThat(outbox.deliveries("wh_nobody", 10)).isEmpty();
  }

  @Test
  void deliveredHistoryIsBoundedPerTarget() {
    WebhookOutbox outbox = newOutbox(2);
    List<Delivery> all = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      all.add(pending("wh_a", "room-" + i, T0 + i));
    }
    outbox.append(all);
    for (int i = 0; i < 4; i++) {
      Claim claim = claimed(outbox, T0 + 10);
      outbox.settle(claim, claim.delivery().delivered(T0 + 10, 200));
    }

    assertThat(outbox.deliveries("wh_a", 10)).hasSize(2)
        .allSatisfy(d -> assertThat(d.status()).isEqualTo(DeliveryStatus.DELIVERED));
  }

  @Test
  void appendRefusesADeliveryThatIsNotPendingAndStoresNoneOfTheBatch() {
    WebhookOutbox outbox = outbox();
    Delivery good = pending("wh_a", "room-1", T0);
    Delivery done = pending("wh_a", "room-1", T0).delivered(T0, 200);

    assertThatThrownBy(() -> outbox.append(List.of(good, done))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(done.deliveryId());
    assertThat(outbox.stats().pending()).isZero();
  }

  @Test
  void settlingWithAnotherDeliveryThanTheClaimedOneIsRefused() {
    WebhookOutbox outbox = outbox();
    outbox.append(List.of(pending("wh_a", "room-1", T0)));
    Claim claim = claimed(outbox, T0);
    Delivery other = pending("wh_a", "room-1", T0);

    assertThatThrownBy(() -> outbox.settle(claim, other.delivered(T0, 200)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(other.deliveryId());
  }

  @Test
  void theBodyAndEveryFieldSurviveTheStoreByteForByte() {
    WebhookOutbox outbox = outbox();
    WebhookEvent event = WebhookEvent.recording(WebhookEventType.RECORDING_ENDED,
        WebhookJsonTest.recording("Réunion / 会議 🎥 \u0000", 12.5), T0);
    Delivery delivery = Delivery.pending("wh_a", event, T0);
    outbox.append(List.of(delivery));

    assertThat(claimed(outbox, T0).delivery()).isEqualTo(delivery);
  }

  @Test
  void pendingDeliveriesSurviveARestartInOrderAndFailedOnesStayFailed() {
    WebhookOutbox outbox = outbox();
    Delivery failed = pending("wh_a", "room-0", T0);
    Delivery first = pending("wh_a", "room-1", T0);
    Delivery second = pending("wh_a", "room-1", T0);
    outbox.append(List.of(failed, first, second));
    Claim claim = claimed(outbox, T0);
    outbox.settle(claim, claim.delivery().failed(T0, null, "connection refused"));
    claimed(outbox, T0); // held by the instance that "dies"

    Optional<WebhookOutbox> restarted = reopen();
    Assumptions.assumeTrue(restarted.isPresent(), "this provider keeps nothing across restarts");
    WebhookOutbox after = restarted.orElseThrow();

    assertThat(after.get(failed.deliveryId()).orElseThrow().status()).isEqualTo(DeliveryStatus.FAILED);
    assertThat(after.stats().pending()).isEqualTo(2);
    long later = T0 + LEASE.toMillis();
    Claim c1 = claimed(after, later);
    assertThat(c1.delivery().deliveryId()).isEqualTo(first.deliveryId());
    after.settle(c1, c1.delivery().delivered(later, 200));
    assertThat(claimed(after, later).delivery().deliveryId()).isEqualTo(second.deliveryId());
  }
}
