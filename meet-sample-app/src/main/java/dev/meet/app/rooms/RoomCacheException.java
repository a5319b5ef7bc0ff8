package dev.meet.app.rooms;

/** The rooms' cache (Redis) could not be reached before a write, so the write did not happen; the cause says why. */
public final class RoomCacheException extends RoomStoreException {

  private static final long serialVersionUID = 1L;

  public RoomCacheException(String message, Throwable cause) {
    super(message, cause);
  }
}
