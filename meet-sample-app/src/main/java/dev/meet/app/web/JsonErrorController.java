package dev.meet.app.web;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Errors raised outside Spring MVC (the servlet container's own, e.g. a malformed URL) get OpenVidu Meet's JSON error
 * body too, instead of Boot's default page: clients parse the body of every answer.
 */
@Hidden
@RestController
public class JsonErrorController implements ErrorController {

  @RequestMapping("${server.error.path:/error}")
  public ResponseEntity<ApiError> error(HttpServletRequest request) {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    int status = code instanceof Integer value ? value : 500;
    HttpStatus known = HttpStatus.resolve(status);
    String reason = known == null ? "Error" : known.getReasonPhrase();
    String message = status >= 500 ? "Unexpected error" : reason;
    return ResponseEntity.status(status).body(ApiError.of(reason, message));
  }
}
