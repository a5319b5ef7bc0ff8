package dev.meet.core.storage;

import dev.meet.core.RecordingStatus;
import dev.meet.core.RoomIds;
import org.jspecify.annotations.Nullable;

/**
 * A page request over stored recordings.
 *
 * @param roomId only this room's recordings, or all
 * @param status only this status, or all
 * @param maxItems at most this many (1..100)
 * @param pageToken the previous page's {@link RecordingPage#nextPageToken()}, or null for the first page
 */
public record RecordingQuery(@Nullable String roomId, @Nullable RecordingStatus status, int maxItems,
    @Nullable String pageToken) {

  public static final int DEFAULT_MAX_ITEMS = 10;
  public static final int MAX_ITEMS = 100;

  public RecordingQuery {
    if (roomId != null) {
      RoomIds.require(roomId, "roomId");
    }
    if (maxItems < 1 || maxItems > MAX_ITEMS) {
      throw new IllegalArgumentException("maxItems must be within 1.." + MAX_ITEMS + ", was " + maxItems);
    }
  }

  public static RecordingQuery all() {
    return new RecordingQuery(null, null, DEFAULT_MAX_ITEMS, null);
  }
}
