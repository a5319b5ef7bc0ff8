package dev.meet.core.engine;

import dev.meet.core.Recording;
import dev.meet.core.RecordingId;
import dev.meet.core.RecordingListener;
import dev.meet.core.RecordingStatus;
import dev.meet.core.livekit.EgressState;
import dev.meet.core.storage.RecordingMetadata;
import dev.meet.core.storage.RecordingSecrets;
import dev.meet.core.storage.RecordingStorage;
import dev.meet.core.storage.StorageException;
import dev.meet.core.storage.StoredRecording;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recording state machine over storage: upserts that never lose an update and never go backwards.
 *
 * <ul>
 *   <li>an update for a recording that does not exist yet creates it (webhooks may overtake the start call);
 *   <li>a terminal status never changes back to a non-terminal one, and a status never moves back
 *       (starting &lt; active &lt; ending &lt; terminal);
 *   <li>an update older than the stored one (LiveKit's {@code updatedAt}) is ignored, a repeated one changes nothing;
 *   <li>concurrent writers are serialised by the storage's compare-and-set; the loser re-reads and decides again.
 * </ul>
 */
final class RecordingStates {

  private static final Logger log = LoggerFactory.getLogger(RecordingStates.class);
  /** Compare-and-set retries before giving up; each retry means another writer won, so progress is being made. */
  static final int MAX_ATTEMPTS = 16;

  private final RecordingStorage storage;
  private final List<RecordingListener> listeners;
  private final Clock clock;

  private final Duration tombstoneRetention;
  private final Duration retryBudget;

  /**
   * @param retryBudget how long one conditional update may go on retrying (the webhook deadline): past it the update
   *     fails with a {@link StorageException} instead of holding a webhook, and LiveKit's queue, behind a contended
   *     or slow storage
   */
  RecordingStates(RecordingStorage storage, List<RecordingListener> listeners, Clock clock,
      Duration tombstoneRetention, Duration retryBudget) {
    this.storage = storage;
    this.listeners = List.copyOf(listeners);
    this.clock = clock;
    this.tombstoneRetention = tombstoneRetention;
    this.retryBudget = retryBudget;
  }

  /**
   * The attempts of one conditional update: the first always, then more while fewer than {@link #MAX_ATTEMPTS} were
   * made and the retry budget is not spent. Measured on {@link System#nanoTime()}: elapsed time, which the
   * configured (possibly offset) clock does not tell.
   */
  private final class Attempts {
    private final long started = System.nanoTime();
    private int made;

    boolean another() {
      if (made > 0 && (made >= MAX_ATTEMPTS || System.nanoTime() - started >= retryBudget.toNanos())) {
        return false;
      }
      made++;
      return true;
    }

    StorageException exhausted(RecordingId id) {
      return new StorageException("conditional update of recording " + id + " not done after " + made
          + " attempts within " + retryBudget + " (concurrent writers or a slow storage)");
    }
  }

  /**
   * The stored recording, for the API's reads.
   *
   * @throws dev.meet.core.RecordingException STORAGE_UNAVAILABLE when storage fails
   */
  Optional<Recording> find(RecordingId id) {
    try {
      return storage.find(id).map(StoredRecording::recording);
    } catch (StorageException e) {
      throw Failures.storage(e);
    }
  }

  /** The state after applying: the stored recording, and whether this call changed it. */
  record Applied(Recording recording, boolean changed) {}

  /**
   * Applies LiveKit's view of an egress to its recording.
   *
   * @return the state after, or empty when the recording was deleted (a tombstone younger than the retention)
   * @throws StorageException when storage fails (the caller answers "retry")
   */
  Optional<Applied> applyEgress(RecordingId id, EgressState info) {
    long updatedAt = info.updatedAt();
    Attempts attempts = new Attempts();
    while (attempts.another()) {
      Optional<StoredRecording> current = storage.find(id);
      if (current.isEmpty()) {
        // Deleted (its tombstone is written before its metadata goes): a late or redelivered update must not bring
        // it back.
        if (wasDeleted(id)) {
          log.info("egress update of a deleted recording ignored recordingId={}", id);
          return Optional.empty();
        }
        Recording created = EgressMapping.merge(null, id, info);
        RecordingMetadata metadata = new RecordingMetadata(created, updatedAt, clock.millis());
        if (storage.create(metadata, RecordingSecrets.generate()).isPresent()) {
          changed(null, created);
          return Optional.of(new Applied(created, true));
        }
        continue;
      }
      StoredRecording stored = current.get();
      Recording old = stored.recording();
      RecordingStatus next = info.status();
      if (!isNewer(stored.metadata(), next, updatedAt)) {
        return Optional.of(new Applied(old, false));
      }
      Recording merged = EgressMapping.merge(old, id, info);
      long version = Math.max(updatedAt, stored.metadata().egressUpdatedAt());
      if (merged.equals(old) && version == stored.metadata().egressUpdatedAt()) {
        return Optional.of(new Applied(old, false));
      }
      if (storage.update(stored, stored.metadata().with(merged, version)).isPresent()) {
        changed(old, merged);
        return Optional.of(new Applied(merged, !merged.equals(old)));
      }
    }
    throw attempts.exhausted(id);
  }

  /**
   * Stores a recording the start flow just created (status from the start response), or, when a webhook already
   * created it, adds what only the start knows (room name, layout, encoding) without touching LiveKit's fields.
   */
  Recording createStarted(RecordingId id, Recording starting, EgressState startResponse) {
    long updatedAt = startResponse.updatedAt();
    Recording initial = EgressMapping.merge(starting, id, startResponse);
    Attempts attempts = new Attempts();
    while (attempts.another()) {
      RecordingMetadata metadata = new RecordingMetadata(initial, updatedAt, clock.millis());
      if (storage.create(metadata, RecordingSecrets.generate()).isPresent()) {
        changed(null, initial);
        return initial;
      }
      Optional<StoredRecording> current = storage.find(id);
      if (current.isEmpty()) {
        continue;
      }
      StoredRecording stored = current.get();
      Recording old = stored.recording();
      Recording enriched = new Recording(old.recordingId(), old.roomId(), starting.roomName(), old.status(),
          starting.layout(), starting.encoding(), old.filename(), old.startDate(), old.endDate(), old.duration(),
          old.size(), old.errorCode(), old.error(), old.details());
      if (enriched.equals(old)) {
        return old;
      }
      if (storage.update(stored, stored.metadata().with(enriched, stored.metadata().egressUpdatedAt())).isPresent()) {
        changed(old, enriched);
        return enriched;
      }
    }
    throw attempts.exhausted(id);
  }

  /**
   * Marks a recording whose egress LiveKit no longer knows as aborted (the reconciler's last resort).
   *
   * @return the stored state after
   */
  Applied abortLost(RecordingId id, String details) {
    Attempts attempts = new Attempts();
    while (attempts.another()) {
      Optional<StoredRecording> current = storage.find(id);
      if (current.isEmpty()) {
        throw new StorageException("recording " + id + " vanished while being reconciled");
      }
      StoredRecording stored = current.get();
      Recording old = stored.recording();
      if (old.status().isTerminal()) {
        return new Applied(old, false);
      }
      Recording aborted = new Recording(old.recordingId(), old.roomId(), old.roomName(), RecordingStatus.ABORTED,
          old.layout(), old.encoding(), old.filename(), old.startDate(), old.endDate(), old.duration(), old.size(),
          old.errorCode(), "egress lost", details);
      if (storage.update(stored, stored.metadata().with(aborted, stored.metadata().egressUpdatedAt())).isPresent()) {
        changed(old, aborted);
        return new Applied(aborted, true);
      }
    }
    throw attempts.exhausted(id);
  }

  private boolean wasDeleted(RecordingId id) {
    Instant horizon = clock.instant().minus(tombstoneRetention);
    return storage.deletedAt(id).filter(deletedAt -> deletedAt.isAfter(horizon)).isPresent();
  }

  private static boolean isNewer(RecordingMetadata stored, RecordingStatus next, long updatedAt) {
    RecordingStatus current = stored.recording().status();
    if (current.isTerminal() && !next.isTerminal()) {
      return false;
    }
    if (rank(next) < rank(current)) {
      return false;
    }
    if (updatedAt < stored.egressUpdatedAt()) {
      return false;
    }
    return !(updatedAt == stored.egressUpdatedAt() && next == current);
  }

  private static int rank(RecordingStatus status) {
    return switch (status) {
      case STARTING -> 0;
      case ACTIVE -> 1;
      case ENDING -> 2;
      default -> 3;
    };
  }

  private void changed(@Nullable Recording previous, Recording current) {
    log.info("recording {} roomId={} recordingId={} status={}", previous == null ? "created" : "updated",
        current.roomId(), current.recordingId(), current.status().value());
    for (RecordingListener listener : listeners) {
      try {
        listener.onRecordingChanged(previous, current);
      } catch (RuntimeException e) {
        log.warn("recording listener failed recordingId={} listener={}", current.recordingId(), listener, e);
      }
    }
  }
}
