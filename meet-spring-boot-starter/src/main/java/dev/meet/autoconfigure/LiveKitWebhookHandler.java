package dev.meet.autoconfigure;

import dev.meet.core.engine.RecordingManager;
import dev.meet.core.WebhookOutcome;
import org.jspecify.annotations.Nullable;

/**
 * What the webhook endpoints (servlet and reactive) call with the body bytes exactly as received: the manager's
 * {@link RecordingManager#handleWebhook}, observed when Micrometer's observation API is present.
 */
@FunctionalInterface
interface LiveKitWebhookHandler {

  /** LiveKit's webhooks are a few KB; anything far larger is not one. */
  int MAX_BODY_BYTES = 1024 * 1024;

  WebhookOutcome handle(byte[] body, @Nullable String authorization);
}
