package dev.meet.core.webhooks;

import java.time.Duration;
import java.util.Objects;

/**
 * How the dispatcher delivers. Start from {@link #of(String)} and change what differs:
 *
 * <pre>{@code
 * WebhookSettings settings = WebhookSettings.of(apiKey).withAttemptTimeout(Duration.ofSeconds(10));
 * }</pre>
 *
 * @param apiKey signs every attempt; never logged
 * @param attemptTimeout how long one attempt may take, connection and whole answer included (default 5 s)
 * @param lease how long a claimed stream is exclusively this instance's; longer than {@code attemptTimeout}, so an
 *     attempt always ends before another instance can take its stream over (default timeout + 30 s)
 * @param retry backoff and retry budget
 * @param maxInFlight attempts in progress at once per instance (default 64); each waits without a thread
 * @param pollInterval how often to look for due deliveries when nothing woke the dispatcher (default 500 ms):
 *     retries coming due, and deliveries appended by other instances
 */
public record WebhookSettings(
    String apiKey,
    Duration attemptTimeout,
    Duration lease,
    RetryPolicy retry,
    int maxInFlight,
    Duration pollInterval) {

  public WebhookSettings {
    if (apiKey == null || apiKey.isBlank()) {
      throw new IllegalArgumentException("apiKey must not be blank");
    }
    positive(attemptTimeout, "attemptTimeout");
    positive(lease, "lease");
    positive(pollInterval, "pollInterval");
    Objects.requireNonNull(retry, "retry");
    if (lease.compareTo(attemptTimeout) <= 0) {
      throw new IllegalArgumentException("lease must be longer than attemptTimeout (" + attemptTimeout
          + "), was " + lease);
    }
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be at least 1, was " + maxInFlight);
    }
  }

  /** The defaults, with this API key. */
  public static WebhookSettings of(String apiKey) {
    return new WebhookSettings(apiKey, Duration.ofSeconds(5), Duration.ofSeconds(35), RetryPolicy.DEFAULT, 64,
        Duration.ofMillis(500));
  }

  /** With this attempt timeout, and a lease of the timeout + 30 s. */
  public WebhookSettings withAttemptTimeout(Duration timeout) {
    return new WebhookSettings(apiKey, timeout, positive(timeout, "attemptTimeout").plusSeconds(30), retry,
        maxInFlight, pollInterval);
  }

  public WebhookSettings withLease(Duration newLease) {
    return new WebhookSettings(apiKey, attemptTimeout, newLease, retry, maxInFlight, pollInterval);
  }

  public WebhookSettings withRetry(RetryPolicy newRetry) {
    return new WebhookSettings(apiKey, attemptTimeout, lease, newRetry, maxInFlight, pollInterval);
  }

  public WebhookSettings withMaxInFlight(int newMaxInFlight) {
    return new WebhookSettings(apiKey, attemptTimeout, lease, retry, newMaxInFlight, pollInterval);
  }

  public WebhookSettings withPollInterval(Duration newPollInterval) {
    return new WebhookSettings(apiKey, attemptTimeout, lease, retry, maxInFlight, newPollInterval);
  }

  @Override
  public String toString() {
    return "WebhookSettings[apiKey=***, attemptTimeout=" + attemptTimeout + ", lease=" + lease + ", retry=" + retry
        + ", maxInFlight=" + maxInFlight + ", pollInterval=" + pollInterval + "]";
  }

  private static Duration positive(Duration value, String field) {
    Objects.requireNonNull(value, field);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(field + " must be positive, was " + value);
    }
    return value;
  }
}
