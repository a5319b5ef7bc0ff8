package dev.meet.core;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A {@code RecordingManager} call could not be done. The {@link Reason} says why and which HTTP status a web layer
 * answers; the message is written for the client (OpenVidu Meet's wording where it has one).
 */
public class RecordingException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Why a call failed, with the HTTP status it maps to. */
  public enum Reason {
    /** A request value is invalid (an id, a filter, a page token); nothing changed. */
    INVALID_ARGUMENT(422),
    /** The room does not exist. */
    ROOM_NOT_FOUND(404),
    /** The room's policy forbids recording it. */
    RECORDING_DISABLED(403),
    /** The room has nobody to record. */
    NO_PARTICIPANTS(409),
    /** Another recording holds the room's active lock. */
    ALREADY_RECORDING(409),
    /** The egress did not become active in time. */
    START_TIMED_OUT(503),
    /** LiveKit refused or failed the call; its reason is in the message. */
    LIVEKIT_ERROR(503),
    /** LiveKit could not be reached. */
    LIVEKIT_UNAVAILABLE(503),
    /** The lock store (Redis) could not be reached. */
    LOCK_STORE_UNAVAILABLE(503),
    /** The storage (S3, disk) could not be reached. */
    STORAGE_UNAVAILABLE(503),
    /** No such recording. */
    RECORDING_NOT_FOUND(404),
    /** The recording has already been stopped. */
    ALREADY_STOPPED(409),
    /** The recording is still starting. */
    CANNOT_STOP_WHILE_STARTING(409),
    /** Only stopped recordings may be deleted. */
    NOT_STOPPED(409),
    /** Only complete recordings have media. */
    NOT_STREAMABLE(409),
    /** The manager is closed. */
    CLOSED(503),
    /** A failure nobody foresaw (a bug); the message and the log say what. */
    INTERNAL_ERROR(500);

    private final int httpStatus;

    Reason(int httpStatus) {
      this.httpStatus = httpStatus;
    }

    public int httpStatus() {
      return httpStatus;
    }
  }

  private final Reason reason;

  public RecordingException(Reason reason, String message) {
    this(reason, message, null);
  }

  public RecordingException(Reason reason, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }

  /** The HTTP status a web layer answers. */
  public int httpStatus() {
    return reason.httpStatus();
  }
}
