package dev.meet.core.webhooks.local;

import dev.meet.core.webhooks.RoomActivityStore;
import dev.meet.core.webhooks.RoomEventDeriver.Activity;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Room activity of a single instance, in memory. It remembers the {@code maxRooms} most recently changed rooms
 * (default {@value #DEFAULT_MAX_ROOMS}); a forgotten room is a new room, so a very late repeat of one of its
 * webhooks could publish again. After a restart everything is forgotten the same way.
 */
public final class LocalRoomActivityStore implements RoomActivityStore {

  public static final int DEFAULT_MAX_ROOMS = 10_000;

  private final Map<String, Activity> rooms;

  public LocalRoomActivityStore() {
    this(DEFAULT_MAX_ROOMS);
  }

  public LocalRoomActivityStore(int maxRooms) {
    if (maxRooms < 1) {
      throw new IllegalArgumentException("maxRooms must be at least 1, was " + maxRooms);
    }
    // Access order, so the least recently changed room is dropped first.
    this.rooms = new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Activity> eldest) {
        return size() > maxRooms;
      }
    };
  }

  @Override
  public synchronized Optional<Activity> get(String roomId) {
    return Optional.ofNullable(rooms.get(roomId));
  }

  @Override
  public synchronized boolean compareAndSet(String roomId, @Nullable Activity expected, Activity next) {
    Objects.requireNonNull(next, "next");
    if (!Objects.equals(rooms.get(roomId), expected)) {
      return false;
    }
    rooms.put(roomId, next);
    return true;
  }
}
