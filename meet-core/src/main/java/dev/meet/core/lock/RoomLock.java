package dev.meet.core.lock;

import java.util.Objects;

/**
 * A lock as found in the store.
 *
 * @param roomId the room it locks
 * @param value what it holds
 */
public record RoomLock(String roomId, LockValue value) {
  public RoomLock {
    Objects.requireNonNull(roomId, "roomId");
    Objects.requireNonNull(value, "value");
  }
}
