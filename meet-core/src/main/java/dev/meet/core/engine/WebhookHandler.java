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
import dev.meet.core.livekit.LiveKitWebhookVerifier;
import dev.meet.core.livekit.LiveKitWebhooks;
import dev.meet.core.livekit.WebhookRejectedException;
import dev.meet.core.livekit.WebhookRejectionLog;
import dev.meet.core.lock.LockException;
import dev.meet.core.storage.RecordingStorage;
import dev.meet.core.storage.StorageException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import livekit.LivekitWebhook;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LiveKit's webhooks: verified against the raw bytes, egress events applied to their recording (upsert, monotonic,
 * idempotent) with their lock effects and the signal to a waiting start, {@code room_finished} freeing the room's
 * lock; every verified webhook handed to the {@link RecordingManager.LiveKitEventListener}s; and the answer LiveKit
 * gets (2xx only once the effect, the listeners' included, is durable).
 */
final class WebhookHandler {

  private static final Logger log = LoggerFactory.getLogger(WebhookHandler.class);

  private final LiveKitWebhookVerifier verifier;
  private final RecordingStorage storage;
  private final RecordingStates states;
  private final LockEffects lockEffects;
  private final RecordingEvents events;
  private final RecordingObserver observer;
  private final List<RecordingManager.LiveKitEventListener> listeners;

  private final WebhookRejectionLog rejectionLog = new WebhookRejectionLog();

  WebhookHandler(LiveKitWebhookVerifier verifier, RecordingStorage storage, RecordingStates states,
      LockEffects lockEffects, RecordingEvents events, RecordingObserver observer,
      List<RecordingManager.LiveKitEventListener> listeners) {
    this.verifier = verifier;
    this.storage = storage;
    this.states = states;
    this.lockEffects = lockEffects;
    this.events = events;
    this.observer = observer;
    this.listeners = List.copyOf(listeners);
  }

  /**
   * Verifies a webhook, then applies it within the deadline: LiveKit's sender has no timeout, so a slow dependency
   * must not stall its queue. Past the deadline the answer is 503 (LiveKit redelivers); the handling itself goes on
   * and, being idempotent, meets the redelivery harmlessly. Verification (CPU only) and the observer's call run on the
   * caller's thread, so an observer sees the webhook in the caller's context (a tracing span, say) with the outcome
   * LiveKit is answered.
   */
  WebhookOutcome handle(byte[] rawBody, @Nullable String authorization, Executor workers, Duration deadline) {
    LivekitWebhook.WebhookEvent verified;
    try {
      verified = verifier.verify(rawBody, authorization);
    } catch (WebhookRejectedException e) {
      // The caller may be anyone: it learns nothing about why; the operator does, without a flood of lines.
      rejectionLog.rejected(e);
      WebhookOutcome rejected = WebhookOutcome.rejected(WebhookOutcome.REJECTED_MESSAGE);
      observer.webhookHandled("unverified", rejected.kind());
      return rejected;
    }
    LiveKitEvent event;
    try {
      event = LiveKitWebhooks.inEngineTerms(verified);
    } catch (RuntimeException e) {
      // Verified but unreadable in our terms: a bug of ours, so not a 4xx LiveKit would never retry.
      log.error("LiveKit webhook could not be read, LiveKit will retry event={} id={}", verified.getEvent(),
          verified.getId(), e);
      WebhookOutcome failed = WebhookOutcome.retry("unexpected failure: " + e);
      observer.webhookHandled(verified.getEvent(), failed.kind());
      return failed;
    }
    WebhookOutcome outcome = applyWithin(event, workers, deadline);
    observer.webhookHandled(event.event(), outcome.kind());
    return outcome;
  }

  private WebhookOutcome applyWithin(LiveKitEvent event, Executor workers, Duration deadline) {
    CompletableFuture<WebhookOutcome> handling;
    try {
      handling = CompletableFuture.supplyAsync(() -> tellListeners(event, apply(event)), workers);
    } catch (RejectedExecutionException e) {
      return tellListeners(event, apply(event)); // closed: its threads are gone, the caller's thread does it
    }
    try {
      return handling.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.warn("LiveKit webhook not handled within {}, LiveKit will retry event={} id={}", deadline, event.event(),
          event.id());
      return WebhookOutcome.retry("not handled within " + deadline + ", a dependency is slow");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return WebhookOutcome.retry("interrupted");
    } catch (ExecutionException e) {
      // apply() and tellListeners() answer every failure themselves; this is a bug.
      log.error("LiveKit webhook failed, LiveKit will retry", e.getCause());
      return WebhookOutcome.retry("unexpected failure: " + e.getCause());
    }
  }

  private WebhookOutcome apply(LiveKitEvent event) {
    try {
      return switch (event.event()) {
        case "egress_started", "egress_updated", "egress_ended" -> onEgress(event);
        case "room_finished" -> onRoomFinished(event);
        default -> WebhookOutcome.ignored("event " + event.event() + " is not used");
      };
    } catch (StorageException | LockException | EventsException | LiveKitException e) {
      log.warn("LiveKit webhook not applied, LiveKit will retry event={} id={}: {}", event.event(), event.id(),
          e.getMessage());
      return WebhookOutcome.retry(Failures.dependencyName(e) + " unavailable: " + e.getMessage());
    } catch (RuntimeException e) {
      // Not durable, so not 2xx: LiveKit retries, and the operator learns why.
      log.error("LiveKit webhook failed, LiveKit will retry event={} id={}", event.event(), event.id(), e);
      return WebhookOutcome.retry("unexpected failure: " + e);
    }
  }

  /**
   * Hands the verified webhook to every listener, whatever the engine's own outcome (one never holds back the other).
   * A listener's effect is meant to be durable, so a listener that throws turns a 2xx into a 503 and LiveKit
   * redelivers (the engine's handling is idempotent, and so must the listener's be); an
   * {@link IllegalArgumentException} says the webhook can never be applied, so it is only logged.
   */
  private WebhookOutcome tellListeners(LiveKitEvent verified, WebhookOutcome outcome) {
    WebhookOutcome answer = outcome;
    for (RecordingManager.LiveKitEventListener listener : listeners) {
      try {
        listener.onLiveKitEvent(verified);
      } catch (IllegalArgumentException e) {
        log.warn("LiveKit webhook refused by a listener, not retried event={} id={} listener={}: {}",
            verified.event(), verified.id(), listener.getClass().getName(), e.getMessage());
      } catch (RuntimeException e) {
        log.warn("LiveKit webhook not applied by a listener, LiveKit will retry event={} id={} listener={}: {}",
            verified.event(), verified.id(), listener.getClass().getName(), e.toString());
        if (answer.kind() != WebhookOutcome.Kind.RETRY) {
          answer = WebhookOutcome.retry("listener " + listener.getClass().getSimpleName() + " failed: "
              + e.getMessage());
        }
      }
    }
    return answer;
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
    Optional<RecordingStates.Applied> maybeApplied = states.applyEgress(id, egress);
    if (maybeApplied.isEmpty()) {
      return WebhookOutcome.ignored("recording " + id + " was deleted");
    }
    RecordingStates.Applied applied = maybeApplied.get();
    RecordingStatus status = applied.recording().status();
    // Effects run even when nothing changed: a redelivery after a partial failure must complete them.
    if (status.isTerminal()) {
      lockEffects.releaseBoundLock(id);
    } else if (status != RecordingStatus.STARTING) {
      lockEffects.keepRoomLocked(id, status);
    }
    if (status != RecordingStatus.STARTING) {
      signal(id, status);
    }
    return WebhookOutcome.processed(event.event() + " applied to " + id + ": " + status.value()
        + (applied.changed() ? "" : " (unchanged)"));
  }

  /**
   * Tells a waiting start. Best effort: the effect is stored already, so a failed publish is no reason for LiveKit to
   * retry (a 5xx means "not durable"); the waiting start re-reads the stored state at its timeout.
   */
  private void signal(RecordingId id, RecordingStatus status) {
    try {
      events.publish(new EgressSignal(id.egressId(), status));
    } catch (EventsException e) {
      log.warn("egress signal not published, a waiting start will read the stored state recordingId={} status={}: {}",
          id, status.value(), e.getMessage());
    }
  }

  private WebhookOutcome onRoomFinished(LiveKitEvent event) {
    String roomId = Objects.requireNonNullElse(event.roomName(), "");
    if (!RoomIds.isValid(roomId)) {
      return WebhookOutcome.ignored("room_finished of a room that is not one of ours");
    }
    return WebhookOutcome.processed(lockEffects.roomFinished(roomId));
  }
}
