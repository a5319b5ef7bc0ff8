package dev.meet.core.livekit;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The answer of a {@link RoomPolicy}: allowed with the room's display name, or rejected with a reason and a message.
 * Nothing in between can be built: {@link #allowed(String)} and {@link #rejected(Rejection, String)} are the two
 * shapes, and the constructor refuses any other combination.
 *
 * @param rejection null when the room may be recorded
 * @param roomName the room's display name (allowed rooms only)
 * @param message why not (rejected rooms only)
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

  /**
   * @throws IllegalArgumentException unless exactly one shape is given: a non-blank room name alone, or a rejection
   *     with a non-blank message
   */
  public RoomCheck {
    if (rejection == null) {
      if (roomName == null || roomName.isBlank() || message != null) {
        throw new IllegalArgumentException(
            "an allowed RoomCheck needs a non-blank roomName and no message: use RoomCheck.allowed(roomName)");
      }
    } else if (message == null || message.isBlank() || roomName != null) {
      throw new IllegalArgumentException(
          "a rejected RoomCheck needs a non-blank message and no roomName: use RoomCheck.rejected(reason, message)");
    }
  }

  public static RoomCheck allowed(String roomName) {
    return new RoomCheck(null, Objects.requireNonNull(roomName, "roomName"), null);
  }

  public static RoomCheck rejected(Rejection rejection, String message) {
    return new RoomCheck(Objects.requireNonNull(rejection, "rejection"), null,
        Objects.requireNonNull(message, "message"));
  }

  public boolean isAllowed() {
    return rejection == null;
  }
}
