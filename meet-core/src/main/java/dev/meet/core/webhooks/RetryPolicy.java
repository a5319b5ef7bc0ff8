package dev.meet.core.webhooks;

import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;
import org.jspecify.annotations.Nullable;

/**
 * When to try a delivery again: exponential backoff from {@code initialDelay}, doubling per attempt up to
 * {@code maxDelay}, with "equal jitter" (a random point in the upper half of the step, so receivers coming back after
 * an outage are not hit by every instance at once, while the delay still grows); a {@code Retry-After} answer is
 * honoured instead (never earlier than {@code initialDelay}). A delivery whose next attempt would come later than
 * {@code budget} after it entered the outbox is failed instead.
 *
 * <p>Hand-written rather than a retry library's: the attempt count and due time live in the durable outbox, not in
 * a call stack, so there is no call for a library to wrap.
 *
 * @param initialDelay the first retry's delay (before jitter)
 * @param maxDelay the longest backoff step (a Retry-After may ask for more)
 * @param budget how long a delivery is retried, counted from when it entered the outbox
 */
public record RetryPolicy(Duration initialDelay, Duration maxDelay, Duration budget) {

  /** 1 s doubling to 10 min, for 24 h. */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(10), Duration.ofHours(24));

  public RetryPolicy {
    requirePositive(initialDelay, "initialDelay");
    requirePositive(maxDelay, "maxDelay");
    requirePositive(budget, "budget");
    if (maxDelay.compareTo(initialDelay) < 0) {
      throw new IllegalArgumentException("maxDelay must not be shorter than initialDelay (" + initialDelay
          + "), was " + maxDelay);
    }
  }

  /**
   * The delay before the next attempt.
   *
   * @param attempts attempts made so far, the failed one included (1 after the first)
   * @param retryAfter what the receiver asked for, or null
   * @param random uniform in [0, 1)
   */
  public Duration delay(int attempts, @Nullable Duration retryAfter, DoubleSupplier random) {
    if (retryAfter != null) {
      return retryAfter.compareTo(initialDelay) < 0 ? initialDelay : retryAfter;
    }
    long max = maxDelay.toMillis();
    long step = initialDelay.toMillis();
    for (int i = 1; i < attempts && step < max; i++) {
      step = Math.min(max, step * 2);
    }
    step = Math.min(max, step);
    long half = step / 2;
    return Duration.ofMillis(step - half + (long) (random.getAsDouble() * half));
  }

  private static void requirePositive(Duration value, String field) {
    Objects.requireNonNull(value, field);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(field + " must be positive, was " + value);
    }
  }
}
