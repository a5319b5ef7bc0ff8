package dev.meet.core.engine;

import dev.meet.core.RecordingId;
import dev.meet.core.livekit.EgressState;
import dev.meet.core.livekit.LiveKitException;
import dev.meet.core.livekit.LiveKitGateway;
import dev.meet.core.lock.LockException;
import dev.meet.core.lock.LockValue;
import dev.meet.core.lock.RecordingLockProvider;
import java.util.Optional;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Best-effort undo steps (StopEgress, fenced lock release) for paths that already failed: logged, never thrown. */
final class Cleanup {

  private static final Logger log = LoggerFactory.getLogger(Cleanup.class);

  private final LiveKitGateway liveKit;
  private final RecordingLockProvider locks;

  Cleanup(LiveKitGateway liveKit, RecordingLockProvider locks) {
    this.liveKit = liveKit;
    this.locks = locks;
  }

  /** @return true when LiveKit accepted the stop */
  boolean stopEgress(String egressId) {
    try {
      liveKit.stopEgress(egressId);
      return true;
    } catch (LiveKitException e) {
      log.info("stopping egress failed egressId={}: {}", egressId, e.getMessage());
      return false;
    } catch (RuntimeException e) {
      // A gateway of the application's own may fail otherwise; this path already failed, so log and go on.
      log.warn("stopping egress failed egressId={}", egressId, e);
      return false;
    }
  }

  /**
   * A StartRoomCompositeEgress whose answer was lost (503, 408, a timeout) may have been applied: LiveKit then records
   * an egress nobody will wait for, and whose {@code egress_updated} would take the room's lock once the start's own
   * lock is released. So the room's egresses are listed and the one writing this start's file (its uid is in the
   * file name) is stopped. Called while the start still holds its lock, so such a webhook meets its own start's lock
   * and takes nothing.
   *
   * @param mediaPath what the start asked the egress to write for a room and uid, without {@code .mp4}
   */
  void stopEgressesOfStart(String roomId, String uid, BiFunction<String, String, String> mediaPath) {
    try {
      for (EgressState egress : liveKit.listEgress(roomId)) {
        Optional<RecordingId> id = EgressMapping.recordingIdOf(egress, mediaPath);
        if (id.isPresent() && id.get().uid().equals(uid) && egress.isInProgress()) {
          log.warn("egress of a failed start is recording, stopping it roomId={} egressId={}", roomId,
              egress.egressId());
          stopEgress(egress.egressId());
        }
      }
    } catch (LiveKitException e) {
      log.warn("could not look for the egress of a failed start roomId={}: {}; if LiveKit created it, the"
          + " egress records on, listed as a recording to stop", roomId, e.getMessage());
    } catch (RuntimeException e) {
      log.warn("could not look for the egress of a failed start roomId={}", roomId, e);
    }
  }

  void releaseLock(String roomId, LockValue value, String why) {
    try {
      if (locks.release(roomId, value)) {
        log.info("active lock released roomId={} reason={}", roomId, why);
      }
    } catch (LockException e) {
      log.warn("could not release the active lock roomId={} reason={}: {}; the collector will", roomId, why,
          e.getMessage());
    } catch (RuntimeException e) {
      log.warn("could not release the active lock roomId={} reason={}; the collector will", roomId, why, e);
    }
  }
}
