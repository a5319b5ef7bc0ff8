package dev.meet.app.rooms;

import java.util.Optional;

/**
 * A read cache in front of the rooms' storage, shared by the instances (Redis), that never answers a room older than
 * the storage's. Writers hold the room before they write the storage ({@link #hold}: readers go to the storage and
 * may not fill it meanwhile) and put the new version after ({@link #put}, only if their hold is still there);
 * readers fill a miss with what the storage gave, only if nothing is cached or held ({@link #fill}). A hold that
 * its writer never replaces (a crash, a failed put) expires, after which readers fill from the storage again.
 * Failures to read, put or fill are misses; a failure to hold is a {@link RoomCacheException}, so the storage is never
 * written behind a cached room.
 */
interface RoomCache {

  /** No cache: every read goes to the storage. */
  RoomCache NONE = new RoomCache() {
    @Override
    public Optional<RoomStore.Versioned> get(String roomId) {
      return Optional.empty();
    }

    @Override
    public String hold(String roomId) {
      return "";
    }

    @Override
    public void put(String roomId, String hold, RoomStore.Versioned room) {
      // nothing cached
    }

    @Override
    public void fill(RoomStore.Versioned room) {
      // nothing cached
    }
  };

  /** The cached room; empty on a miss (not cached, held by a writer, or the cache unreachable). */
  Optional<RoomStore.Versioned> get(String roomId);

  /**
   * Before a write or a deletion: the room is held (neither served nor filled) until {@link #put} or the hold expires.
   *
   * @return the hold's token, for {@link #put}
   * @throws RoomCacheException when the cache cannot be reached (then the write must not happen)
   */
  String hold(String roomId);

  /** After a write: caches the new version if {@code hold} is still the room's hold (no later writer took it). */
  void put(String roomId, String hold, RoomStore.Versioned room);

  /** After a read of the storage or a creation: caches the room if nothing is cached or held for it. */
  void fill(RoomStore.Versioned room);
}
