package dev.meet.core.engine;

import dev.meet.core.Recording;
import dev.meet.core.RecordingException.Reason;
import dev.meet.core.RecordingException;
import dev.meet.core.RecordingId;
import dev.meet.core.RecordingObserver;
import dev.meet.core.RecordingStatus;
import dev.meet.core.StartOptions;
import dev.meet.core.events.RecordingEvents;
import dev.meet.core.livekit.EgressState;
import dev.meet.core.livekit.LiveKitException;
import dev.meet.core.livekit.LiveKitGateway;
import dev.meet.core.livekit.RoomCheck;
import dev.meet.core.livekit.RoomPolicy;
import dev.meet.core.lock.LockException;
import dev.meet.core.lock.LockValue;
import dev.meet.core.lock.RecordingLockProvider;
import dev.meet.core.storage.MediaTarget;
import dev.meet.core.storage.RecordingStorage;
import dev.meet.core.storage.StorageException;
import dev.meet.core.storage.StoredRecording;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start flow: can the room be recorded, take the lock, StartRoomCompositeEgress, bind the lock, store the
 * recording, then wait for ACTIVE ({@link StartWait}); and its cleanup when any step after the egress started fails.
 */
final class StartFlow {

  private static final Logger log = LoggerFactory.getLogger(StartFlow.class);

  private final ManagerSettings settings;
  private final LiveKitGateway liveKit;
  private final RecordingLockProvider locks;
  private final RecordingStorage storage;
  private final RecordingEvents events;
  private final RoomPolicy roomPolicy;
  private final RecordingStates states;
  private final Cleanup cleanup;
  private final ExecutorService workers;
  private final ScheduledExecutorService timers;
  /** What callers hold: completed by the start, or rejected with CLOSED when the manager shuts down first. */
  private final Set<CompletableFuture<Recording>> pending = ConcurrentHashMap.newKeySet();
  /** Starts waiting for their egress to become active, by egress id. */
  private final Map<String, StartWait> waiting = new ConcurrentHashMap<>();
  /** Set when the shutdown grace is over: in-flight starts are rejected from then on. */
  private final AtomicBoolean terminated = new AtomicBoolean();

  StartFlow(ManagerSettings settings, LiveKitGateway liveKit, RecordingLockProvider locks, RecordingStorage storage,
      RecordingEvents events, RoomPolicy roomPolicy, RecordingStates states, Cleanup cleanup,
      ExecutorService workers, ScheduledExecutorService timers) {
    this.settings = settings;
    this.liveKit = liveKit;
    this.locks = locks;
    this.storage = storage;
    this.events = events;
    this.roomPolicy = roomPolicy;
    this.states = states;
    this.cleanup = cleanup;
    this.workers = workers;
    this.timers = timers;
  }

  /**
   * Runs the whole flow off the caller's thread; the future fails only with {@link RecordingException}.
   *
   * <p>The observer's {@link RecordingObserver#startBegan} is called here, on the caller's thread, and its operation
   * ended with the outcome before the caller's future completes, like {@code finished}.
   *
   * @param finished told the outcome before the caller's future completes (metrics see every start the caller saw)
   */
  CompletableFuture<Recording> start(String roomId, StartOptions options,
      BiConsumer<@Nullable Recording, @Nullable RecordingException> finished) {
    RecordingObserver.Operation observed = settings.observer().startBegan(roomId);
    Cancellation cancellation = new Cancellation();
    CompletableFuture<Recording> start;
    try {
      start = CompletableFuture.supplyAsync(() -> begin(roomId, options), workers)
          .thenCompose(started -> awaitActive(started, cancellation))
          .exceptionallyCompose(e -> CompletableFuture.failedFuture(Failures.unwrap(e)));
    } catch (RejectedExecutionException e) {
      RecordingException failure = Failures.unwrap(e);
      observed.ended(null, failure);
      return CompletableFuture.failedFuture(failure);
    }
    CompletableFuture<Recording> result = new CompletableFuture<>();
    pending.add(result);
    start.whenComplete((recording, error) -> {
      RecordingException failure = error == null ? null : Failures.unwrap(error);
      observed.ended(recording == null ? null : recording.recordingId(), failure);
      finished.accept(recording, failure);
      if (failure == null) {
        result.complete(recording);
      } else {
        result.completeExceptionally(failure);
      }
    });
    // The caller gets result itself, not a dependent stage, so that its cancel() reaches the start.
    result.whenComplete((recording, error) -> {
      pending.remove(result);
      if (result.isCancelled()) {
        // The caller cancelled: whatever the start got to (an egress, a wait), it is stopped.
        cancellation.cancel();
      }
    });
    return result;
  }

