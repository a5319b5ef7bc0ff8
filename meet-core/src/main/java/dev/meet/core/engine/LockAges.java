package dev.meet.core.engine;

import dev.meet.core.lock.RoomLock;
import java.time.Duration;
import java.time.Instant;

/** How old a lock is, as the lock store counts it. */
final class LockAges {

  private LockAges() {
  }

  /**
   * Whether a lock may be younger than the grace period: when either of two measures says so. The store's measure is
   * the lifetime this instance takes locks with less the lifetime the store says is left, so no instance's clock
   * (skewed, or set by a test) can make a start still talking to LiveKit look old; the time written in the value is
   * the other measure, so a lock taken a moment ago by an instance configured with a shorter lifetime (a rolling
   * change of the setting) does not look old either. An orphan is then freed later, never a live start early.
   *
   * @param cutoff now less the grace period, on this instance's clock
   */
  static boolean isYoung(RoomLock lock, Duration lockTtl, Duration grace, Instant cutoff) {
    Duration remaining = lock.remainingTtl();
    boolean youngByStore = remaining != null && lockTtl.minus(remaining).compareTo(grace) < 0;
    return youngByStore || lock.value().acquiredAt().isAfter(cutoff);
  }
}
