package dev.meet.core.storage;

import dev.meet.core.Recording;
import java.util.Objects;

/**
 * What is stored for a recording: the public recording object and the internal fields the engine needs.
 *
 * @param recording the recording as clients see it
 * @param egressUpdatedAt LiveKit's {@code updatedAt} (ns) of the egress update this state came from, 0 if none:
 *     an older update never overwrites a newer one
 */
public record RecordingMetadata(Recording recording, long egressUpdatedAt) {
  public RecordingMetadata {
    Objects.requireNonNull(recording, "recording");
    if (egressUpdatedAt < 0) {
      throw new IllegalArgumentException("egressUpdatedAt must not be negative, was " + egressUpdatedAt);
    }
  }
}
