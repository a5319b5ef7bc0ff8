package dev.meet.autoconfigure;

import dev.meet.core.engine.RecordingManager;
import dev.meet.core.RecordingObserver;
import dev.meet.core.WebhookOutcome;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.Locale;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Handles each webhook inside an Observation named {@value #NAME}, so the application's tracing shows it under the
 * HTTP request and its metrics count it. Low-cardinality keys only (they become metric tags): {@code outcome}
 * ({@code processed}, {@code ignored}, {@code rejected}, {@code retry}) and {@code event} ({@code egress_updated}, ...,
 * {@code unverified}).
 */
final class ObservedWebhookHandler implements LiveKitWebhookHandler {

  static final String NAME = "meet.livekit.webhook";

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
      return outcome;
    });
  }

  /**
   * Names the webhook's event on the observation in scope: the manager tells its observers on the thread that handles
   * the webhook, inside {@link #handle}.
   */
  static RecordingObserver eventNamer(Supplier<ObservationRegistry> registry) {
    return new RecordingObserver() {
      @Override
      public void webhookHandled(String event, WebhookOutcome.Kind outcome) {
        Observation current = registry.get().getCurrentObservation();
        if (current != null && NAME.equals(current.getContext().getName())) {
          current.lowCardinalityKeyValue(KeyValue.of("event", event));
        }
      }
    };
  }
}
