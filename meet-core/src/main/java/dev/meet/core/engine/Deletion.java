package dev.meet.core.engine;

import dev.meet.core.BulkDeleteResult;
import dev.meet.core.Recording;
import dev.meet.core.RecordingException;
import dev.meet.core.RecordingId;
import dev.meet.core.storage.RecordingStorage;
import dev.meet.core.storage.StorageException;
import dev.meet.core.storage.StoredRecording;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Deleting stopped recordings (metadata, secrets, media), one or many. */
final class Deletion {

  private static final Logger log = LoggerFactory.getLogger(Deletion.class);

  private final RecordingStorage storage;

  Deletion(RecordingStorage storage) {
    this.storage = storage;
  }

  void delete(String recordingId) {
    RecordingId id = Failures.parseId(recordingId);
    Recording recording = find(id).orElseThrow(() -> Failures.notFound(recordingId));
    if (!recording.status().isTerminal()) {
      throw new RecordingException(RecordingException.Reason.NOT_STOPPED,
          "Recording '" + id + "' is not stopped yet");
    }
    try {
      if (!storage.delete(id)) {
        throw Failures.notFound(recordingId);
      }
    } catch (StorageException e) {
      throw Failures.storage(e);
    }
    log.info("recording deleted roomId={} recordingId={}", id.roomId(), id);
  }

  BulkDeleteResult deleteAll(Collection<@Nullable String> recordingIds) {
    Objects.requireNonNull(recordingIds, "recordingIds");
    List<String> deleted = new ArrayList<>();
    List<BulkDeleteResult.Failure> failed = new ArrayList<>();
    List<RecordingId> deletable = new ArrayList<>();
    LinkedHashSet<RecordingId> seen = new LinkedHashSet<>();
    for (String given : new LinkedHashSet<>(recordingIds)) {
      // A null id is reported like any other bad id (as ""), never thrown: the other ids still get their answer.
      String raw = given == null ? "" : given;
      RecordingId id;
      try {
        id = RecordingId.parse(raw);
      } catch (IllegalArgumentException e) {
        failed.add(new BulkDeleteResult.Failure(raw, e.getMessage()));
        continue;
      }
      if (!seen.add(id)) {
        continue; // the same id written differently (padded): a duplicate counts once
      }
      try {
        Optional<Recording> recording = find(id);
        if (recording.isEmpty()) {
          failed.add(new BulkDeleteResult.Failure(raw, "Recording '" + id + "' not found"));
        } else if (!recording.get().status().isTerminal()) {
          failed.add(new BulkDeleteResult.Failure(raw, "Recording '" + id + "' is not stopped yet"));
        } else {
          deletable.add(id);
        }
      } catch (RecordingException e) {
        failed.add(new BulkDeleteResult.Failure(raw, e.getMessage()));
      }
    }
    if (!deletable.isEmpty()) {
      Map<RecordingId, @Nullable String> outcome;
      try {
        outcome = storage.deleteAll(deletable);
      } catch (StorageException e) {
        String error = Failures.storage(e).getMessage();
        deletable.forEach(id -> failed.add(new BulkDeleteResult.Failure(id.toString(), error)));
        return new BulkDeleteResult(deleted, failed);
      }
      for (RecordingId id : deletable) {
        String error = outcome.get(id);
        if (error == null && outcome.containsKey(id)) {
          deleted.add(id.toString());
        } else {
          failed.add(new BulkDeleteResult.Failure(id.toString(), error == null ? "not deleted" : error));
        }
      }
    }
    return new BulkDeleteResult(deleted, failed);
  }

  private Optional<Recording> find(RecordingId id) {
    try {
      return storage.find(id).map(StoredRecording::recording);
    } catch (StorageException e) {
      throw Failures.storage(e);
    }
  }
}
