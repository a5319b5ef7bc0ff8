package dev.meet.core.storage;

/**
 * A stored document that cannot be read as what its key says it is (not JSON, a missing field, another recording's
 * id, too large): a data problem for an operator to look at, not an outage. Readers that walk many recordings skip
 * such a document with a WARN naming it, rather than stop.
 */
public class CorruptRecordingException extends StorageException {

  private static final long serialVersionUID = 1L;

  public CorruptRecordingException(String message) {
    super(message);
  }

  public CorruptRecordingException(String message, Throwable cause) {
    super(message, cause);
  }
}
