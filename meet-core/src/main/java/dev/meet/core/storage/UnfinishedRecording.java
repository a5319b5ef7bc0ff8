package dev.meet.core.storage;

import dev.meet.core.RecordingId;
import java.time.Instant;
import java.util.Objects;

/**
 * An entry of the index of unfinished recordings ({@link RecordingStorage#listUnfinished}).
 *
 * @param id the recording
 * @param indexedAt when the entry was written, by the store's clock (an object's last-modified time)
 */
public record UnfinishedRecording(RecordingId id, Instant indexedAt) {
  public UnfinishedRecording {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(indexedAt, "indexedAt");
  }
}
