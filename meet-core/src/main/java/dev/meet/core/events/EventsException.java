package dev.meet.core.events;

/** The signal transport failed (Redis down, ...). The cause is attached. */
public class EventsException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public EventsException(String message, Throwable cause) {
    super(message, cause);
  }

  public EventsException(String message) {
    super(message);
  }
}
