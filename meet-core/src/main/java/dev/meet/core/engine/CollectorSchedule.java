package dev.meet.core.engine;

import dev.meet.core.CollectorRun;
import dev.meet.core.RecordingObserver;
import dev.meet.core.lock.LockException;
import dev.meet.core.lock.RecordingLockProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collectors' scheduling: each runs every interval on one instance at a time (a leader lease in the lock
 * store), never overlapping itself, and a lock store outage only skips a run.
 */
final class CollectorSchedule {

  private static final Logger log = LoggerFactory.getLogger(CollectorSchedule.class);

  private final ManagerSettings settings;
  private final RecordingLockProvider locks;
  private final LockCollector lockCollector;
  private final RecordingReconciler reconciler;
  private final RecordingObserver observer;
  private final ExecutorService workers;
  private final ScheduledExecutorService timers;
  private final Map<String, AtomicBoolean> running = new ConcurrentHashMap<>();
  private final List<ScheduledFuture<?>> schedules = new ArrayList<>();

  CollectorSchedule(ManagerSettings settings, RecordingLockProvider locks, LockCollector lockCollector,
      RecordingReconciler reconciler, ExecutorService workers, ScheduledExecutorService timers) {
    this.settings = settings;
    this.locks = locks;
    this.lockCollector = lockCollector;
    this.reconciler = reconciler;
    this.observer = settings.observer();
    this.workers = workers;
    this.timers = timers;
  }

  CollectorRun collectOrphanedLocks() {
    return runAsLeader(LockCollector.TASK, lockCollector::run);
  }

  CollectorRun reconcileStaleRecordings() {
    return runAsLeader(RecordingReconciler.TASK, reconciler::run);
  }

  /**
   * Runs a collector if this instance leads its task. The lease lasts two intervals and is renewed while the run goes
   * on (see {@link LeaderLease}), so a leader keeps it however long a run takes and a dead one loses it soon; the
   * collector stops at its next unit of work if the lease is lost. A lock store outage skips the run (the next one
   * retries).
   */
  private CollectorRun runAsLeader(String task, Function<BooleanSupplier, CollectorRun> collector) {
    AtomicBoolean busy = running.computeIfAbsent(task, t -> new AtomicBoolean());
    if (!busy.compareAndSet(false, true)) {
      // A run longer than the interval: the next one waits for the next tick rather than piling up.
      return CollectorRun.skipped();
    }
    CollectorRun run;
    try {
      LeaderLease lease = LeaderLease.acquire(locks, task, settings.instanceId(),
          settings.collectorInterval().multipliedBy(2), timers, workers);
      if (lease == null) {
        run = CollectorRun.skipped();
      } else {
        try (lease) {
          run = collector.apply(lease::held);
        }
      }
    } catch (LockException e) {
      run = new CollectorRun(false, 0, 0, "lock store unavailable: " + e.getMessage());
    } catch (RejectedExecutionException e) {
      run = CollectorRun.skipped(); // the manager closed meanwhile; the lease expires by itself
    } finally {
      busy.set(false);
    }
    CollectorRun done = run;
    observer.collectorRan(task, done);
    return done;
  }

  synchronized void start() {
    if (!schedules.isEmpty()) {
      return;
    }
    long period = settings.collectorInterval().toMillis();
    schedules.add(timers.scheduleWithFixedDelay(() -> workers.execute(() -> runQuietly(
        this::collectOrphanedLocks, LockCollector.TASK)), period, period, TimeUnit.MILLISECONDS));
    schedules.add(timers.scheduleWithFixedDelay(() -> workers.execute(() -> runQuietly(
        this::reconcileStaleRecordings, RecordingReconciler.TASK)), period, period, TimeUnit.MILLISECONDS));
    log.info("collectors scheduled every {} instanceId={}", settings.collectorInterval(), settings.instanceId());
  }

  synchronized void stop() {
    schedules.forEach(s -> s.cancel(false));
    schedules.clear();
  }

  private static void runQuietly(Supplier<CollectorRun> task, String name) {
    try {
      CollectorRun run = task.get();
      if (LeaderLease.LEAD_LOST.equals(run.error())) {
        log.info("{} handed over: {}", name, run.error()); // a leader change, not a failure
      } else if (run.error() != null) {
        log.warn("{} paused: {}", name, run.error());
      }
    } catch (RuntimeException e) {
      log.warn("{} failed", name, e);
    }
  }
}
