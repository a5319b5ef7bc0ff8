package dev.meet.core.engine;

import dev.meet.core.livekit.LiveKitException;
import dev.meet.core.livekit.LiveKitGateway;
import dev.meet.core.lock.LockException;
import dev.meet.core.lock.LockValue;
import dev.meet.core.lock.RecordingLockProvider;
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
