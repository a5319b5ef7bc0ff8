package dev.meet.app.web;

import dev.meet.app.rooms.CorruptRoomException;
import dev.meet.app.rooms.RoomCacheException;
import dev.meet.app.rooms.RoomStoreException;
import dev.meet.core.RecordingException;
import dev.meet.core.storage.RangeNotSatisfiableException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;

/**
 * Turns every failure into OpenVidu Meet's error body with its status: existing clients parse the body of every
 * answer before they look at the status, so none is ever empty or HTML. Unexpected failures are a 500 with a generic
 * message (the log has the stack trace, the client never does).
 */
@RestControllerAdvice
public class ApiErrorHandler {

  private static final Logger log = LoggerFactory.getLogger(ApiErrorHandler.class);
  /** The answer to every unexpected failure: nothing about the failure itself. */
  static final ApiError UNEXPECTED = ApiError.of("Internal Server Error", "Unexpected error");
  /** Core messages start with the field they are about: "recordingId must be ...". */
  private static final Pattern LEADING_FIELD = Pattern.compile("^([A-Za-z][A-Za-z0-9.]*) ");

  @ExceptionHandler(ApiException.class)
  ResponseEntity<ApiError> api(ApiException e) {
    return ResponseEntity.status(e.status()).body(e.body());
  }

  @ExceptionHandler(RecordingException.class)
  ResponseEntity<ApiError> recording(RecordingException e) {
    return ResponseEntity.status(statusOf(e)).body(bodyOf(e));
  }

  /** The status and body of a core failure; also used by code that answers outside a controller. */
  public static int statusOf(RecordingException e) {
    return e.reason() == RecordingException.Reason.INVALID_ARGUMENT ? 422 : e.httpStatus();
  }

  public static ApiError bodyOf(RecordingException e) {
    String message = String.valueOf(e.getMessage());
    return switch (e.reason()) {
      case INVALID_ARGUMENT -> {
        Matcher field = LEADING_FIELD.matcher(message);
        yield ApiException.invalid(field.find() ? field.group(1) : "request", message).body();
      }
      case ROOM_NOT_FOUND -> ApiError.of("Room Error", message);
      case LIVEKIT_ERROR, LIVEKIT_UNAVAILABLE -> ApiError.of("LiveKit Error", message);
      case LOCK_STORE_UNAVAILABLE -> ApiError.of("Redis Error", message);
      case STORAGE_UNAVAILABLE -> ApiError.of("Storage Error", message);
      case CLOSED -> ApiError.of("Service Unavailable", "The server is shutting down: " + message);
      case INTERNAL_ERROR -> {
        log.error("unexpected recording failure", e);
        yield UNEXPECTED;
      }
      default -> ApiError.of("Recording Error", message);
    };
  }

  @ExceptionHandler(RangeNotSatisfiableException.class)
  ResponseEntity<ApiError> range(RangeNotSatisfiableException e) {
    return ResponseEntity.status(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
        .header(HttpHeaders.CONTENT_RANGE, "bytes */" + e.size())
        .body(ApiError.of("Recording Error", "Range not satisfiable. File size: " + e.size()));
  }

  /** A stored room that cannot be read is a fault of the data, not an outage: the log has it, the client does not. */
  @ExceptionHandler(CorruptRoomException.class)
  ResponseEntity<ApiError> corruptRoom(CorruptRoomException e) {
    log.error("unexpected failure: {}", e.getMessage(), e);
    return ResponseEntity.status(500).body(UNEXPECTED);
  }

  @ExceptionHandler(RoomCacheException.class)
  ResponseEntity<ApiError> roomCache(RoomCacheException e) {
    log.warn("room cache unavailable: {}", e.getMessage());
    return ResponseEntity.status(503).body(ApiError.of("Redis Error", "Redis is unavailable: " + e.getMessage()));
  }

  @ExceptionHandler(RoomStoreException.class)
  ResponseEntity<ApiError> roomStore(RoomStoreException e) {
    log.warn("room store unavailable: {}", e.getMessage());
    return ResponseEntity.status(503).body(ApiError.of("Storage Error", "The room storage is unavailable: "
        + e.getMessage()));
  }

  @ExceptionHandler(HttpMessageNotReadableException.class)
  ResponseEntity<ApiError> unreadable(HttpMessageNotReadableException e) {
    // A value of the wrong type or rejected by a value type's own validation names its field; broken JSON does not.
    Throwable cause = e.getCause();
    while (cause != null && !(cause instanceof DatabindException)) {
      cause = cause.getCause();
    }
    if (cause instanceof DatabindException mapping && !mapping.getPath().isEmpty()) {
      String field = fieldPath(mapping);
      Throwable root = mapping;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      String detail = root instanceof IllegalArgumentException ? root.getMessage()
          : field + " has an invalid type or value";
      return ResponseEntity.status(422).body(ApiException.invalid(field, String.valueOf(detail)).body());
    }
    return ResponseEntity.badRequest().body(ApiError.of("Bad Request", "Malformed body"));
  }

  private static String fieldPath(DatabindException e) {
    StringBuilder path = new StringBuilder();
    for (JacksonException.Reference reference : e.getPath()) {
      if (reference.getPropertyName() != null) {
        if (!path.isEmpty()) {
          path.append('.');
        }
        path.append(reference.getPropertyName());
      } else if (reference.getIndex() >= 0) {
        path.append('[').append(reference.getIndex()).append(']');
      }
    }
    return path.isEmpty() ? "body" : path.toString();
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ResponseEntity<ApiError> typeMismatch(MethodArgumentTypeMismatchException e) {
    return ResponseEntity.status(422).body(ApiException.invalid(e.getName(), e.getName() + " has an invalid value")
        .body());
  }

  @ExceptionHandler(MissingServletRequestParameterException.class)
  ResponseEntity<ApiError> missingParameter(MissingServletRequestParameterException e) {
    return ResponseEntity.status(422).body(ApiException.invalid(e.getParameterName(),
        e.getParameterName() + " is required").body());
  }

  @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
  ResponseEntity<ApiError> mediaType(HttpMediaTypeNotSupportedException e) {
    return ResponseEntity.status(415).body(ApiError.of("Unsupported Media Type",
        "Unsupported media type. Supported types: application/json"));
  }

  @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
  ResponseEntity<ApiError> notAcceptable(HttpMediaTypeNotAcceptableException e) {
    return ResponseEntity.status(406).body(ApiError.of("Not Acceptable", "The answer is JSON or video/mp4"));
  }

  @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
  ResponseEntity<ApiError> method(HttpRequestMethodNotSupportedException e) {
    return ResponseEntity.status(405).body(ApiError.of("Method Not Allowed",
        "Method " + e.getMethod() + " is not allowed here"));
  }

  @ExceptionHandler(NoResourceFoundException.class)
  ResponseEntity<ApiError> notFound(NoResourceFoundException e) {
    return ResponseEntity.status(404).body(ApiError.of("Not Found", "No endpoint " + e.getHttpMethod() + " /"
        + e.getResourcePath()));
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ApiError> unexpected(Exception e) {
    log.error("unexpected failure", e);
    return ResponseEntity.status(500).body(UNEXPECTED);
  }
}
