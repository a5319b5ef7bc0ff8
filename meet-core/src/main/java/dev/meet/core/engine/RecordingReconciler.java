package dev.meet.core.engine;

import dev.meet.core.CollectorRun;
import dev.meet.core.Recording;
import dev.meet.core.RecordingId;
import dev.meet.core.RecordingStatus;
import dev.meet.core.livekit.EgressState;
import dev.meet.core.livekit.LiveKitException;
import dev.meet.core.livekit.LiveKitGateway;
import dev.meet.core.lock.LockException;
import dev.meet.core.storage.CorruptRecordingException;
import dev.meet.core.storage.RecordingStorage;
import dev.meet.core.storage.StorageException;
import dev.meet.core.storage.StoredRecording;
import dev.meet.core.storage.UnfinishedPage;
import dev.meet.core.storage.UnfinishedRecording;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends recordings whose {@code egress_ended} was lost: a recording stored as starting, active or ending whose egress
 * LiveKit no longer reports in progress takes LiveKit's final state, or {@code aborted} when LiveKit forgot the egress.
 *
 * <p>It walks the storage's index of unfinished recordings, never the recordings themselves, so a run costs what is in
 * progress and nothing for the finished history: one ListEgress(active), one listing per thousand unfinished
 * recordings, and for a stale candidate only (its egress not in progress) one read and a ListEgress of that egress.
 * Stale index entries (a recording finished or deleted, or a create that failed half-way) are dropped on the way; a
 * recording whose metadata cannot be read is skipped with a WARN.
 * The first run on a storage whose index was never built builds it (a one-time walk of every recording). Runs on one
 * instance at a time; a dependency outage only pauses it.
 */
final class RecordingReconciler {

  private static final Logger log = LoggerFactory.getLogger(RecordingReconciler.class);
  static final String TASK = "recording-reconciler";

  private final RecordingStorage storage;
  private final LiveKitGateway liveKit;
  private final RecordingStates states;
  private final Duration grace;
  private final Clock clock;
  private final Consumer<Recording> ended;

  RecordingReconciler(RecordingStorage storage, LiveKitGateway liveKit, RecordingStates states, Duration grace,
      Clock clock, Consumer<Recording> ended) {
    this.storage = storage;
    this.liveKit = liveKit;
    this.states = states;
    this.grace = grace;
    this.clock = clock;
    this.ended = ended;
  }

  /** One run; stops before the next recording once {@code leading} turns false (the lease was lost). */
  CollectorRun run(BooleanSupplier leading) {
    int examined = 0;
    int repaired = 0;
    try {
      if (!storage.unfinishedIndexBuilt()) {
        // Once per storage: a walk of every recording (it cannot stop half-way; a lease lost meanwhile only means
        // the next leader may walk again, since the index is marked built at the end).
        log.info("building the index of unfinished recordings: reading every stored recording once");
        int added = storage.rebuildUnfinishedIndex();
        log.info("index of unfinished recordings built entriesAdded={}", added);
        if (!leading.getAsBoolean()) {
          return new CollectorRun(true, 0, 0, LeaderLease.LEAD_LOST);
        }
      }
      Set<String> inProgress = new HashSet<>();
      for (EgressState egress : liveKit.listActiveEgress()) {
        inProgress.add(egress.egressId());
      }
      long cutoffMillis = clock.millis() - grace.toMillis();
      String token = null;
      do {
        UnfinishedPage page = storage.listUnfinished(token);
        for (UnfinishedRecording entry : page.entries()) {
          if (!leading.getAsBoolean()) {
            return new CollectorRun(true, examined, repaired, LeaderLease.LEAD_LOST);
          }
          examined++;
          if (!inProgress.contains(entry.id().egressId()) && reconcile(entry, cutoffMillis)) {
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

  /** Looks at one stale candidate: its stored state, then LiveKit's (it may have started after the list was read). */
  private boolean reconcile(UnfinishedRecording entry, long cutoffMillis) {
    RecordingId id = entry.id();
    Optional<StoredRecording> stored;
    try {
      stored = storage.find(id);
    } catch (CorruptRecordingException e) {
      // A data problem for the operator, not an outage: the other recordings are still reconciled.
      log.warn("stale recording candidate skipped, its metadata cannot be read recordingId={} error={}", id,
          e.getMessage());
      return false;
    }
    if (stored.isEmpty() || stored.get().recording().status().isTerminal()) {
      // Deleted, never stored (a create that failed between its entry and its metadata), or finished while removing
      // its entry failed: the storage drops the entry unless a create or update made it unfinished meanwhile.
      storage.removeUnfinished(id);
      return false;
    }
    Recording recording = stored.get().recording();
    Optional<EgressState> egress = liveKit.findEgress(id.egressId());
    if (egress.isPresent()) {
      RecordingStatus real = egress.get().status();
      if (!real.isTerminal()) {
        return false;
      }
      Optional<RecordingStates.Applied> maybeApplied = states.applyEgress(id, egress.get());
      if (maybeApplied.isEmpty()) {
        return false; // deleted meanwhile
      }
      RecordingStates.Applied applied = maybeApplied.get();
      ended.accept(applied.recording());
      if (applied.changed()) {
        log.warn("stale recording reconciled from LiveKit roomId={} recordingId={} status={}", id.roomId(), id,
            applied.recording().status().value());
      }
      return applied.changed();
    }
    // LiveKit forgot the egress (restart, retention): give it the grace period, then abort. The grace counts from
    // when it started recording or, for one that never became active, from when it was stored.
    Long since = recording.startDate();
    if (since == null) {
      long created = stored.get().metadata().createdAt();
      since = created > 0 ? created : null;
    }
    if (since != null && since > cutoffMillis) {
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
