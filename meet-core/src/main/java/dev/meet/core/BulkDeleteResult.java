package dev.meet.core;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of deleting many recordings: each id once, in request order.
 *
 * @param deleted the ids deleted
 * @param failed the ids not deleted and why
 */
public record BulkDeleteResult(List<String> deleted, List<Failure> failed) {

  public BulkDeleteResult {
    deleted = List.copyOf(deleted);
    failed = List.copyOf(failed);
  }

  public boolean allDeleted() {
    return failed.isEmpty();
  }

  /** One id that was not deleted. */
  public record Failure(String recordingId, String error) {
    public Failure {
      Objects.requireNonNull(recordingId, "recordingId");
      Objects.requireNonNull(error, "error");
    }
  }
}
