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
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * meet's meters, bound by Boot to the application's registry like any {@link MeterBinder}:
 *
 * <ul>
 *   <li>{@code meet.recording.starts} (counter, tag {@code outcome}: {@code active} or the failure reason),
 *   <li>{@code meet.recording.start.latency} (timer, tag {@code outcome}),
 *   <li>{@code meet.recording.start.timeouts} (counter),
 *   <li>{@code meet.livekit.webhooks} (counter, tags {@code event}, {@code outcome}),
 *   <li>{@code meet.collector.releases} (counter, tag {@code task}: locks released / recordings reconciled),
 *   <li>{@code meet.locks.active} (gauge, tag {@code scope=cluster}: the active locks of every instance sharing the lock
 *       store, so every instance reports the same number; aggregate it with max, never sum. The lock keys are scanned
 *       again only after a change here, or after 15 s).
 * </ul>
 */
public class MeetMetrics implements RecordingObserver, MeterBinder {

  static final Duration COUNT_MAX_AGE = Duration.ofSeconds(15);

  private final RecordingLockProvider locks;
  private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
  private long countedAt;
  private volatile boolean stale = true;
  private double lastCount;

  public MeetMetrics(RecordingLockProvider locks) {
    this.locks = locks;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("meet.locks.active", this, MeetMetrics::activeLocks)
        .description("Rooms being recorded now, across every instance sharing the lock store (aggregate with max)")
        .tag("scope", "cluster")
        .register(registry);
    registries.add(registry);
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

  private void record(Consumer<MeterRegistry> meters) {
    registries.forEach(meters);
  }

  @Override
  public void startFinished(String roomId, RecordingException.@Nullable Reason failure, Duration elapsed) {
    stale = true;
    String outcome = failure == null ? "active" : failure.name().toLowerCase(Locale.ROOT);
    record(meters -> {
      Counter.builder("meet.recording.starts").description("Recording starts by outcome")
          .tag("outcome", outcome).register(meters).increment();
      Timer.builder("meet.recording.start.latency").description("From the start call to its outcome")
          .tag("outcome", outcome).register(meters).record(elapsed);
      if (failure == RecordingException.Reason.START_TIMED_OUT) {
        Counter.builder("meet.recording.start.timeouts")
            .description("Starts whose egress did not become active in time").register(meters).increment();
      }
    });
  }

  @Override
  public void webhookHandled(String event, WebhookOutcome.Kind outcome) {
    stale = true;
    record(meters -> Counter.builder("meet.livekit.webhooks").description("LiveKit webhooks by event and outcome")
        .tag("event", event).tag("outcome", outcome.name().toLowerCase(Locale.ROOT)).register(meters).increment());
  }

  @Override
  public void collectorRan(String task, CollectorRun run) {
    stale = true;
    if (!run.ran()) {
      return;
    }
    record(meters -> Counter.builder("meet.collector.releases")
        .description("Orphaned locks released and stale recordings reconciled")
        .tag("task", task).register(meters).increment(run.repaired()));
  }
}