  /** The caller's cancel, delivered to the start's wait whenever it exists (before, during or after begin()). */
  private static final class Cancellation {
    private boolean cancelled;
    private @Nullable StartWait wait;

    synchronized void cancel() {
      cancelled = true;
      if (wait != null) {
        wait.cancel();
      }
    }

    /** Attaches the wait; cancels it at once when the caller already cancelled. */
    void attach(StartWait attached) {
      boolean cancelNow;
      synchronized (this) {
        wait = attached;
        cancelNow = cancelled;
      }
      if (cancelNow) {
        attached.cancel();
      }
    }
  }

  /** Steps 1-4: policy, lock, StartRoomCompositeEgress, bind and store. */
  private StartWait.Started begin(String roomId, StartOptions options) {
    RoomCheck check = checkRoom(roomId);
    String uid = RecordingId.newUid();
    // The token starts with the uid of the recording this attempt starts: a webhook of that egress, arriving before
    // the lock is bound, recognises the lock as its own start's (LockEffects).
    LockValue attempt = new LockValue(LockEffects.attemptToken(uid), null, settings.instanceId(),
        settings.clock().instant());
    boolean acquired;
    try {
      acquired = locks.tryAcquire(roomId, attempt, settings.lockTtl());
    } catch (LockException e) {
      throw new RecordingException(Reason.LOCK_STORE_UNAVAILABLE,
          "Cannot start a recording in room '" + roomId + "': the lock store (Redis) is unavailable", e);
    }
    if (!acquired) {
      throw new RecordingException(Reason.ALREADY_RECORDING, "Room '" + roomId + "' is already being recorded");
    }
    EgressState response;
    try {
      // The shutdown grace is over: do not start an egress nobody will wait for.
      requireNotTerminated();
      MediaTarget target = storage.mediaTarget(roomId, uid);
      response = liveKit.startRoomComposite(roomId, target, options.layoutOrDefault(), options.encodingOrDefault());
    } catch (RuntimeException e) {
      if (e instanceof LiveKitException lk && !lk.isNotFound()) {
        // LiveKit may have applied the start and lost its answer: its egress must not record for nobody.
        cleanup.stopEgressesOfStart(roomId, uid, (room, u) -> storage.mediaTarget(room, u).filepath());
      }
      cleanup.releaseLock(roomId, attempt, "start failed");
      throw e instanceof LiveKitException lk ? Failures.startFailure(roomId, lk) : e;
    }
    // From here on an egress is recording: whatever fails (a dependency, a bug, a user callback), it is stopped and
    // the lock released before the caller hears of the failure, so nothing records with nobody told.
    LockValue bound = null;
    Recording recording;
    RecordingId id;
    try {
      id = new RecordingId(roomId, response.egressId(), uid);
      bound = attempt.boundTo(response.egressId());
      if (!locks.replace(roomId, attempt, bound)) {
        // The lock went away between acquire and bind (room_finished, an administrator): this egress would record
        // unguarded, so the start fails.
        throw new RecordingException(Reason.LOCK_STORE_UNAVAILABLE, "The active lock of room '" + roomId
            + "' was released while the recording was starting; the recording was stopped, try again");
      }
      recording = states.createStarted(id,
          Recording.starting(id, check.roomName(), options.layoutOrDefault(), options.encodingOrDefault()),
          response);
    } catch (RuntimeException e) {
      log.warn("recording start failed after LiveKit started its egress, stopping it roomId={} egressId={}: {}",
          roomId, response.egressId(), e.toString());
      cleanup.stopEgress(response.egressId());
      if (bound != null) {
        cleanup.releaseLock(roomId, bound, "start failed after the egress started");
      }
      cleanup.releaseLock(roomId, attempt, "start failed after the egress started");
      if (bound == null) {
        throw new RecordingException(Reason.LIVEKIT_ERROR, "LiveKit answered the start of a recording in room '"
            + roomId + "' with an unusable egress id", e);
      }
      throw Failures.unwrap(e);
    }
    // egress_ended may have been handled before the lock was bound to the egress: release it here then.
    if (recording.status().isTerminal()) {
      cleanup.releaseLock(roomId, bound, "egress ended while starting");
    }
    log.info("recording starting roomId={} recordingId={} egressId={}", roomId, id, response.egressId());
    return new StartWait.Started(id, bound, recording);
  }

