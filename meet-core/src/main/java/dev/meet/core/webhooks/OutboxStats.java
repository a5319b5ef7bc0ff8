package dev.meet.core.webhooks;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The outbox's backlog, for gauges.
 *
 * @param pending pending deliveries (every target, every instance)
 * @param oldestPendingEnqueuedAt when the oldest pending delivery entered the outbox (ms), null when none is pending
 */
public record OutboxStats(long pending, @Nullable Long oldestPendingEnqueuedAt) {

  /** How long the oldest pending delivery has waited; zero when none is pending. */
  public Duration oldestPendingAge(long now) {
    return oldestPendingEnqueuedAt == null ? Duration.ZERO
        : Duration.ofMillis(Math.max(0, now - oldestPendingEnqueuedAt));
  }
}
