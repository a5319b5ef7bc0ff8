package dev.meet.core.storage;

import dev.meet.core.Recording;
import java.util.Objects;

/**
 * Metadata as read from storage, with the version a conditional update must name.
 *
 * @param metadata what is stored
 * @param version opaque: the S3 ETag, or the local file's revision
 */
public record StoredRecording(RecordingMetadata metadata, String version) {
  public StoredRecording {
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(version, "version");
  }

  public Recording recording() {
    return metadata.recording();
  }
}
