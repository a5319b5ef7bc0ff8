package dev.meet.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The status of a recording, written in lower case in JSON ({@code starting}, {@code active}, ...). */
public enum RecordingStatus {
  STARTING,
  ACTIVE,
  ENDING,
  COMPLETE,
  FAILED,
  ABORTED,
  LIMIT_REACHED;

  /** Terminal statuses never change back; only terminal recordings may be deleted. */
  public boolean isTerminal() {
    return switch (this) {
      case STARTING, ACTIVE, ENDING -> false;
      default -> true;
    };
  }

  /** Only complete recordings have media to stream. */
  public boolean isStreamable() {
    return this == COMPLETE;
  }

  @JsonValue
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses the lower-case JSON name.
   *
   * @throws IllegalArgumentException naming the value when it is not a status
   */
  @JsonCreator
  public static RecordingStatus of(String value) {
    for (RecordingStatus status : values()) {
      if (status.value().equals(value)) {
        return status;
      }
    }
    throw new IllegalArgumentException("status must be one of starting, active, ending, complete, failed, "
        + "aborted, limit_reached; was '" + value + "'");
  }
}
