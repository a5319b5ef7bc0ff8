package dev.meet.core.webhooks;

import dev.meet.core.Recording;
import dev.meet.core.RecordingStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Turns a stored recording's transition into webhook events. Pure: the same transition always gives the same events,
 * and a transition that changes no status gives none, so feeding it the {@code (before, after)} of every successful
 * conditional write of a recording (and nothing else) produces each event exactly once, however often LiveKit repeats
 * or reorders its webhooks (a repeated or stale webhook writes nothing, or writes the same status).
 *
 * <p>The events follow the status: {@code recordingStarted} when a recording leaves {@code starting} (every
 * recording that ends was started first, so receivers can pair them), {@code recordingUpdated} when it enters
 * {@code ending}, {@code recordingEnded} when it enters a terminal status. A transition that skips a status gives
 * every event it passed, in order (starting → complete gives started then ended). Each event's data is the recording
 * after the transition. A move backwards (which the store refuses anyway) gives nothing.
 */
public final class RecordingEventDeriver {

  private RecordingEventDeriver() {}

  /**
   * @param before the recording as stored before the write, null when the write created it
   * @param after the recording as written
   * @param now the events' creation date (ms)
   * @throws IllegalArgumentException when {@code before} and {@code after} are different recordings
   */
  public static List<WebhookEvent> derive(@Nullable Recording before, Recording after, long now) {
    Objects.requireNonNull(after, "after");
    if (before != null && !before.recordingId().equals(after.recordingId())) {
      throw new IllegalArgumentException("before and after must be the same recording, were "
          + before.recordingId() + " and " + after.recordingId());
    }
    int from = before == null ? 0 : rank(before.status());
    int to = rank(after.status());
    List<WebhookEvent> events = new ArrayList<>();
    if (to <= from) {
      return events;
    }
    if (from == 0) {
      events.add(WebhookEvent.recording(WebhookEventType.RECORDING_STARTED, after, now));
    }
    if (to == 2) {
      events.add(WebhookEvent.recording(WebhookEventType.RECORDING_UPDATED, after, now));
    }
    if (to == 3) {
      events.add(WebhookEvent.recording(WebhookEventType.RECORDING_ENDED, after, now));
    }
    return events;
  }

  private static int rank(RecordingStatus status) {
    return switch (status) {
      case STARTING -> 0;
      case ACTIVE -> 1;
      case ENDING -> 2;
      default -> 3;
    };
  }
}
