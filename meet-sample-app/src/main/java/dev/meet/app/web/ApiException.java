package dev.meet.app.web;

import java.util.List;
import java.util.Objects;

/**
 * A request the API answers with an error: the HTTP status and OpenVidu Meet's error body
 * ({@code {"error", "message", "details"?}}).
 */
public class ApiException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final String error;
  private final transient List<FieldError> details;

  public ApiException(int status, String error, String message) {
    this(status, error, message, List.of());
  }

  public ApiException(int status, String error, String message, List<FieldError> details) {
    super(message);
    this.status = status;
    this.error = Objects.requireNonNull(error, "error");
    this.details = List.copyOf(details);
  }

  /** 422 with one invalid field, OpenVidu Meet's validation body. */
  public static ApiException invalid(String field, String message) {
    return invalid(List.of(new FieldError(field, message)));
  }

  /** 422 with the invalid fields. */
  public static ApiException invalid(List<FieldError> details) {
    return new ApiException(422, "Unprocessable Entity", "Invalid request", details);
  }

  public int status() {
    return status;
  }

  public String error() {
    return error;
  }

  public List<FieldError> details() {
    return details;
  }

  public ApiError body() {
    return new ApiError(error, getMessage(), details.isEmpty() ? null : details);
  }

  /** One invalid field of a request. */
  public record FieldError(String field, String message) {
    public FieldError {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(message, "message");
    }
  }
}
