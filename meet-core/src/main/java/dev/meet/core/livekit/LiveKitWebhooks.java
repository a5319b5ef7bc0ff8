package dev.meet.core.livekit;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Verifies LiveKit's webhooks with a {@link LiveKitWebhookVerifier} and hands them over in the engine's terms.
 */
public final class LiveKitWebhooks {

  private final LiveKitWebhookVerifier verifier;

  public LiveKitWebhooks(LiveKitWebhookVerifier verifier) {
    this.verifier = Objects.requireNonNull(verifier, "verifier");
  }

  /**
   * @param rawBody the request body exactly as received
   * @param authorization the {@code Authorization} header
   * @throws WebhookRejectedException when the request is not a genuine LiveKit webhook
   */
  public LiveKitEvent verify(byte[] rawBody, @Nullable String authorization) {
    return inEngineTerms(verifier.verify(rawBody, authorization));
  }

  /** A webhook already verified by a {@link LiveKitWebhookVerifier}, in the engine's terms. */
  public static LiveKitEvent inEngineTerms(livekit.LivekitWebhook.WebhookEvent verified) {
    return EgressProtos.event(Objects.requireNonNull(verified, "verified"));
  }
}
