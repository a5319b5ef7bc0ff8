package dev.meet.core.storage;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One page of the index of unfinished recordings.
 *
 * @param entries in key order (room, egress, uid)
 * @param nextPageToken opaque; null when this is the last page
 */
public record UnfinishedPage(List<UnfinishedRecording> entries, @Nullable String nextPageToken) {
  /** The most entries one page holds (S3's own page size). */
  public static final int MAX_ENTRIES = 1000;

  public UnfinishedPage {
    Objects.requireNonNull(entries, "entries");
    entries = List.copyOf(entries);
    if (entries.size() > MAX_ENTRIES) {
      throw new IllegalArgumentException("a page holds at most " + MAX_ENTRIES + " entries, not " + entries.size());
    }
  }
}
