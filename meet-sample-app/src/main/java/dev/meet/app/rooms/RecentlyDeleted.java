package dev.meet.app.rooms;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ids of the last rooms this instance deleted, so that the LiveKit events that trail a deletion
 * ({@code room_finished} when the LiveKit room goes) need no storage read to learn the room is gone. Remembering a
 * deleted id is always right: room ids carry 60 random bits and are created with a conditional write, so a deleted
 * id never names a room again. Forgetting one (the oldest beyond the bound, or another instance's deletion) only
 * costs that read. A bounded insertion-ordered map by hand: this needs no expiry, only a size bound.
 */
final class RecentlyDeleted {

  private final Map<String, Boolean> ids;

  RecentlyDeleted(int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be positive, was " + capacity);
    }
    this.ids = new LinkedHashMap<>(16, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > capacity;
      }
    };
  }

  synchronized void add(String roomId) {
    ids.put(roomId, Boolean.TRUE);
  }

  synchronized boolean contains(String roomId) {
    return ids.containsKey(roomId);
  }
}
