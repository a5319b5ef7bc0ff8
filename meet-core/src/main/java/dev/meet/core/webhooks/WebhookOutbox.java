package dev.meet.core.webhooks;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The durable queue of deliveries (SPI). Deliveries are kept in streams ({@link Delivery#stream()}): only the head of
 * a stream is ever handed out, and only to one claimer at a time, so a stream's deliveries go out one by one and in
 * order, while different streams go out in parallel.
 *
 * <p>A claim is a lease: until it runs out nobody else gets that stream; when the claimer dies the lease runs out and
 * another claimer gets the same head again (at least once, never two attempts in parallel as long as an attempt
 * ends before its lease does). Settling with a lost lease changes nothing and says so.
 *
 * <p>Times are passed in (ms since the epoch), never read from a clock, so every instance and every test decides
 * its own. Implementations are thread-safe; a store that cannot be reached is a {@link WebhookException} and
 * changes nothing.
 */
public interface WebhookOutbox {

  /**
   * Adds pending deliveries, each at the tail of its stream, in list order. Atomic: all or none.
   *
   * @throws IllegalArgumentException when one is not pending
   */
  void append(List<Delivery> deliveries);

  /**
   * Claims the due head of a stream that nobody holds (or whose lease ran out): the stream whose head has been due
   * longest.
   *
   * @param now the claimer's time
   * @param lease how long the claim excludes others
   * @return empty when no stream is due
   */
  Optional<Claim> claim(long now, Duration lease);

  /**
   * Ends a claim with the attempt's outcome. A {@link DeliveryStatus#PENDING pending} outcome stays the head of its
   * stream, due at its {@link Delivery#nextAttemptAt()}; a delivered or failed one leaves the stream (delivered ones
   * are kept in a bounded history, failed ones until redelivered) and the next one becomes due at once.
   *
   * @param outcome the claimed delivery after the attempt
   * @return false when the lease was lost (ran out and was claimed by another): nothing changed
   * @throws IllegalArgumentException when the outcome is not the claimed delivery
   */
  boolean settle(Claim claim, Delivery outcome);

  /** One delivery by id, in whatever status. */
  Optional<Delivery> get(String deliveryId);

  /** A target's deliveries (pending, failed, and recent delivered ones), newest first, at most {@code limit}. */
  List<Delivery> deliveries(String webhookId, int limit);

  /**
   * Puts a failed delivery back at the tail of its stream, pending and due now, with a fresh retry budget.
   *
   * @return the pending delivery, or empty when there is no failed delivery with that id
   */
  Optional<Delivery> redeliver(String deliveryId, long now);

  /** The backlog. */
  OutboxStats stats();

  /**
   * A leased stream head.
   *
   * @param delivery the head, as stored
   * @param token the lease's fencing token
   */
  record Claim(Delivery delivery, String token) {
    public Claim {
      Objects.requireNonNull(delivery, "delivery");
      Objects.requireNonNull(token, "token");
    }
  }
}
