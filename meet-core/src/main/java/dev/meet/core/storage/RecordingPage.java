package dev.meet.core.storage;

import dev.meet.core.Recording;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One page of recordings.
 *
 * @param recordings in key order (room, egress, uid)
 * @param nextPageToken opaque; null when this is the last page
 */
public record RecordingPage(List<Recording> recordings, @Nullable String nextPageToken) {
  public RecordingPage {
    recordings = List.copyOf(recordings);
  }

  public boolean isTruncated() {
    return nextPageToken != null;
  }
}
