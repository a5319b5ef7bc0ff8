package dev.meet.app.rooms;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.meet.core.RecordingEncoding;
import dev.meet.core.RoomIds;
import dev.meet.core.StartOptions;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A Meet room as stored at {@code rooms/{roomId}/{roomId}.json}: what clients see plus the join secrets and the action
 * pending for the end of its meeting.
 *
 * @param roomId slug of the name + '-' + 15 hex characters; also the LiveKit room name
 * @param roomName the display name, at most 50 characters
 * @param creationDate ms since the epoch
 * @param autoDeletionDate when the collector deletes it (ms), or null
 * @param autoDeletionPolicy how the collector deletes it
 * @param config recording and end-to-end encryption settings
 * @param status open, active_meeting or closed
 * @param meetingEndAction what happens when the meeting ends (a deletion scheduled by a DELETE)
 * @param moderatorSecret the secret of the moderator join link
 * @param speakerSecret the secret of the speaker join link
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Room(
    String roomId,
    String roomName,
    long creationDate,
    @Nullable Long autoDeletionDate,
    @Nullable AutoDeletionPolicy autoDeletionPolicy,
    Config config,
    Status status,
    MeetingEndAction meetingEndAction,
    String moderatorSecret,
    String speakerSecret) {

  public Room {
    RoomIds.require(roomId, "roomId");
    Objects.requireNonNull(roomName, "roomName");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(status, "status");
    meetingEndAction = meetingEndAction == null ? MeetingEndAction.NONE : meetingEndAction;
    Objects.requireNonNull(moderatorSecret, "moderatorSecret");
    Objects.requireNonNull(speakerSecret, "speakerSecret");
  }

  public Room withStatus(Status next) {
    return new Room(roomId, roomName, creationDate, autoDeletionDate, autoDeletionPolicy, config, next,
        meetingEndAction, moderatorSecret, speakerSecret);
  }

  public Room withMeetingEndAction(MeetingEndAction next) {
    return new Room(roomId, roomName, creationDate, autoDeletionDate, autoDeletionPolicy, config, status, next,
        moderatorSecret, speakerSecret);
  }

  /** Recording may start here: enabled and not end-to-end encrypted. */
  public boolean recordingAllowed() {
    return config.recording().enabled() && !config.e2ee().enabled();
  }

  /** The room's settings. */
  public record Config(RecordingConfig recording, E2ee e2ee) {
    public Config {
      Objects.requireNonNull(recording, "config.recording");
      Objects.requireNonNull(e2ee, "config.e2ee");
    }
  }

  /** How the room's recordings are made. */
  public record RecordingConfig(boolean enabled, String layout, RecordingEncoding encoding) {
    public RecordingConfig {
      if (!StartOptions.LAYOUTS.contains(layout)) {
        throw new IllegalArgumentException("config.recording.layout must be one of grid, speaker, single-speaker");
      }
      Objects.requireNonNull(encoding, "config.recording.encoding");
    }

    public static RecordingConfig defaults() {
      return new RecordingConfig(true, StartOptions.DEFAULT_LAYOUT, RecordingEncoding.DEFAULT);
    }
  }

  /** End-to-end encryption: recordings are impossible when enabled. */
  public record E2ee(boolean enabled) {}

  /** How a room is deleted when its autoDeletionDate passes. */
  public record AutoDeletionPolicy(WithMeeting withMeeting, WithRecordings withRecordings) {
    public AutoDeletionPolicy {
      Objects.requireNonNull(withMeeting, "autoDeletionPolicy.withMeeting");
      Objects.requireNonNull(withRecordings, "autoDeletionPolicy.withRecordings");
    }

    public static AutoDeletionPolicy defaults() {
      return new AutoDeletionPolicy(WithMeeting.WHEN_MEETING_ENDS, WithRecordings.CLOSE);
    }
  }

  /** A room's status. */
  public enum Status {
    OPEN, ACTIVE_MEETING, CLOSED;

    @JsonValue
    public String value() {
      return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Status of(String value) {
      return Names.parse(Status.class, value, "status");
    }
  }

  /** What happens to a room when its meeting ends. */
  public enum MeetingEndAction {
    NONE, CLOSE, DELETE;

    @JsonValue
    public String value() {
      return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static MeetingEndAction of(String value) {
      return Names.parse(MeetingEndAction.class, value, "meetingEndAction");
    }
  }

  /** Deletion policy for a room with an active meeting. */
  public enum WithMeeting {
    FAIL, FORCE, WHEN_MEETING_ENDS;

    @JsonValue
    public String value() {
      return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static WithMeeting of(String value) {
      return Names.parse(WithMeeting.class, value, "withMeeting");
    }
  }

  /** Deletion policy for a room with recordings. */
  public enum WithRecordings {
    FAIL, FORCE, CLOSE;

    @JsonValue
    public String value() {
      return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static WithRecordings of(String value) {
      return Names.parse(WithRecordings.class, value, "withRecordings");
    }
  }

  /** Lower-case JSON names of enums. */
  static final class Names {
    private Names() {}

    static <E extends Enum<E>> E parse(Class<E> type, @Nullable String value, String field) {
      for (E constant : type.getEnumConstants()) {
        if (constant.name().toLowerCase(Locale.ROOT).equals(value)) {
          return constant;
        }
      }
      StringBuilder names = new StringBuilder();
      for (E constant : type.getEnumConstants()) {
        names.append(names.isEmpty() ? "" : ", ").append(constant.name().toLowerCase(Locale.ROOT));
      }
      throw new IllegalArgumentException(field + " must be one of " + names + "; was '" + value + "'");
    }
  }
}
