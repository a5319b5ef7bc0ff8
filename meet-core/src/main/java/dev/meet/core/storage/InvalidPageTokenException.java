package dev.meet.core.storage;

/** A page token that this storage did not issue (tampered, truncated, from another query). A client error. */
public class InvalidPageTokenException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  public InvalidPageTokenException(String message) {
    super(message);
  }
}