  private RoomCheck checkRoom(String roomId) {
    RoomCheck check;
    try {
      check = roomPolicy.check(roomId);
    } catch (LiveKitException e) {
      throw Failures.liveKit("Cannot start a recording in room '" + roomId + "'", e);
    }
    if (check.isAllowed()) {
      return check;
    }
    Reason reason = switch (Objects.requireNonNull(check.rejection())) {
      case ROOM_NOT_FOUND -> Reason.ROOM_NOT_FOUND;
      case RECORDING_DISABLED -> Reason.RECORDING_DISABLED;
      case NO_PARTICIPANTS -> Reason.NO_PARTICIPANTS;
    };
    throw new RecordingException(reason, Objects.requireNonNull(check.message()));
  }

  /** Step 5: wait for ACTIVE from whichever instance receives the webhook. */
  private CompletableFuture<Recording> awaitActive(StartWait.Started started, Cancellation cancellation) {
    if (started.recording().status().isTerminal()) {
      return CompletableFuture.failedFuture(endedWhileStarting(started.id(), started.recording()));
    }
    StartWait wait = new StartWait(started, storage, cleanup, workers);
    waiting.put(wait.egressId(), wait);
    cancellation.attach(wait);
    if (terminated.get()) {
      // The shutdown may have passed over the waiting starts before this one was registered.
      wait.abortForShutdown();
    }
    CompletableFuture<Recording> waited = started.recording().status() == RecordingStatus.ACTIVE
        ? wait.decideNow(started.recording())
        : wait.begin(events, timers, settings.startTimeout());
    // Completion may run on the signal transport's thread: the storage read of fresh() must not.
    return waited
        .whenComplete((recording, error) -> waiting.remove(wait.egressId()))
        .thenApplyAsync(this::fresh, workers);
  }

  static RecordingException endedWhileStarting(RecordingId id, Recording ended) {
    return new RecordingException(Reason.LIVEKIT_ERROR,
        "Recording in room '" + id.roomId() + "' ended while starting: " + ended.status().value()
            + (ended.error() == null ? "" : " (" + ended.error() + ")"));
  }

  /** The stored state when it can be read (it carries what the webhook wrote), else what we know. */
  private Recording fresh(Recording known) {
    try {
      return storage.find(known.id()).map(StoredRecording::recording)
          .filter(stored -> stored.status() != RecordingStatus.STARTING)
          .orElse(known);
    } catch (StorageException e) {
      return known;
    }
  }

  private void requireNotTerminated() {
    if (terminated.get()) {
      throw Failures.closedWhileStarting();
    }
  }

  /** Gives in-flight starts up to {@code grace} to finish. */
  void awaitPending(Duration grace) {
    if (pending.isEmpty() || grace.isZero()) {
      return;
    }
    try {
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // failed starts were answered already; the rest are rejected by terminate()
    }
  }

  /**
   * The grace is over: every start still in flight is rejected with CLOSED, and the egresses of those waiting are
   * stopped (their callers were told the start failed; their {@code egress_ended}, on any instance, releases the
   * locks).
   */
  void terminate() {
    terminated.set(true);
    for (CompletableFuture<Recording> start : List.copyOf(pending)) {
      start.completeExceptionally(Failures.closedWhileStarting());
    }
    for (StartWait wait : List.copyOf(waiting.values())) {
      wait.abortForShutdown();
    }
  }
}
