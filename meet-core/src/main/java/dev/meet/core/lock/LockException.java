package dev.meet.core.lock;

/** The lock store could not be reached or answered nonsense (Redis down, ...). The cause is attached. */
public class LockException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public LockException(String message, Throwable cause) {
    super(message, cause);
  }

  public LockException(String message) {
    super(message);
  }
}
