package dev.meet.app.rooms;

/** The room store could not be reached or failed; the cause says why. */
public class RoomStoreException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public RoomStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
