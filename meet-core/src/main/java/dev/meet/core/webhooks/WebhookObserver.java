package dev.meet.core.webhooks;

import java.time.Duration;

/**
 * Told what the dispatcher does, for metrics (a Micrometer binding counts these; the backlog gauges read
 * {@link WebhookDispatcher#stats()}). Every method has an empty default; implementations must be fast and must not
 * throw (exceptions are logged and ignored).
 */
public interface WebhookObserver {

  /** An observer that does nothing. */
  WebhookObserver NONE = new WebhookObserver() { };

  /**
   * An event was published.
   *
   * @param deliveries how many targets it is going to (0 when none wants it)
   */
  default void eventProduced(WebhookEventType type, int deliveries) { }

  /**
   * A delivery reached its target.
   *
   * @param sinceEnqueued from entering the outbox to the successful answer
   */
  default void delivered(Delivery delivery, Duration sinceEnqueued) { }

  /**
   * An attempt failed and the delivery will be tried again.
   *
   * @param delay until the next attempt
   */
  default void retried(Delivery delivery, Duration delay) { }

  /** A delivery was given up (not retryable, budget spent, target deleted or disabled) and is kept as failed. */
  default void failed(Delivery delivery) { }
}
