package dev.meet.core.engine;

import dev.meet.core.lock.RoomLock;
import java.time.Duration;
import java.time.Instant;

/** How old a lock is, as the lock store counts it. */
final class LockAges {

  private LockAges() {
  }

  /**
   * Whether a lock is younger than the grace period. Its age is read from the store: the lifetime locks are taken
   * with less the lifetime the store says is left, so no instance's clock (skewed, or set by a test) decides whether
   * a start still talking to LiveKit loses its lock. Only a lock without a remaining lifetime (a store that cannot
   * tell) falls back to the time written in it.
   *
   * @param cutoff now less the grace period, on this instance's clock: the fallback's only use
   */
  static boolean isYoung(RoomLock lock, Duration lockTtl, Duration grace, Instant cutoff) {
    Duration remaining = lock.remainingTtl();
    if (remaining != null) {
      return lockTtl.minus(remaining).compareTo(grace) < 0;
    }
    return lock.value().acquiredAt().isAfter(cutoff);
  }
}
