package dev.meet.core.storage;

/** The storage could not be reached or failed (S3 down, disk full, ...). The cause is attached. */
public class StorageException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }

  public StorageException(String message) {
    super(message);
  }
}
