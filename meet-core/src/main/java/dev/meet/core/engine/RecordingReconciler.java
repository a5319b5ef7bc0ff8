package dev.meet.core.engine;

import dev.meet.core.CollectorRun;
import dev.meet.core.Recording;
import dev.meet.core.RecordingId;
import dev.meet.core.RecordingStatus;
import dev.meet.core.livekit.EgressState;
import dev.meet.core.livekit.LiveKitException;
import dev.meet.core.livekit.LiveKitGateway;
import dev.meet.core.lock.LockException;
import dev.meet.core.lock.RecordingLockProvider;
import dev.meet.core.storage.RecordingPage;
import dev.meet.core.storage.RecordingQuery;
import dev.meet.core.storage.RecordingStorage;
import dev.meet.core.storage.StorageException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends recordings whose {@code egress_ended} was lost: a recording stored as starting, active or ending whose egress
 * LiveKit no longer reports in progress takes LiveKit's final state, or {@code aborted} when LiveKit forgot the egress.
 *
 * <p>One ListEgress(active) per run; a ListEgress of one egress only for the rare stale candidate. Runs on one
 * instance at a time; a dependency outage only pauses it.
 */
final class RecordingReconciler {

  private static final Logger log = LoggerFactory.getLogger(RecordingReconciler.class);
  static final String TASK = "recording-reconciler";

  private final RecordingStorage storage;
  private final LiveKitGateway liveKit;
  private final RecordingLockProvider locks;
  private final RecordingStates states;
  private final Duration grace;
  private final Clock clock;
  private final Consumer<Recording> ended;

  RecordingReconciler(RecordingStorage storage, LiveKitGateway liveKit, RecordingLockProvider locks,
      RecordingStates states, Duration grace, Clock clock, Consumer<Recording> ended) {
    this.storage = storage;
    this.liveKit = liveKit;
    this.locks = locks;
    this.states = states;
    this.grace = grace;
    this.clock = clock;
    this.ended = ended;
  }

  /** One run; the caller holds the task's leader lease. */
  CollectorRun run() {
    int examined = 0;
    int repaired = 0;
    try {
      Set<String> inProgress = new HashSet<>();
      for (EgressState egress : liveKit.listActiveEgress()) {
        inProgress.add(egress.egressId());
      }
      long cutoffMillis = clock.millis() - grace.toMillis();
      // One pass over the recordings (each page read once), not one per in-progress status.
      String token = null;
      do {
        RecordingPage page = storage.list(new RecordingQuery(null, null, RecordingQuery.MAX_ITEMS, token));
        for (Recording recording : page.recordings()) {
          if (recording.status().isTerminal()) {
            continue;
          }
          examined++;
          RecordingId id = recording.id();
          if (inProgress.contains(id.egressId())) {
            continue;
          }
          if (reconcile(id, recording, cutoffMillis)) {
            repaired++;
          }
        }
        token = page.nextPageToken();
      } while (token != null);
    } catch (LiveKitException e) {
      return new CollectorRun(true, examined, repaired, "LiveKit unavailable: " + e.getMessage());
    } catch (StorageException e) {
      return new CollectorRun(true, examined, repaired, "storage unavailable: " + e.getMessage());
    } catch (LockException e) {
      return new CollectorRun(true, examined, repaired, "lock store unavailable: " + e.getMessage());
    }
    return new CollectorRun(true, examined, repaired, null);
  }

  /** Asks LiveKit about one stale candidate (it may have started after the active list was read). */
  private boolean reconcile(RecordingId id, Recording recording, long cutoffMillis) {
    Optional<EgressState> egress = liveKit.findEgress(id.egressId());
    if (egress.isPresent()) {
      RecordingStatus real = egress.get().status();
      if (!real.isTerminal()) {
        return false;
      }
      RecordingStates.Applied applied = states.applyEgress(id, egress.get());
      ended.accept(applied.recording());
      if (applied.changed()) {
        log.warn("stale recording reconciled from LiveKit roomId={} recordingId={} status={}", id.roomId(), id,
            applied.recording().status().value());
      }
      return applied.changed();
    }
    // LiveKit forgot the egress (restart, retention): give it the grace period, then abort.
    Long started = recording.startDate();
    if (started != null && started > cutoffMillis) {
      return false;
    }
    RecordingStates.Applied applied = states.abortLost(id,
        "Reconciled: LiveKit no longer reports egress " + id.egressId());
    ended.accept(applied.recording());
    if (applied.changed()) {
      log.warn("stale recording aborted, LiveKit no longer knows its egress roomId={} recordingId={}", id.roomId(),
          id);
    }
    return applied.changed();
  }
}
