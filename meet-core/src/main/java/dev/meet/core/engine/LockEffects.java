package dev.meet.core.engine;

import dev.meet.core.Recording;
import dev.meet.core.RecordingId;
import dev.meet.core.RecordingStatus;
import dev.meet.core.events.EgressSignal;
import dev.meet.core.events.EventsException;
import dev.meet.core.events.RecordingEvents;
import dev.meet.core.livekit.EgressState;
import dev.meet.core.livekit.LiveKitGateway;
import dev.meet.core.lock.LockValue;
import dev.meet.core.lock.RoomLock;
import dev.meet.core.lock.RecordingLockProvider;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What egress and room events do to the active locks: an ended egress frees the lock bound to it (fencing: never
 * another's), a recording egress keeps its room locked, a finished room frees its lock unless its egress still runs.
 */
final class LockEffects {

  private static final Logger log = LoggerFactory.getLogger(LockEffects.class);

  private final ManagerSettings settings;
  private final RecordingLockProvider locks;
  private final LiveKitGateway liveKit;
  private final RecordingEvents events;
  private final Cleanup cleanup;

  LockEffects(ManagerSettings settings, RecordingLockProvider locks, LiveKitGateway liveKit, RecordingEvents events,
      Cleanup cleanup) {
    this.settings = settings;
    this.locks = locks;
    this.liveKit = liveKit;
    this.events = events;
    this.cleanup = cleanup;
  }

  /** Releases the room's lock only if it is bound to this egress (an old egress never frees a new lock). */
  void releaseBoundLock(RecordingId id) {
    Optional<LockValue> lock = locks.get(id.roomId());
    if (lock.isPresent() && id.egressId().equals(lock.get().egressId())) {
      if (locks.release(id.roomId(), lock.get())) {
        log.info("active lock released roomId={} egressId={} reason=egress ended", id.roomId(), id.egressId());
      }
    }
  }

  /** The token of a start attempt's lock: the uid of the recording it starts, then a random part. */
  static String attemptToken(String uid) {
    return uid + "-" + UUID.randomUUID();
  }

  /** Whether a lock is held for another recording than {@code id}: bound to another egress, or another start's. */
  private static boolean heldForAnother(LockValue lock, RecordingId id) {
    String holder = lock.egressId();
    return holder != null ? !holder.equals(id.egressId()) : !lock.token().startsWith(id.uid() + "-");
  }

  /**
   * An egress that is recording holds its room's lock: if the lock is gone (its start timed out and StopEgress
   * failed), it is taken again for this egress, so no second recording starts in the room until it ends.
   */
  void keepRoomLocked(RecordingId id, RecordingStatus status) {
    Optional<LockValue> current = locks.get(id.roomId());
    if (current.isPresent()) {
      if (status == RecordingStatus.ACTIVE && heldForAnother(current.get(), id)) {
        // Another recording took the room while this egress was unguarded (its start timed out and StopEgress
        // failed), or another start is between acquire and bind: one active recording per room, so the unguarded
        // one is stopped.
        log.warn("second egress recording in a locked room, stopping it roomId={} egressId={} lockHolder={}",
            id.roomId(), id.egressId(), current.get().egressId() == null ? "a start" : current.get().egressId());
        cleanup.stopEgress(id.egressId());
      }
      return;
    }
    // A late redelivery (its 2xx was lost) may describe an egress that LiveKit ended since: re-locking the room for
    // it would block every start until the collector ran. Only a live egress takes the room again.
    Optional<EgressState> live = liveKit.findEgress(id.egressId());
    if (live.isEmpty() || !live.get().isInProgress()) {
      log.info("late egress update of an ended egress, room not re-locked roomId={} egressId={}", id.roomId(),
          id.egressId());
      return;
    }
    LockValue value = new LockValue(UUID.randomUUID().toString(), id.egressId(), settings.instanceId(),
        settings.clock().instant());
    if (locks.tryAcquire(id.roomId(), value, settings.lockTtl())) {
      log.warn("active lock re-taken for a recording egress roomId={} egressId={}", id.roomId(), id.egressId());
    }
  }

  /**
   * {@code room_finished}: the room's lock is released unless a start is between acquire and bind, or LiveKit still
   * reports its egress in progress.
   *
   * @return what happened, for the webhook's answer
   */
  String roomFinished(String roomId) {
    Optional<RoomLock> found = locks.find(roomId);
    if (found.isEmpty()) {
      return "room " + roomId + " finished, no active lock";
    }
    Optional<LockValue> lock = found.map(RoomLock::value);
    String egressId = lock.get().egressId();
    // The lock's age as the store counts it: an instance whose clock is behind must not make a start look old.
    if (egressId == null && LockAges.isYoung(found.get(), settings.lockTtl(), settings.collectorGrace(),
        settings.clock().instant().minus(settings.collectorGrace()))) {
      // A start between acquire and bind (a late room_finished of an earlier meeting): not ours to free.
      return "room " + roomId + " finished, a start is in progress";
    }
    if (egressId != null) {
      Optional<EgressState> egress = liveKit.findEgress(egressId);
      if (egress.isPresent() && egress.get().isInProgress()) {
        return "room " + roomId + " finished, its egress " + egressId + " still runs";
      }
    }
    if (locks.release(roomId, lock.get())) {
      log.info("active lock released roomId={} egressId={} reason=room finished", roomId, egressId);
    }
    return "room " + roomId + " finished, active lock released";
  }

  /** What the reconciler's final state does: the same effects as an {@code egress_ended} webhook. */
  void reconciled(Recording ended) {
    RecordingId id = ended.id();
    releaseBoundLock(id);
    try {
      events.publish(new EgressSignal(id.egressId(), ended.status()));
    } catch (EventsException e) {
      log.warn("could not signal a reconciled recording recordingId={}: {}", id, e.getMessage());
    }
  }
}
