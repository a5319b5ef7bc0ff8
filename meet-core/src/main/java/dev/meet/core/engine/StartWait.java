package dev.meet.core.engine;

import dev.meet.core.Recording;
import dev.meet.core.RecordingException;
import dev.meet.core.RecordingId;
import dev.meet.core.RecordingStatus;
import dev.meet.core.events.EgressSignal;
import dev.meet.core.events.EventsException;
import dev.meet.core.events.RecordingEvents;
import dev.meet.core.lock.LockValue;
import dev.meet.core.storage.RecordingStorage;
import dev.meet.core.storage.StorageException;
import dev.meet.core.storage.StoredRecording;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One start waiting for its egress to become ACTIVE (step 5): it owns its signal subscription, its timer and its
 * decision. Whoever decides first (the signal, the stored state, the timeout, a shutdown) owns the outcome; the
 * timeout decides before it stops the egress, so an ACTIVE arriving meanwhile cannot answer "active" for a stopped
 * egress.
 */
final class StartWait {

  private static final Logger log = LoggerFactory.getLogger(StartWait.class);

  /** A start that LiveKit accepted: what the wait needs. */
  record Started(RecordingId id, LockValue lock, Recording recording) {}

  private final Started started;
  private final RecordingStorage storage;
  private final Cleanup cleanup;
  private final Executor workers;
  private final CompletableFuture<Recording> result = new CompletableFuture<>();
  private final AtomicBoolean decided = new AtomicBoolean();
  private RecordingEvents.@Nullable Subscription subscription;
  private @Nullable ScheduledFuture<?> timer;

  StartWait(Started started, RecordingStorage storage, Cleanup cleanup, Executor workers) {
    this.started = started;
    this.storage = storage;
    this.cleanup = cleanup;
    this.workers = workers;
  }

  String egressId() {
    return started.id().egressId();
  }

  /**
   * Subscribes, checks the stored state (the signal may have come before the subscription) and arms the timer.
   *
   * @return completes with the recording once active, or exceptionally
   */
  CompletableFuture<Recording> begin(RecordingEvents events, ScheduledExecutorService timers, Duration timeout) {
    try {
      subscription = events.subscribe(egressId(), this::onSignal);
    } catch (EventsException e) {
      cleanup.stopEgress(egressId());
      cleanup.releaseLock(started.id().roomId(), started.lock(), "signal transport down");
      return CompletableFuture.failedFuture(new RecordingException(
          RecordingException.Reason.LOCK_STORE_UNAVAILABLE, "Cannot start a recording in room '"
              + started.id().roomId() + "': the signal transport (Redis) is unavailable", e));
    }
    workers.execute(this::checkStored);
    timer = timers.schedule(() -> workers.execute(this::onTimeout), timeout.toMillis(), TimeUnit.MILLISECONDS);
    return result.whenComplete((recording, error) -> release());
  }

  private void onSignal(EgressSignal signal) {
    decide(started.recording().withStatus(signal.status()));
  }

  private void checkStored() {
    try {
      storage.find(started.id()).map(StoredRecording::recording).ifPresent(this::decide);
    } catch (StorageException e) {
      log.warn("could not re-read recording while waiting recordingId={}", started.id(), e);
    }
  }

  /** ACTIVE/ENDING completes the wait, a terminal status fails it, STARTING changes nothing. */
  private void decide(Recording seen) {
    RecordingStatus status = seen.status();
    if (status == RecordingStatus.ACTIVE || status == RecordingStatus.ENDING) {
      if (decided.compareAndSet(false, true)) {
        result.complete(seen);
      }
    } else if (status.isTerminal() && decided.compareAndSet(false, true)) {
      result.completeExceptionally(StartFlow.endedWhileStarting(started.id(), seen));
    }
  }

  private void onTimeout() {
    if (result.isDone()) {
      return;
    }
    RecordingId id = started.id();
    // A signal lost in transit (pub/sub is best effort) must not stop a recording that is stored as active.
    try {
      Optional<Recording> stored = storage.find(id).map(StoredRecording::recording);
      if (stored.isPresent() && (stored.get().status() == RecordingStatus.ACTIVE
          || stored.get().status() == RecordingStatus.ENDING)) {
        decide(stored.get());
        return;
      }
    } catch (StorageException e) {
      log.warn("could not re-read recording at its start timeout recordingId={}: {}", id, e.getMessage());
    }
    // Decide first: an ACTIVE signal arriving while StopEgress runs must not answer "active".
    if (!decided.compareAndSet(false, true)) {
      return;
    }
    if (cleanup.stopEgress(id.egressId())) {
      // Stopped: the egress will end and its egress_ended releases the lock; until then the room stays locked.
      log.warn("recording start timed out, egress stopped, lock kept until egress_ended roomId={} egressId={}",
          id.roomId(), id.egressId());
    } else {
      log.warn("recording start timed out and stopping the egress failed, releasing the lock roomId={} egressId={}",
          id.roomId(), id.egressId());
      cleanup.releaseLock(id.roomId(), started.lock(), "start timed out and stop failed");
    }
    result.completeExceptionally(new RecordingException(RecordingException.Reason.START_TIMED_OUT,
        "Recording in room '" + id.roomId() + "' timed out while starting"));
  }

  /** The manager shuts down: the caller is told CLOSED and the egress, which nobody waits for, is stopped. */
  void abortForShutdown() {
    if (decided.compareAndSet(false, true)) {
      result.completeExceptionally(Failures.closedWhileStarting());
      cleanup.stopEgress(egressId());
    }
  }

  private void release() {
    ScheduledFuture<?> armed = timer;
    if (armed != null) {
      armed.cancel(false);
    }
    RecordingEvents.Subscription subscribed = subscription;
    if (subscribed != null) {
      subscribed.close();
    }
  }
}
