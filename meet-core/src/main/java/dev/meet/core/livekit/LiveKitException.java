package dev.meet.core.livekit;

import org.jspecify.annotations.Nullable;

/**
 * A LiveKit call failed: LiveKit answered an error (its Twirp code and message are kept, never masked), or it could
 * not be reached (status -1).
 */
public class LiveKitException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final @Nullable String code;

  /** LiveKit answered with an error. */
  public LiveKitException(String call, int status, @Nullable String code, String message) {
    super("LiveKit " + call + " failed: " + status + (code == null ? "" : " " + code) + " " + message);
    this.status = status;
    this.code = code;
  }

  /** LiveKit could not be reached. */
  public LiveKitException(String call, Throwable cause) {
    super("LiveKit " + call + " failed: LiveKit is unreachable (" + cause.getMessage() + ")", cause);
    this.status = -1;
    this.code = null;
  }

  /** The HTTP status LiveKit answered, or -1 when it could not be reached. */
  public int status() {
    return status;
  }

  /** The Twirp error code ({@code not_found}, {@code unavailable}, ...), when LiveKit sent one. */
  public @Nullable String code() {
    return code;
  }

  public boolean isNotFound() {
    return status == 404 || "not_found".equals(code);
  }

  public boolean isUnreachable() {
    return status == -1;
  }
}
