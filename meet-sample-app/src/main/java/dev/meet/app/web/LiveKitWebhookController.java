package dev.meet.app.web;

import dev.meet.core.engine.RecordingManager;
import dev.meet.core.WebhookOutcome;
import io.swagger.v3.oas.annotations.Hidden;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * LiveKit's webhooks, authenticated by their signature only (no API key): recordings through the core, then the
 * room's status. Answers within a bounded time whatever a dependency does (LiveKit's sender has no timeout): 200 once
 * the effect is durable, 401 for a bad signature, 503 when something failed or took too long, so LiveKit retries.
 */
@Hidden
@RestController
public class LiveKitWebhookController {

  private static final Logger log = LoggerFactory.getLogger(LiveKitWebhookController.class);

  private final RecordingManager recordings;
  private final ExecutorService executor;
  private final Duration timeout;

  public LiveKitWebhookController(RecordingManager recordings, ExecutorService webhookExecutor, Duration timeout) {
    this.recordings = recordings;
    this.executor = webhookExecutor;
    this.timeout = timeout;
  }

  @PostMapping(path = "/livekit/webhook", consumes = "*/*")
  public ResponseEntity<Object> receive(@RequestBody(required = false) byte @Nullable [] body,
      @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) @Nullable String authorization) {
    byte[] raw = body == null ? new byte[0] : body;
    CompletableFuture<ResponseEntity<Object>> handling =
        CompletableFuture.supplyAsync(() -> handle(raw, authorization), executor);
    try {
      return handling.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.warn("webhook took longer than {}: answering 503 so that LiveKit retries", timeout);
      return ResponseEntity.status(503).body(ApiError.of("Service Unavailable", "The webhook could not be handled "
          + "in time"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ResponseEntity.status(503).body(ApiError.of("Service Unavailable", "Interrupted"));
    } catch (ExecutionException e) {
      log.warn("webhook failed: {}", String.valueOf(e.getCause()));
      return ResponseEntity.status(503).body(ApiError.of("Service Unavailable", "The webhook could not be handled: "
          + e.getCause().getMessage()));
    }
  }

  /** The engine verifies, applies and hands room events to the {@code RoomStatusListener}. */
  private ResponseEntity<Object> handle(byte[] raw, @Nullable String authorization) {
    WebhookOutcome outcome = recordings.handleWebhook(raw, authorization);
    if (outcome.httpStatus() != 200) {
      return ResponseEntity.status(outcome.httpStatus()).body(ApiError.of(
          outcome.httpStatus() == 401 ? "Authentication Error" : "Service Unavailable", outcome.message()));
    }
    return ResponseEntity.ok(java.util.Map.of("message", outcome.message()));
  }
}
