package dev.meet.core.engine;

import dev.meet.core.CollectorRun;
import dev.meet.core.livekit.EgressState;
import dev.meet.core.livekit.LiveKitException;
import dev.meet.core.livekit.LiveKitGateway;
import dev.meet.core.livekit.LiveKitRoom;
import dev.meet.core.lock.LockException;
import dev.meet.core.lock.LockScan;
import dev.meet.core.lock.RecordingLockProvider;
import dev.meet.core.lock.RoomLock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Releases active locks that an instance left behind (it crashed mid-recording): a lock older than the grace period
 * (its age as the lock store counts it)
 * whose room is gone from LiveKit, or whose room has no in-progress egress, is orphaned.
 *
 * <p>Its cost does not grow with LiveKit calls per lock: one ListRooms and one ListEgress(active) per run, then a
 * cursor scan over the locks a page at a time. Memory holds LiveKit's live rooms and egresses and one page of locks.
 * It runs on one instance at a time (a leader lease), and a Redis outage only pauses it: the next run starts afresh.
 */
final class LockCollector {

  private static final Logger log = LoggerFactory.getLogger(LockCollector.class);
  static final String TASK = "lock-collector";
  private static final int PAGE_SIZE = 200;

  private final RecordingLockProvider locks;
  private final LiveKitGateway liveKit;
  private final Duration lockTtl;
  private final Duration grace;
  private final Clock clock;

  LockCollector(RecordingLockProvider locks, LiveKitGateway liveKit, Duration lockTtl, Duration grace, Clock clock) {
    this.locks = locks;
    this.liveKit = liveKit;
    this.lockTtl = lockTtl;
    this.grace = grace;
    this.clock = clock;
  }

  /** One run; stops before the next lock once {@code leading} turns false (the lease was lost). */
  CollectorRun run(BooleanSupplier leading) {
    Set<String> liveRooms = new HashSet<>();
    Set<String> recordingRooms = new HashSet<>();
    Set<String> inProgress = new HashSet<>();
    try {
      for (LiveKitRoom room : liveKit.listRooms()) {
        liveRooms.add(room.name());
      }
      for (EgressState egress : liveKit.listActiveEgress()) {
        recordingRooms.add(egress.roomName());
        inProgress.add(egress.egressId());
      }
    } catch (LiveKitException e) {
      return new CollectorRun(true, 0, 0, "LiveKit unavailable: " + e.getMessage());
    }
    Instant cutoff = clock.instant().minus(grace);
    int examined = 0;
    int released = 0;
    String cursor = null;
    try {
      do {
        LockScan page = locks.scan(cursor, PAGE_SIZE);
        for (RoomLock lock : page.locks()) {
          if (!leading.getAsBoolean()) {
            return new CollectorRun(true, examined, released, LeaderLease.LEAD_LOST);
          }
          examined++;
          if (LockAges.isYoung(lock, lockTtl, grace, cutoff)) {
            continue;
          }
          String room = lock.roomId();
          String egressId = lock.value().egressId();
          // Per lock: a bound lock is orphaned when its own egress is no longer in progress (another egress in the
          // same room, a stream or another deployment's, does not keep it); an unbound one (a start that crashed
          // between acquire and bind) when its room is gone or records nothing.
          boolean orphaned = egressId != null ? !inProgress.contains(egressId)
              : !liveRooms.contains(room) || !recordingRooms.contains(room);
          if (orphaned && locks.release(room, lock.value())) {
            released++;
            log.warn("orphaned active lock released roomId={} egressId={} owner={} acquiredAt={} reason={}", room,
                lock.value().egressId(), lock.value().instanceId(), lock.value().acquiredAt(),
                egressId != null ? "its egress is not in progress"
                    : liveRooms.contains(room) ? "no in-progress egress" : "room gone");
          }
        }
        cursor = page.nextCursor();
      } while (cursor != null);
    } catch (LockException e) {
      return new CollectorRun(true, examined, released, "lock store unavailable: " + e.getMessage());
    }
    return new CollectorRun(true, examined, released, null);
  }
}
