package dev.meet.core.livekit;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs rejected webhook requests so that an operator learns of a misconfiguration (a rotated key, a clock off by
 * minutes) while a flood of forged requests cannot flood the log: every rejection at DEBUG with its reason, and at
 * most one WARN per interval, which counts the rejections it stood for.
 *
 * <p>Hand-written because it is a dozen lines: the logging libraries on our classpath (SLF4J, and Logback only in
 * applications) have no rate limiting a library can rely on, and a token bucket library would be one more dependency
 * for a single counter.
 *
 * <p>Thread-safe.
 */
public final class WebhookRejectionLog {

  /** One WARN a minute at most. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);

  private static final Logger log = LoggerFactory.getLogger(WebhookRejectionLog.class);

  private final Duration interval;
  private final Clock clock;
  private final AtomicLong nextWarnAt = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong suppressed = new AtomicLong();

  public WebhookRejectionLog() {
    this(DEFAULT_INTERVAL, Clock.systemUTC());
  }

  /**
   * @param interval the shortest time between two WARN lines
   * @param clock the clock the interval is measured on
   */
  public WebhookRejectionLog(Duration interval, Clock clock) {
    Objects.requireNonNull(interval, "interval must not be null");
    if (interval.isNegative()) {
      throw new IllegalArgumentException("interval must not be negative, was " + interval);
    }
    this.interval = interval;
    this.clock = Objects.requireNonNull(clock, "clock must not be null");
  }

  /**
   * Records one rejection.
   *
   * @return whether this one was logged at WARN
   */
  public boolean rejected(WebhookRejectedException rejection) {
    log.debug("{} reason={}", rejection.getMessage(), rejection.reason());
    long now = clock.millis();
    long due = nextWarnAt.get();
    if (now < due || !nextWarnAt.compareAndSet(due, now + interval.toMillis())) {
      suppressed.incrementAndGet();
      return false;
    }
    long others = suppressed.getAndSet(0);
    log.warn("{} reason={} rejectedSinceLastWarning={} (further rejections are logged at DEBUG, at most one WARN per {})",
        rejection.getMessage(), rejection.reason(), others, interval);
    return true;
  }
}
