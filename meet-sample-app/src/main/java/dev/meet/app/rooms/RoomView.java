package dev.meet.app.rooms;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import org.jspecify.annotations.Nullable;

/**
 * A room as clients read it: the fields of every OpenVidu Meet release at once, so that 3.4-3.7 clients find
 * {@code moderatorUrl}/{@code speakerUrl} and 3.8+ clients {@code access.anonymous.*.url}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "Room")
public record RoomView(
    String roomId,
    String roomName,
    long creationDate,
    @Nullable Long autoDeletionDate,
    Room.@Nullable AutoDeletionPolicy autoDeletionPolicy,
    Room.Config config,
    @Schema(allowableValues = {"open", "active_meeting", "closed"}) Room.Status status,
    @Schema(allowableValues = {"none", "close", "delete"}) Room.MeetingEndAction meetingEndAction,
    String moderatorUrl,
    String speakerUrl,
    Access access) {

  /** Builds the view; {@code base} is the URL clients reach the backend at, base path included. */
  public static RoomView of(Room room, String base) {
    String moderator = base + "/room/" + room.roomId() + "?secret=" + room.moderatorSecret();
    String speaker = base + "/room/" + room.roomId() + "?secret=" + room.speakerSecret();
    return new RoomView(room.roomId(), room.roomName(), room.creationDate(), room.autoDeletionDate(),
        room.autoDeletionPolicy(), room.config(), room.status(), room.meetingEndAction(), moderator, speaker,
        new Access(new Anonymous(new Link(true, moderator), new Link(true, speaker))));
  }

  /** Who may join and how. */
  public record Access(Anonymous anonymous) {}

  /** Anonymous join links by role. */
  public record Anonymous(Link moderator, Link speaker) {}

  /** One join link. */
  public record Link(boolean enabled, String url) {}
}
