package dev.meet.app.rooms;

/**
 * A stored room object that is not a room (not JSON, or not a valid room). Not an outage: retrying does not help, so
 * the API answers it as an unexpected failure (500, details only in the log). Code that handles every
 * {@link RoomStoreException} (the room collector) handles this one too.
 */
public class CorruptRoomException extends RoomStoreException {

  private static final long serialVersionUID = 1L;

  public CorruptRoomException(String message, Throwable cause) {
    super(message, cause);
  }
}
