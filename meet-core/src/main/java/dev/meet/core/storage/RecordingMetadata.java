package dev.meet.core.storage;

import dev.meet.core.Recording;
import java.util.Objects;

/**
 * What is stored for a recording: the public recording object and the internal fields the engine needs.
 *
 * @param recording the recording as clients see it
 * @param egressUpdatedAt LiveKit's {@code updatedAt} (ns) of the egress update this state came from, 0 if none:
 *     an older update never overwrites a newer one
 * @param createdAt when the engine first stored the recording (ms since the epoch), 0 if unknown (written by an
 *     older version): the collectors' grace counts from it for a recording that never became active
 */
public record RecordingMetadata(Recording recording, long egressUpdatedAt, long createdAt) {
  public RecordingMetadata {
    Objects.requireNonNull(recording, "recording");
    if (egressUpdatedAt < 0) {
      throw new IllegalArgumentException("egressUpdatedAt must not be negative, was " + egressUpdatedAt);
    }
    if (createdAt < 0) {
      throw new IllegalArgumentException("createdAt must not be negative, was " + createdAt);
    }
  }

  /** Without a creation time (unknown). */
  public RecordingMetadata(Recording recording, long egressUpdatedAt) {
    this(recording, egressUpdatedAt, 0);
  }

  /** The same metadata with another recording state and egress version; the creation time is kept. */
  public RecordingMetadata with(Recording next, long nextEgressUpdatedAt) {
    return new RecordingMetadata(next, nextEgressUpdatedAt, createdAt);
  }
}
