package dev.meet.core.livekit;

import java.util.Objects;

/**
 * LiveKit's webhooks in the engine's terms: turns a {@code WebhookEvent} verified by a {@link LiveKitWebhookVerifier}
 * into a {@link LiveKitEvent}, the type the engine and its listeners read (the protobuf mapping itself stays in this
 * package).
 */
public final class LiveKitWebhooks {

  private LiveKitWebhooks() {
  }

  /** A webhook already verified by a {@link LiveKitWebhookVerifier}, in the engine's terms. */
  public static LiveKitEvent inEngineTerms(livekit.LivekitWebhook.WebhookEvent verified) {
    return EgressProtos.event(Objects.requireNonNull(verified, "verified"));
  }
}
