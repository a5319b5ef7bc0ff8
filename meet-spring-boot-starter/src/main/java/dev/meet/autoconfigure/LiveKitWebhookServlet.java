package dev.meet.autoconfigure;

import dev.meet.core.WebhookOutcome;
import dev.meet.core.engine.RecordingManager;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The endpoint LiveKit posts its webhooks to. A plain servlet rather than an MVC controller: the signature covers the
 * exact body bytes, so nothing may parse or re-encode them before verification. Answers the manager's outcome: 200,
 * 401 (bad signature; LiveKit does not retry), 503 (a dependency failed; LiveKit retries).
 */
final class LiveKitWebhookServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;
  /** LiveKit's webhooks are a few KB; anything far larger is not one. */
  static final int MAX_BODY_BYTES = 1024 * 1024;

  private final transient RecordingManager manager;

  LiveKitWebhookServlet(RecordingManager manager) {
    this.manager = manager;
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
    byte[] body;
    try (InputStream in = request.getInputStream()) {
      body = in.readNBytes(MAX_BODY_BYTES + 1);
    }
    if (body.length > MAX_BODY_BYTES) {
      answer(response, 413, "webhook body larger than " + MAX_BODY_BYTES + " bytes");
      return;
    }
    WebhookOutcome outcome = manager.handleWebhook(body, request.getHeader("Authorization"));
    answer(response, outcome.httpStatus(), outcome.message());
  }

  private static void answer(HttpServletResponse response, int status, String message) throws IOException {
    response.setStatus(status);
    response.setContentType("text/plain;charset=UTF-8");
    response.getOutputStream().write(message.getBytes(StandardCharsets.UTF_8));
  }
}
