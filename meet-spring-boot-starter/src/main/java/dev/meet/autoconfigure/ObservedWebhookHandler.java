package dev.meet.autoconfigure;

import dev.meet.core.WebhookOutcome;
import dev.meet.core.engine.RecordingManager;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Handles each webhook inside an Observation named {@value #NAME}, so the application's tracing shows it under the
 * HTTP request and its metrics count it. Low-cardinality keys only (they become metric tags): {@code outcome}
 * ({@code processed}, {@code ignored}, {@code rejected}, {@code retry}) and {@code event} ({@code egress_updated}, ...,
 * {@code unverified} when rejected, {@code other} for a name LiveKit does not send).
 */
final class ObservedWebhookHandler implements LiveKitWebhookHandler {

  static final String NAME = "meet.livekit.webhook";

  /**
   * LiveKit's webhook events. The tag is read from the body (the manager handles the webhook on a thread of its own,
   * where this observation is not current), and a body answered with {@code retry} may not have been verified: only
   * these names become tags, so a forged body cannot make a time series per request.
   */
  private static final Set<String> EVENTS = Set.of("room_started", "room_finished", "participant_joined",
      "participant_left", "participant_connection_aborted", "track_published", "track_unpublished",
      "egress_started", "egress_updated", "egress_ended", "ingress_started", "ingress_ended");

  private final RecordingManager manager;
  private final Supplier<ObservationRegistry> registry;

  ObservedWebhookHandler(RecordingManager manager, Supplier<ObservationRegistry> registry) {
    this.manager = manager;
    this.registry = registry;
  }

  @Override
  public WebhookOutcome handle(byte[] body, @Nullable String authorization) {
    Observation observation = Observation.createNotStarted(NAME, registry.get())
        .contextualName("livekit webhook")
        .lowCardinalityKeyValue("event", "unknown");
    return observation.observe(() -> {
      WebhookOutcome outcome = manager.handleWebhook(body, authorization);
      observation.lowCardinalityKeyValue("outcome", outcome.kind().name().toLowerCase(Locale.ROOT));
      observation.lowCardinalityKeyValue("event", event(body, outcome.kind()));
      return outcome;
    });
  }

  static String event(byte[] body, WebhookOutcome.Kind outcome) {
    if (outcome == WebhookOutcome.Kind.REJECTED) {
      return "unverified";
    }
    JsonNode event;
    try {
      event = JsonMapper.shared().readTree(body).path("event");
    } catch (JacksonException e) {
      return "other";
    }
    return event.isString() && EVENTS.contains(event.asString()) ? event.asString() : "other";
  }
}
