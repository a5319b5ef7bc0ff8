package dev.meet.core.lock;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One page of a cursor scan over the active locks.
 *
 * @param locks the locks of this page (possibly empty even when more follow)
 * @param nextCursor where the next page starts, or null when the scan is complete
 */
public record LockScan(List<RoomLock> locks, @Nullable String nextCursor) {
  public LockScan {
    locks = List.copyOf(Objects.requireNonNull(locks, "locks"));
  }

  public boolean isLast() {
    return nextCursor == null;
  }
}
