package dev.meet.app.web;

import dev.meet.core.WebhookOutcome;
import dev.meet.core.engine.RecordingManager;
import io.swagger.v3.oas.annotations.Hidden;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * LiveKit's webhooks, authenticated by their signature only (no API key): the engine verifies each one, applies it to
 * recordings and hands it to the room status listener. The engine answers within its webhook deadline
 * ({@code meet.livekit.webhook.deadline}, 5 s) whatever a dependency does, since LiveKit's sender has no timeout: 200
 * once the effect is durable, 401 for a bad signature, 503 when something failed or took too long, so LiveKit
 * retries. Bodies over 1 MiB are refused with 413 before they reach this controller ({@link BodyLimitFilter}).
 */
@Hidden
@RestController
public class LiveKitWebhookController {

  /** The path LiveKit's {@code webhook.urls} point at, outside the API's base path. */
  public static final String PATH = "/livekit/webhook";
  /** The largest body accepted, as the starter's own endpoint: LiveKit's events are a few KiB. */
  public static final int MAX_BODY_BYTES = 1024 * 1024;

  private final RecordingManager recordings;

  public LiveKitWebhookController(RecordingManager recordings) {
    this.recordings = recordings;
  }

  @PostMapping(path = PATH, consumes = "*/*")
  public ResponseEntity<Object> receive(@RequestBody(required = false) byte @Nullable [] body,
      @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) @Nullable String authorization) {
    WebhookOutcome outcome = recordings.handleWebhook(body == null ? new byte[0] : body, authorization);
    if (outcome.httpStatus() != 200) {
      return ResponseEntity.status(outcome.httpStatus()).body(ApiError.of(
          outcome.httpStatus() == 401 ? "Authentication Error" : "Service Unavailable", outcome.message()));
    }
    return ResponseEntity.ok(Map.of("message", outcome.message()));
  }
}
