package dev.meet.core.livekit;

import java.util.Objects;

/**
 * LiveKit's webhooks in the engine's terms: the one place outside this package that turns a verified
 * {@code WebhookEvent} (see {@link LiveKitWebhookVerifier}) into a {@link LiveKitEvent}.
 */
public final class LiveKitWebhooks {

  private LiveKitWebhooks() {
  }

  /** A webhook already verified by a {@link LiveKitWebhookVerifier}, in the engine's terms. */
  public static LiveKitEvent inEngineTerms(livekit.LivekitWebhook.WebhookEvent verified) {
    return EgressProtos.event(Objects.requireNonNull(verified, "verified"));
  }
}
