package dev.meet.core.engine;

import dev.meet.core.RecordingId;
import dev.meet.core.RecordingObserver;
import dev.meet.core.RecordingStatus;
import dev.meet.core.RoomIds;
import dev.meet.core.WebhookOutcome;
import dev.meet.core.events.EgressSignal;
import dev.meet.core.events.EventsException;
import dev.meet.core.events.RecordingEvents;
import dev.meet.core.livekit.EgressState;
import dev.meet.core.livekit.LiveKitEvent;
import dev.meet.core.livekit.LiveKitException;
import dev.meet.core.livekit.LiveKitWebhooks;
import dev.meet.core.livekit.WebhookRejectedException;
import dev.meet.core.lock.LockException;
import dev.meet.core.storage.RecordingStorage;
import dev.meet.core.storage.StorageException;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LiveKit's webhooks: verified against the raw bytes, egress events applied to their recording (upsert, monotonic,
 * idempotent) with their lock effects and the signal to a waiting start, {@code room_finished} freeing the room's
 * lock; and the answer LiveKit gets (2xx only once the effect is durable).
 */
final class WebhookHandler {

  private static final Logger log = LoggerFactory.getLogger(WebhookHandler.class);

  private final LiveKitWebhooks webhooks;
  private final RecordingStorage storage;
  private final RecordingStates states;
  private final LockEffects lockEffects;
  private final RecordingEvents events;
  private final RecordingObserver observer;

  WebhookHandler(LiveKitWebhooks webhooks, RecordingStorage storage, RecordingStates states, LockEffects lockEffects,
      RecordingEvents events, RecordingObserver observer) {
    this.webhooks = webhooks;
    this.storage = storage;
    this.states = states;
    this.lockEffects = lockEffects;
    this.events = events;
    this.observer = observer;
  }

  WebhookOutcome handle(byte[] rawBody, @Nullable String authorization) {
    LiveKitEvent event;
    try {
      event = webhooks.verify(rawBody, authorization);
    } catch (WebhookRejectedException e) {
      log.warn("{} reason={}", e.getMessage(), e.reason());
      WebhookOutcome rejected = WebhookOutcome.rejected(e.getMessage());
      observer.webhookHandled("unverified", rejected.kind());
      return rejected;
    }
    WebhookOutcome outcome;
    try {
      outcome = switch (event.event()) {
        case "egress_started", "egress_updated", "egress_ended" -> onEgress(event);
        case "room_finished" -> onRoomFinished(event);
        default -> WebhookOutcome.ignored("event " + event.event() + " is not used");
      };
    } catch (StorageException | LockException | EventsException | LiveKitException e) {
      log.warn("LiveKit webhook not applied, LiveKit will retry event={} id={}: {}", event.event(), event.id(),
          e.getMessage());
      outcome = WebhookOutcome.retry(Failures.dependencyName(e) + " unavailable: " + e.getMessage());
    } catch (RuntimeException e) {
      // Not durable, so not 2xx: LiveKit retries, and the operator learns why.
      log.error("LiveKit webhook failed, LiveKit will retry event={} id={}", event.event(), event.id(), e);
      outcome = WebhookOutcome.retry("unexpected failure: " + e);
    }
    WebhookOutcome handled = outcome;
    observer.webhookHandled(event.event(), handled.kind());
    return handled;
  }

  private WebhookOutcome onEgress(LiveKitEvent event) {
    EgressState egress = event.egress();
    if (egress == null) {
      return WebhookOutcome.ignored("event " + event.event() + " carries no egress");
    }
    Optional<RecordingId> maybeId =
        EgressMapping.recordingIdOf(egress, (room, uid) -> storage.mediaTarget(room, uid).filepath());
    if (maybeId.isEmpty()) {
      return WebhookOutcome.ignored("egress " + egress.egressId() + " is not a recording of ours");
    }
    RecordingId id = maybeId.get();
    RecordingStates.Applied applied = states.applyEgress(id, egress);
    RecordingStatus status = applied.recording().status();
    // Effects run even when nothing changed: a redelivery after a partial failure must complete them.
    if (status.isTerminal()) {
      lockEffects.releaseBoundLock(id);
    } else if (status != RecordingStatus.STARTING) {
      lockEffects.keepRoomLocked(id, status);
    }
    if (status != RecordingStatus.STARTING) {
      events.publish(new EgressSignal(id.egressId(), status));
    }
    return WebhookOutcome.processed(event.event() + " applied to " + id + ": " + status.value()
        + (applied.changed() ? "" : " (unchanged)"));
  }

  private WebhookOutcome onRoomFinished(LiveKitEvent event) {
    String roomId = Objects.requireNonNullElse(event.roomName(), "");
    if (!RoomIds.isValid(roomId)) {
      return WebhookOutcome.ignored("room_finished of a room that is not one of ours");
    }
    return WebhookOutcome.processed(lockEffects.roomFinished(roomId));
  }
}
