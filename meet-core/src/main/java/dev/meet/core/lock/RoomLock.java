package dev.meet.core.lock;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A lock as found in the store.
 *
 * @param roomId the room it locks
 * @param value what it holds
 * @param remainingTtl how long the store keeps it still, as the store counts (Redis {@code PTTL}), or null when it
 *     never expires; with the lifetime it was taken with, it gives the lock's age without reading any instance's
 *     clock
 */
public record RoomLock(String roomId, LockValue value, @Nullable Duration remainingTtl) {

  /** A lock that never expires, or whose remaining lifetime is not known. */
  public RoomLock(String roomId, LockValue value) {
    this(roomId, value, null);
  }

  public RoomLock {
    Objects.requireNonNull(roomId, "roomId");
    Objects.requireNonNull(value, "value");
  }
}
