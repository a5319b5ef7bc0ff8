package dev.meet.core.engine;

import dev.meet.core.lock.LockException;
import dev.meet.core.lock.RecordingLockProvider;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A collector's lease on its task while a run lasts, however long: renewed in the background every third of its
 * lifetime, and no longer {@link #held()} once a renewal is refused (another instance leads now) or once the last
 * renewal the store accepted is a lifetime old (renewals failing, the store unreachable). The lifetime is counted on
 * this process's monotonic clock from before the request that took or renewed it, so it ends no later than the
 * store's own expiry. A collector asks {@link #held()} before each unit of work and stops when it is false. When the
 * store loses the lease (a Redis restart without persistence, a failover) another instance may take it at once, and
 * this one notices at its next renewal, or, when its renewals fail rather than being refused (a partition), when its
 * lifetime ends: two instances then work on one task for at most one lifetime, which the collectors tolerate (every
 * write they make is conditional or fenced).
 *
 * <p>Hand-written rather than ShedLock's {@code KeepAliveLockProvider}: that one extends a lock only while the task
 * runs and never tells the task it lost it, which is the part this needs (see docs/architecture.md).
 */
final class LeaderLease implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LeaderLease.class);

  /** What a collector run that stopped because another instance took the lead reports as its error. */
  static final String LEAD_LOST = "stopped: this instance no longer leads the task";

  private final RecordingLockProvider locks;
  private final String task;
  private final String instanceId;
  private final Duration lifetime;
  private volatile long validUntilNanos;
  private volatile boolean lost;
  /** One renewal at a time: with a slow store, scheduled renewals must not pile up on the workers. */
  private final AtomicBoolean renewing = new AtomicBoolean();
  private volatile @Nullable ScheduledFuture<?> renewal;

  private LeaderLease(RecordingLockProvider locks, String task, String instanceId, Duration lifetime,
      long validUntilNanos) {
    this.locks = locks;
    this.task = task;
    this.instanceId = instanceId;
    this.lifetime = lifetime;
    this.validUntilNanos = validUntilNanos;
  }

  /**
   * Takes (or keeps) the lead of {@code task} and starts renewing it on {@code workers}, timed by {@code timers}.
   *
   * @return the lease, or null when another instance leads the task
   * @throws LockException when the lock store cannot be asked
   */
  static @Nullable LeaderLease acquire(RecordingLockProvider locks, String task, String instanceId, Duration lifetime,
      ScheduledExecutorService timers, Executor workers) {
    long asked = System.nanoTime();
    if (!locks.tryLead(task, instanceId, lifetime)) {
      return null;
    }
    LeaderLease lease = new LeaderLease(locks, task, instanceId, lifetime, asked + lifetime.toNanos());
    long period = Math.max(1, lifetime.toMillis() / 3);
    // Timed on the timer thread, run on a worker: a slow lock store must not hold up other timers.
    lease.renewal = timers.scheduleWithFixedDelay(() -> {
      if (lease.renewing.compareAndSet(false, true)) {
        workers.execute(lease::renew);
      }
    }, period, period, TimeUnit.MILLISECONDS);
    return lease;
  }

  /** Whether this instance still leads the task: a collector checks before each unit of work. */
  boolean held() {
    return !lost && System.nanoTime() - validUntilNanos < 0;
  }

  private void renew() {
    try {
      renewOnce();
    } finally {
      renewing.set(false);
    }
  }

  private void renewOnce() {
    if (lost) {
      return;
    }
    long asked = System.nanoTime();
    try {
      if (locks.tryLead(task, instanceId, lifetime)) {
        validUntilNanos = asked + lifetime.toNanos();
      } else {
        lost = true;
        log.warn("collector lost its lead, stopping task={} instanceId={}", task, instanceId);
      }
    } catch (LockException e) {
      // The lease may still be ours until it expires; held() turns false then, unless a renewal succeeds first.
      log.warn("collector lead not renewed task={} instanceId={} error={}", task, instanceId, e.getMessage());
    }
  }

  /** Stops renewing; the lease expires by itself (or is renewed by the next run). */
  @Override
  public void close() {
    ScheduledFuture<?> scheduled = renewal;
    if (scheduled != null) {
      scheduled.cancel(false);
    }
  }
}
