package dev.meet.core.storage;

/**
 * A stored document that cannot be read as what its key says it is (not JSON, a missing field, another recording's
 * id, too large): a data problem for an operator to look at, not an outage. Readers that walk many recordings skip
 * such a document with a WARN naming it, rather than stop.
 */
public final class CorruptRecordingException extends StorageException {

  private static final long serialVersionUID = 1L;

  /** @param message names the document (its key or file), never quotes its content */
  public CorruptRecordingException(String message) {
    super(message);
  }

  /** @param message names the document (its key or file), never quotes its content */
  public CorruptRecordingException(String message, Throwable cause) {
    super(message, cause);
  }
}
