package dev.meet.core.livekit;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The answer of a {@link RoomPolicy}.
 *
 * @param rejection null when the room may be recorded
 * @param roomName the room's display name (allowed rooms)
 * @param message why not (rejected rooms)
 */
public record RoomCheck(@Nullable Rejection rejection, @Nullable String roomName, @Nullable String message) {

  /** Why a room cannot be recorded. */
  public enum Rejection {
    /** 404. */
    ROOM_NOT_FOUND,
    /** 403. */
    RECORDING_DISABLED,
    /** 409. */
    NO_PARTICIPANTS
  }

  public static RoomCheck allowed(String roomName) {
    return new RoomCheck(null, Objects.requireNonNull(roomName, "roomName"), null);
  }

  public static RoomCheck rejected(Rejection rejection, String message) {
    return new RoomCheck(Objects.requireNonNull(rejection, "rejection"), null, Objects.requireNonNull(message));
  }

  public boolean isAllowed() {
    return rejection == null;
  }
}
