package dev.meet.app.rooms;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where rooms live: in the recordings' storage, at {@code {prefix}rooms/{roomId}/{roomId}.json}. Creation is
 * conditional and updates name the version they read, so instances sharing the store never lose an update.
 * Expected outcomes are values; an unreachable store is a {@link RoomStoreException}. Thread-safe.
 */
public interface RoomStore {

  /** Stores a new room. @return false when a room with its id exists (nothing changed) */
  boolean create(Room room);

  /** The room and its version, if it exists. */
  Optional<Versioned> find(String roomId);

  /** Replaces the room if it is still at {@code current.version()}. @return false when it changed or is gone */
  boolean replace(Versioned current, Room next);

  /**
   * Deletes the room; nothing happens when it does not exist. One request on S3 ({@code DeleteObject} answers the
   * same whether the object existed or not), so callers that need to know read the room first.
   */
  void delete(String roomId);

  /**
   * One page of rooms in id order.
   *
   * @param pageToken the previous page's token, or null
   * @throws IllegalArgumentException for a token this store did not issue
   */
  Page list(int maxItems, @Nullable String pageToken);

  /** Remembers that a deleted room's recordings are still to be deleted (they were in progress). */
  void markPurge(String roomId);

  /** The rooms marked by {@link #markPurge}. */
  List<String> purgeMarks();

  /** Forgets a purge mark. */
  void clearPurge(String roomId);

  /** A stored room and the version it was read at. */
  record Versioned(Room room, String version) {
    public Versioned {
      Objects.requireNonNull(room, "room");
      Objects.requireNonNull(version, "version");
    }
  }

  /** One page of rooms; {@code nextPageToken} null on the last page. */
  record Page(List<Room> rooms, @Nullable String nextPageToken) {
    public Page {
      rooms = List.copyOf(rooms);
    }
  }
}
