package dev.meet.autoconfigure;

import dev.meet.core.CollectorRun;
import dev.meet.core.RecordingException;
import dev.meet.core.RecordingObserver;
import dev.meet.core.WebhookOutcome;
import dev.meet.core.lock.LockException;
import dev.meet.core.lock.RecordingLockProvider;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * meet's meters:
 *
 * <ul>
 *   <li>{@code meet.recording.starts} (counter, tag {@code outcome}: {@code active} or the failure reason),
 *   <li>{@code meet.recording.start.latency} (timer, tag {@code outcome}),
 *   <li>{@code meet.recording.start.timeouts} (counter),
 *   <li>{@code meet.livekit.webhooks} (counter, tags {@code event}, {@code outcome}),
 *   <li>{@code meet.collector.releases} (counter, tag {@code task}: locks released / recordings reconciled),
 *   <li>{@code meet.locks.active} (gauge: active locks; the lock keys are scanned again only after a change here, or after 15 s).
 * </ul>
 */
public class MeetMetrics implements RecordingObserver, SmartInitializingSingleton {

  private final ObjectProvider<MeterRegistry> registryProvider;
  private final RecordingLockProvider locks;
  private volatile @Nullable MeterRegistry registry;
  static final Duration COUNT_MAX_AGE = Duration.ofSeconds(15);
  private long countedAt;
  private volatile boolean stale = true;
  private double lastCount;

  public MeetMetrics(ObjectProvider<MeterRegistry> registry, RecordingLockProvider locks) {
    this.registryProvider = registry;
    this.locks = locks;
  }

  /** The registry is looked up once every singleton exists, so the metrics auto-configuration order does not matter. */
  @Override
  public void afterSingletonsInstantiated() {
    MeterRegistry found = registryProvider.getIfAvailable();
    if (found != null) {
      Gauge.builder("meet.locks.active", this, MeetMetrics::activeLocks)
          .description("Rooms being recorded now (active locks)")
          .register(found);
      registry = found;
    }
  }

  /**
   * Counting the locks scans their keys (SCAN on Redis): done again only after this instance changed something (a
   * start, a webhook, a collector run) or after {@link #COUNT_MAX_AGE} (changes made by other instances), whatever the
   * scrape rate and the number of registries.
   */
  private synchronized double activeLocks() {
    long now = System.nanoTime();
    if (stale || now - countedAt > COUNT_MAX_AGE.toNanos()) {
      stale = false;
      try {
        lastCount = locks.count();
      } catch (LockException e) {
        lastCount = Double.NaN;
      }
      countedAt = now;
    }
    return lastCount;
  }

  @Override
  public void startFinished(String roomId, RecordingException.@Nullable Reason failure, Duration elapsed) {
    stale = true;
    MeterRegistry meters = registry;
    if (meters == null) {
      return;
    }
    String outcome = failure == null ? "active" : failure.name().toLowerCase(Locale.ROOT);
    Counter.builder("meet.recording.starts").description("Recording starts by outcome")
        .tag("outcome", outcome).register(meters).increment();
    Timer.builder("meet.recording.start.latency").description("From the start call to its outcome")
        .tag("outcome", outcome).register(meters).record(elapsed);
    if (failure == RecordingException.Reason.START_TIMED_OUT) {
      Counter.builder("meet.recording.start.timeouts").description("Starts whose egress did not become active in time")
          .register(meters).increment();
    }
  }

  @Override
  public void webhookHandled(String event, WebhookOutcome.Kind outcome) {
    stale = true;
    MeterRegistry meters = registry;
    if (meters == null) {
      return;
    }
    Counter.builder("meet.livekit.webhooks").description("LiveKit webhooks by event and outcome")
        .tag("event", event).tag("outcome", outcome.name().toLowerCase(Locale.ROOT)).register(meters).increment();
  }

  @Override
  public void collectorRan(String task, CollectorRun run) {
    stale = true;
    MeterRegistry meters = registry;
    if (meters == null || !run.ran()) {
      return;
    }
    Counter.builder("meet.collector.releases").description("Orphaned locks released and stale recordings reconciled")
        .tag("task", task).register(meters).increment(run.repaired());
  }
}
