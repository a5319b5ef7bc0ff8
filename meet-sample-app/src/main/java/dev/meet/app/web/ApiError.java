package dev.meet.app.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The body of every error answer, as OpenVidu Meet writes it.
 *
 * @param error a short name, e.g. {@code Recording Error}
 * @param message what went wrong, for people
 * @param details the invalid fields of a 422
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "Error", example = "{\"error\":\"Recording Error\",\"message\":\"Recording 'x' not found\"}")
public record ApiError(String error, String message, @Nullable List<ApiException.FieldError> details) {

  public static ApiError of(String error, String message) {
    return new ApiError(error, message, null);
  }
}
