package dev.meet.core.lock;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The per-room active-recording lock, shared by every instance. Not a thread- or client-owned mutex: any instance
 * may release a lock if it names the exact value it releases.
 *
 * <p>Expected outcomes are return values ("held by someone else" is {@code false}); an unreachable store is a
 * {@link LockException}. Implementations are thread-safe. Every implementation passes
 * {@code AbstractRecordingLockProviderContractTest} (meet-core's test-jar).
 */
public interface RecordingLockProvider {

  /**
   * Takes the room's lock if nobody holds it ({@code SET NX PX}).
   *
   * @return true when taken with this value, false when the room is already locked
   */
  boolean tryAcquire(String roomId, LockValue value, Duration ttl);

  /**
   * Replaces the value if the lock still holds {@code expected}, keeping its remaining lifetime (binding the lock to
   * its egress).
   *
   * @return false when the lock is gone or holds another value
   */
  boolean replace(String roomId, LockValue expected, LockValue next);

  /**
   * Releases the lock if it holds exactly {@code expected} (compare-and-delete).
   *
   * @return false when the lock is gone or holds another value (nothing changed)
   */
  boolean release(String roomId, LockValue expected);

  /** The room's lock, if held. */
  Optional<LockValue> get(String roomId);

  /**
   * The room's lock with the lifetime the store says it has left (Redis {@code PTTL}), if held: its age as the store
   * counts it, which no instance's clock can skew. The default, for a store that cannot tell, has no remaining
   * lifetime (callers then fall back to the time written in the value).
   */
  default Optional<RoomLock> find(String roomId) {
    return get(roomId).map(value -> new RoomLock(roomId, value, null));
  }

  /**
   * One page of a scan over all locks, in bounded memory (cursor-based, never loading every key).
   *
   * @param cursor null to start, then the previous page's {@link LockScan#nextCursor()}
   * @param pageSize a hint for how many locks a page holds
   */
  LockScan scan(@Nullable String cursor, int pageSize);

  /** Number of locks held now (metrics); may be approximate for large stores. */
  long count();

  /**
   * Takes or renews a leadership lease for a periodic task, so it runs on one instance at a time.
   *
   * @return true when {@code instanceId} leads {@code task} for the next {@code ttl}
   */
  boolean tryLead(String task, String instanceId, Duration ttl);
}
