package dev.meet.core.webhooks;

import dev.meet.core.Recording;
import dev.meet.core.RecordingListener;
import java.time.Clock;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes recording events from a {@link dev.meet.core.engine.RecordingManager}'s state changes: register it with
 * {@code RecordingManager.builder().listener(new WebhookRecordingListener(dispatcher, clock))}. The manager tells
 * listeners once per stored change, on the instance whose write won, so each event is published once.
 *
 * <p>It never throws into the manager: an event that cannot be queued (outbox unreachable and the in-memory
 * backlog full) is logged at ERROR with its recording.
 */
public final class WebhookRecordingListener implements RecordingListener {

  private static final Logger log = LoggerFactory.getLogger(WebhookRecordingListener.class);

  private final WebhookDispatcher dispatcher;
  private final Clock clock;

  public WebhookRecordingListener(WebhookDispatcher dispatcher, Clock clock) {
    this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void onRecordingChanged(@Nullable Recording previous, Recording current) {
    for (WebhookEvent event : RecordingEventDeriver.derive(previous, current, clock.millis())) {
      try {
        dispatcher.publish(event);
      } catch (RuntimeException e) {
        log.error("webhook event lost event={} roomId={} recordingId={} status={} reason={}", event.type().value(),
            current.roomId(), current.recordingId(), current.status().value(), e.getMessage());
      }
    }
  }
}
