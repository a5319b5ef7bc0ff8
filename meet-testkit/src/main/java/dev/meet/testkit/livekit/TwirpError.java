package dev.meet.testkit.livekit;

/**
 * A Twirp error as LiveKit answers it: a JSON body {@code {"code","msg"}} and the HTTP status Twirp maps the code to.
 */
final class TwirpError extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String code;

  TwirpError(String code, String msg) {
    super(msg, null, false, false);
    this.code = code;
  }

  static TwirpError invalidArgument(String msg) {
    return new TwirpError("invalid_argument", msg);
  }

  static TwirpError notFound(String msg) {
    return new TwirpError("not_found", msg);
  }

  static TwirpError failedPrecondition(String msg) {
    return new TwirpError("failed_precondition", msg);
  }

  static TwirpError unavailable(String msg) {
    return new TwirpError("unavailable", msg);
  }

  static TwirpError permissionsDenied() {
    return new TwirpError("unauthenticated", "permissions denied");
  }

  static TwirpError badRoute(String msg) {
    return new TwirpError("bad_route", msg);
  }

  String code() {
    return code;
  }

  /** The HTTP status of Twirp's code mapping (twirp/errors.go ServerHTTPStatusFromErrorCode). */
  int httpStatus() {
    return switch (code) {
      case "canceled" -> 408;
      case "invalid_argument", "out_of_range", "malformed" -> 400;
      case "deadline_exceeded" -> 408;
      case "not_found", "bad_route" -> 404;
      case "already_exists", "aborted" -> 409;
      case "permission_denied" -> 403;
      case "unauthenticated" -> 401;
      case "resource_exhausted" -> 429;
      case "failed_precondition" -> 412;
      case "unimplemented" -> 501;
      case "unavailable" -> 503;
      case "dataloss", "internal", "unknown" -> 500;
      default -> 500;
    };
  }
}
