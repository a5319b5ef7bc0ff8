package dev.meet.core;

import dev.meet.core.events.EgressSignal;
import dev.meet.core.events.EventsException;
import dev.meet.core.events.RecordingEvents;
import dev.meet.core.events.inmemory.InMemoryRecordingEvents;
import dev.meet.core.livekit.LiveKitException;
import dev.meet.core.livekit.LiveKitGateway;
import dev.meet.core.livekit.LiveKitRoomPolicy;
import dev.meet.core.livekit.LiveKitSdkGateway;
import dev.meet.core.livekit.LiveKitSettings;
import dev.meet.core.livekit.LiveKitWebhookVerifier;
import dev.meet.core.livekit.RoomCheck;
import dev.meet.core.livekit.RoomPolicy;
import dev.meet.core.livekit.WebhookRejectedException;
import dev.meet.core.livekit.WebhookRejectionLog;
import dev.meet.core.lock.LockException;
import dev.meet.core.lock.LockValue;
import dev.meet.core.lock.RecordingLockProvider;
import dev.meet.core.lock.inmemory.InMemoryRecordingLockProvider;
import dev.meet.core.storage.ByteRange;
import dev.meet.core.storage.InvalidPageTokenException;
import dev.meet.core.storage.MediaContent;
import dev.meet.core.storage.MediaTarget;
import dev.meet.core.storage.RangeNotSatisfiableException;
import dev.meet.core.storage.RecordingPage;
import dev.meet.core.storage.RecordingQuery;
import dev.meet.core.storage.RecordingSecrets;
import dev.meet.core.storage.RecordingStorage;
import dev.meet.core.storage.StorageException;
import dev.meet.core.storage.StorageLayout;
import dev.meet.core.storage.StoredRecording;
import dev.meet.core.storage.local.LocalRecordingStorage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EncodedFileOutput;
import livekit.LivekitEgress.EncodedFileType;
import livekit.LivekitEgress.EncodingOptions;
import livekit.LivekitEgress.EncodingOptionsPreset;
import livekit.LivekitEgress.S3Upload;
import livekit.LivekitWebhook.WebhookEvent;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts, stops, reads and deletes recordings of LiveKit rooms, with at most one active recording per room across
 * every instance that shares the lock store.
 *
 * <pre>{@code
 * RecordingManager recordings = RecordingManager.builder()
 *     .liveKit(new LiveKitSettings("http://127.0.0.1:7880", "devkey", "secret"))
 *     .localStorage(Path.of("recordings"))
 *     .build();
 * Recording recording = recordings.start("room-1", StartOptions.defaults());   // waits until it is active
 * recordings.stop(recording.recordingId());
 * // feed LiveKit's webhooks: recordings.handleWebhook(rawBody, authorizationHeader)
 * }</pre>
 *
 * <p>Every call either returns or throws {@link RecordingException} whose {@link RecordingException.Reason} maps to
 * an HTTP status. Thread-safe. Close it to stop its schedules and threads; the providers it was given stay open.
 */
public final class RecordingManager implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RecordingManager.class);

  private final LiveKitGateway liveKit;
  private final LiveKitWebhookVerifier webhookVerifier;
  private final WebhookRejectionLog rejectionLog = new WebhookRejectionLog();
  private final RecordingLockProvider locks;
  private final RecordingStorage storage;
  private final RecordingEvents events;
  private final RoomPolicy roomPolicy;
  private final RecordingStates states;
  private final RecordingObserver observer;
  private final String instanceId;
  private final Duration startTimeout;
  private final Duration lockTtl;
  private final Duration collectorInterval;
  private final Duration collectorGrace;
  private final Clock clock;
  private final ExecutorService workers;
  private final ScheduledExecutorService timers;
  private final List<AutoCloseable> owned;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Set when the shutdown grace is over: in-flight starts are rejected from then on. */
  private final AtomicBoolean terminated = new AtomicBoolean();
  private final Object scheduleLock = new Object();
  private final List<ScheduledFuture<?>> schedules = new ArrayList<>();
  private final java.util.Set<CompletableFuture<Recording>> pendingStarts = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** Starts waiting for their egress to become active, by egress id; stopped if the manager shuts down first. */
  private final Map<String, CompletableFuture<Recording>> waiting = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, AtomicBoolean> runningCollectors = new java.util.concurrent.ConcurrentHashMap<>();

  private RecordingManager(Builder b, LiveKitGateway liveKit, LiveKitWebhookVerifier verifier,
      RecordingLockProvider locks, RecordingStorage storage, RecordingEvents events, RoomPolicy roomPolicy,
      List<AutoCloseable> owned) {
    this.liveKit = liveKit;
    this.webhookVerifier = verifier;
    this.locks = locks;
    this.storage = storage;
    this.events = events;
    this.roomPolicy = roomPolicy;
    this.states = new RecordingStates(storage, b.listeners);
    this.observer = b.observer;
    this.instanceId = b.instanceId;
    this.startTimeout = b.startTimeout;
    this.lockTtl = b.lockTtl;
    this.collectorInterval = b.collectorInterval;
    this.collectorGrace = b.collectorGrace;
    this.clock = b.clock;
    this.workers = Executors.newCachedThreadPool(daemonThreads("meet-recording-" + instanceId));
    this.timers = Executors.newSingleThreadScheduledExecutor(daemonThreads("meet-timer-" + instanceId));
    this.owned = List.copyOf(owned);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** This instance's id, written into the locks it takes. */
  public String instanceId() {
    return instanceId;
  }

  // ------------------------------------------------------------------------------------------ start

  /**
   * Starts recording a room and waits until the recording is active (at most the start timeout).
   *
   * @throws RecordingException ROOM_NOT_FOUND, RECORDING_DISABLED, NO_PARTICIPANTS, ALREADY_RECORDING,
   *     START_TIMED_OUT, LIVEKIT_ERROR, LIVEKIT_UNAVAILABLE, LOCK_STORE_UNAVAILABLE, STORAGE_UNAVAILABLE,
   *     INVALID_ARGUMENT, CLOSED
   */
  public Recording start(String roomId, StartOptions options) {
    try {
      return startAsync(roomId, options).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RecordingException(RecordingException.Reason.CLOSED, "interrupted while starting a recording", e);
    } catch (ExecutionException e) {
      throw unwrap(e.getCause());
    }
  }

  /**
   * Like {@link #start}, without blocking: the future completes when the recording is active, or exceptionally
   * with a {@link RecordingException}. No thread waits while the egress starts.
   */
  public CompletableFuture<Recording> startAsync(String roomId, StartOptions options) {
    Objects.requireNonNull(options, "options");
    try {
      requireOpen();
      RoomIds.require(roomId, "roomId");
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(unwrap(e));
    }
    long startedAt = System.nanoTime();
    CompletableFuture<Recording> start;
    try {
      start = CompletableFuture.supplyAsync(() -> begin(roomId, options), workers)
          .thenCompose(this::awaitActive)
          .exceptionallyCompose(e -> CompletableFuture.failedFuture(unwrap(e)));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return CompletableFuture.failedFuture(unwrap(e));
    }
    // What the caller gets: completed by the start, or rejected with CLOSED when the manager shuts down first.
    CompletableFuture<Recording> result = new CompletableFuture<>();
    pendingStarts.add(result);
    start.whenComplete((recording, error) -> {
      if (error == null) {
        result.complete(recording);
      } else {
        result.completeExceptionally(unwrap(error));
      }
    });
    return result.whenComplete((recording, error) -> {
      pendingStarts.remove(result);
      observe(() -> observer.startFinished(roomId, error == null ? null : unwrap(error).reason(),
          Duration.ofNanos(System.nanoTime() - startedAt)));
    });
  }

  /** A start that LiveKit accepted: what the wait for ACTIVE needs. */
  private record Started(RecordingId id, LockValue lock, Recording recording) {}

  /** Steps 1-4 of the start flow (design §4): policy, lock, StartRoomCompositeEgress, bind. */
  private Started begin(String roomId, StartOptions options) {
    RoomCheck check = checkRoom(roomId);
    LockValue attempt = new LockValue(UUID.randomUUID().toString(), null, instanceId, clock.instant());
    boolean acquired;
    try {
      acquired = locks.tryAcquire(roomId, attempt, lockTtl);
    } catch (LockException e) {
      throw new RecordingException(RecordingException.Reason.LOCK_STORE_UNAVAILABLE,
          "Cannot start a recording in room '" + roomId + "': the lock store (Redis) is unavailable", e);
    }
    if (!acquired) {
      throw new RecordingException(RecordingException.Reason.ALREADY_RECORDING,
          "Room '" + roomId + "' is already being recorded");
    }
    String uid = RecordingId.newUid();
    EgressInfo response;
    RecordingId id;
    try {
      // The shutdown grace is over: do not start an egress nobody will wait for.
      requireNotTerminated();
      MediaTarget target = storage.mediaTarget(roomId, uid);
      response = liveKit.startRoomComposite(roomId, fileOutput(target), options.layoutOrDefault(),
          encodingChoice(options.encodingOrDefault()));
    } catch (RuntimeException e) {
      releaseQuietly(roomId, attempt, "start failed");
      throw e instanceof LiveKitException lk ? startFailure(roomId, lk) : e;
    }
    try {
      id = new RecordingId(roomId, response.getEgressId(), uid);
    } catch (IllegalArgumentException e) {
      stopQuietly(response.getEgressId());
      releaseQuietly(roomId, attempt, "LiveKit answered an unusable egress id");
      throw new RecordingException(RecordingException.Reason.LIVEKIT_ERROR,
          "LiveKit answered the start of a recording in room '" + roomId + "' with an unusable egress id", e);
    }
    LockValue bound = attempt.boundTo(response.getEgressId());
    Recording recording;
    try {
      if (!locks.replace(roomId, attempt, bound)) {
        // The lock went away between acquire and bind (room_finished, an administrator): the egress runs unguarded.
        log.warn("active lock vanished before it was bound roomId={} egressId={}", roomId, response.getEgressId());
      }
      recording = states.createStarted(id,
          Recording.starting(id, check.roomName(), options.layoutOrDefault(), options.encodingOrDefault()),
          response);
    } catch (LockException | StorageException e) {
      stopQuietly(response.getEgressId());
      releaseQuietly(roomId, bound, "start could not be recorded");
      releaseQuietly(roomId, attempt, "start could not be recorded");
      throw unwrap(e);
    }
    // egress_ended may have been handled before the lock was bound to the egress: release it here then.
    if (recording.status().isTerminal()) {
      releaseQuietly(roomId, bound, "egress ended while starting");
    }
    log.info("recording starting roomId={} recordingId={} egressId={}", roomId, id, response.getEgressId());
    return new Started(id, bound, recording);
  }

  private RoomCheck checkRoom(String roomId) {
    RoomCheck check;
    try {
      check = roomPolicy.check(roomId);
    } catch (LiveKitException e) {
      throw liveKitFailure("Cannot start a recording in room '" + roomId + "'", e);
    }
    if (check.isAllowed()) {
      return check;
    }
    RecordingException.Reason reason = switch (Objects.requireNonNull(check.rejection())) {
      case ROOM_NOT_FOUND -> RecordingException.Reason.ROOM_NOT_FOUND;
      case RECORDING_DISABLED -> RecordingException.Reason.RECORDING_DISABLED;
      case NO_PARTICIPANTS -> RecordingException.Reason.NO_PARTICIPANTS;
    };
    throw new RecordingException(reason, Objects.requireNonNull(check.message()));
  }

  /**
   * Step 5: wait for ACTIVE from whichever instance receives the webhook; on timeout, stop the egress and decide
   * whether the lock stays (design §4).
   */
  private CompletableFuture<Recording> awaitActive(Started started) {
    String egressId = started.id().egressId();
    if (terminated.get()) {
      stopQuietly(egressId);
      return CompletableFuture.failedFuture(new RecordingException(RecordingException.Reason.CLOSED,
          "the recording manager shut down before the recording became active"));
    }
    if (started.recording().status() == RecordingStatus.ACTIVE) {
      return CompletableFuture.completedFuture(started.recording());
    }
    if (started.recording().status().isTerminal()) {
      return CompletableFuture.failedFuture(endedWhileStarting(started.id(), started.recording()));
    }
    CompletableFuture<Recording> result = new CompletableFuture<>();
    // Whoever decides first (the signal, the stored state, the timeout) owns the outcome; the timeout decides before
    // it stops the egress, so an ACTIVE arriving meanwhile cannot answer "active" for a stopped egress.
    AtomicBoolean decided = new AtomicBoolean();
    RecordingEvents.Subscription subscription;
    try {
      subscription = events.subscribe(egressId, signal -> {
        if (signal.status() == RecordingStatus.ACTIVE || signal.status() == RecordingStatus.ENDING) {
          if (decided.compareAndSet(false, true)) {
            result.complete(started.recording().withStatus(signal.status()));
          }
        } else if (signal.status().isTerminal() && decided.compareAndSet(false, true)) {
          result.completeExceptionally(
              endedWhileStarting(started.id(), started.recording().withStatus(signal.status())));
        }
      });
    } catch (EventsException e) {
      stopQuietly(egressId);
      releaseQuietly(started.id().roomId(), started.lock(), "signal transport down");
      return CompletableFuture.failedFuture(new RecordingException(RecordingException.Reason.LOCK_STORE_UNAVAILABLE,
          "Cannot start a recording in room '" + started.id().roomId() + "': the signal transport (Redis) is "
              + "unavailable", e));
    }
    // The signal may have come before we subscribed: the stored state tells.
    workers.execute(() -> {
      try {
        storage.find(started.id()).map(StoredRecording::recording).ifPresent(stored -> {
          if (stored.status() == RecordingStatus.ACTIVE || stored.status() == RecordingStatus.ENDING) {
            if (decided.compareAndSet(false, true)) {
              result.complete(stored);
            }
          } else if (stored.status().isTerminal() && decided.compareAndSet(false, true)) {
            result.completeExceptionally(endedWhileStarting(started.id(), stored));
          }
        });
      } catch (StorageException e) {
        log.warn("could not re-read recording while waiting recordingId={}", started.id(), e);
      }
    });
    ScheduledFuture<?> timeout = timers.schedule(
        () -> workers.execute(() -> onStartTimeout(started, result, decided)), startTimeout.toMillis(),
        TimeUnit.MILLISECONDS);
    waiting.put(egressId, result);
    // Completion may run on the signal transport's thread: the storage read of fresh() must not.
    return result.whenComplete((recording, error) -> {
      timeout.cancel(false);
      subscription.close();
      waiting.remove(egressId);
    }).thenApplyAsync(this::fresh, workers);
  }

  private void onStartTimeout(Started started, CompletableFuture<Recording> result, AtomicBoolean decided) {
    if (result.isDone()) {
      return;
    }
    RecordingId id = started.id();
    // A signal lost in transit (pub/sub is best effort) must not stop a recording that is stored as active.
    try {
      Optional<Recording> stored = storage.find(id).map(StoredRecording::recording);
      if (stored.isPresent() && (stored.get().status() == RecordingStatus.ACTIVE
          || stored.get().status() == RecordingStatus.ENDING)) {
        if (decided.compareAndSet(false, true)) {
          result.complete(stored.get());
        }
        return;
      }
    } catch (StorageException e) {
      log.warn("could not re-read recording at its start timeout recordingId={}: {}", id, e.getMessage());
    }
    // Decide first: an ACTIVE signal arriving while StopEgress runs must not answer "active".
    if (!decided.compareAndSet(false, true)) {
      return;
    }
    String message = "Recording in room '" + id.roomId() + "' timed out while starting";
    try {
      liveKit.stopEgress(id.egressId());
      // Stopped: the egress will end and its egress_ended releases the lock; until then the room stays locked.
      log.warn("recording start timed out, egress stopped, lock kept until egress_ended roomId={} egressId={}",
          id.roomId(), id.egressId());
    } catch (LiveKitException e) {
      log.warn("recording start timed out and stopping the egress failed, releasing the lock roomId={} egressId={} "
          + "error={}", id.roomId(), id.egressId(), e.getMessage());
      releaseQuietly(id.roomId(), started.lock(), "start timed out and stop failed");
    }
    result.completeExceptionally(new RecordingException(RecordingException.Reason.START_TIMED_OUT, message));
  }

  private RecordingException endedWhileStarting(RecordingId id, Recording ended) {
    return new RecordingException(RecordingException.Reason.LIVEKIT_ERROR,
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

  // ------------------------------------------------------------------------------------------ stop

  /**
   * Asks LiveKit to stop an active recording. The final state is written by the {@code egress_ended} webhook (or the
   * reconciler), never by this call.
   *
   * @return the recording, status {@code ending}
   * @throws RecordingException RECORDING_NOT_FOUND, ALREADY_STOPPED, CANNOT_STOP_WHILE_STARTING, INVALID_ARGUMENT,
   *     LIVEKIT_ERROR, LIVEKIT_UNAVAILABLE, STORAGE_UNAVAILABLE
   */
  public Recording stop(String recordingId) {
    requireOpen();
    RecordingId id = parseId(recordingId);
    Recording recording = find(id).orElseThrow(() -> notFound(recordingId));
    switch (recording.status()) {
      case STARTING -> {
        stopQuietly(id.egressId());
        throw new RecordingException(RecordingException.Reason.CANNOT_STOP_WHILE_STARTING,
            "Recording '" + id + "' cannot be stopped while starting");
      }
      case ACTIVE -> {
        EgressInfo info;
        try {
          info = liveKit.stopEgress(id.egressId());
        } catch (LiveKitException e) {
          if (e.isNotFound() || "failed_precondition".equals(e.code())) {
            throw new RecordingException(RecordingException.Reason.ALREADY_STOPPED,
                "Recording '" + id + "' is already stopped", e);
          }
          throw liveKitFailure("Cannot stop recording '" + id + "'", e);
        }
        log.info("recording stopping roomId={} recordingId={}", id.roomId(), id);
        if (RecordingStatus.fromEgress(info.getStatus()).isTerminal()) {
          // The final state is written by egress_ended (or the reconciler), never by stop.
          return recording.withStatus(RecordingStatus.ENDING);
        }
        try {
          return states.applyEgress(id, info).recording();
        } catch (StorageException e) {
          // LiveKit stops anyway; the webhooks will store the outcome.
          return recording.withStatus(RecordingStatus.ENDING);
        }
      }
      default -> throw new RecordingException(RecordingException.Reason.ALREADY_STOPPED,
          "Recording '" + id + "' is already stopped");
    }
  }

  // ------------------------------------------------------------------------------------------ read

  /**
   * The recording, if it exists.
   *
   * @throws RecordingException INVALID_ARGUMENT for a malformed id, STORAGE_UNAVAILABLE
   */
  public Optional<Recording> get(String recordingId) {
    return find(parseId(recordingId));
  }

  /**
   * One page of recordings.
   *
   * @throws RecordingException INVALID_ARGUMENT for a bad page token, STORAGE_UNAVAILABLE
   */
  public RecordingPage list(RecordingQuery query) {
    try {
      return storage.list(query);
    } catch (InvalidPageTokenException e) {
      throw new RecordingException(RecordingException.Reason.INVALID_ARGUMENT,
          "nextPageToken is invalid: " + e.getMessage(), e);
    } catch (StorageException e) {
      throw storageFailure(e);
    }
  }

  /**
   * The recording's access secrets (for building access URLs); never part of the recording itself.
   */
  public Optional<RecordingSecrets> secrets(String recordingId) {
    RecordingId id = parseId(recordingId);
    try {
      return storage.secrets(id);
    } catch (StorageException e) {
      throw storageFailure(e);
    }
  }

  /**
   * Opens the media of a complete recording for streaming, whole or a byte range. Close the result.
   *
   * @throws RecordingException RECORDING_NOT_FOUND, NOT_STREAMABLE, INVALID_ARGUMENT, STORAGE_UNAVAILABLE
   * @throws RangeNotSatisfiableException when the range lies outside the media (416 with its size)
   */
  public MediaContent openMedia(String recordingId, @Nullable ByteRange range) {
    RecordingId id = parseId(recordingId);
    Recording recording = find(id).orElseThrow(() -> notFound(recordingId));
    if (!recording.status().isStreamable()) {
      throw new RecordingException(RecordingException.Reason.NOT_STREAMABLE,
          "Recording '" + id + "' is not streamable");
    }
    try {
      return storage.openMedia(id, range).orElseThrow(() -> new RecordingException(
          RecordingException.Reason.RECORDING_NOT_FOUND, "Media of recording '" + id + "' does not exist"));
    } catch (StorageException e) {
      throw storageFailure(e);
    }
  }

  // ------------------------------------------------------------------------------------------ delete

  /**
   * Deletes a stopped recording: metadata, secrets and media.
   *
   * @throws RecordingException RECORDING_NOT_FOUND, NOT_STOPPED, INVALID_ARGUMENT, STORAGE_UNAVAILABLE
   */
  public void delete(String recordingId) {
    requireOpen();
    RecordingId id = parseId(recordingId);
    Recording recording = find(id).orElseThrow(() -> notFound(recordingId));
    if (!recording.status().isTerminal()) {
      throw new RecordingException(RecordingException.Reason.NOT_STOPPED,
          "Recording '" + id + "' is not stopped yet");
    }
    try {
      if (!storage.delete(id)) {
        throw notFound(recordingId);
      }
    } catch (StorageException e) {
      throw storageFailure(e);
    }
    log.info("recording deleted roomId={} recordingId={}", id.roomId(), id);
  }

  /**
   * Deletes many recordings; each id is reported once (duplicates count once), deleted or failed with why.
   */
  public BulkDeleteResult deleteAll(Collection<String> recordingIds) {
    requireOpen();
    List<String> deleted = new ArrayList<>();
    List<BulkDeleteResult.Failure> failed = new ArrayList<>();
    List<RecordingId> deletable = new ArrayList<>();
    LinkedHashSet<RecordingId> seen = new LinkedHashSet<>();
    for (String raw : new LinkedHashSet<>(recordingIds)) {
      RecordingId id;
      try {
        id = RecordingId.parse(raw);
      } catch (IllegalArgumentException e) {
        failed.add(new BulkDeleteResult.Failure(raw, e.getMessage()));
        continue;
      }
      if (!seen.add(id)) {
        continue; // the same id written differently (padded): a duplicate counts once
      }
      try {
        Optional<Recording> recording = find(id);
        if (recording.isEmpty()) {
          failed.add(new BulkDeleteResult.Failure(raw, "Recording '" + id + "' not found"));
        } else if (!recording.get().status().isTerminal()) {
          failed.add(new BulkDeleteResult.Failure(raw, "Recording '" + id + "' is not stopped yet"));
        } else {
          deletable.add(id);
        }
      } catch (RecordingException e) {
        failed.add(new BulkDeleteResult.Failure(raw, e.getMessage()));
      }
    }
    if (!deletable.isEmpty()) {
      Map<RecordingId, @Nullable String> outcome;
      try {
        outcome = storage.deleteAll(deletable);
      } catch (StorageException e) {
        String error = storageFailure(e).getMessage();
        deletable.forEach(id -> failed.add(new BulkDeleteResult.Failure(id.toString(), error)));
        return new BulkDeleteResult(deleted, failed);
      }
      for (RecordingId id : deletable) {
        String error = outcome.get(id);
        if (error == null && outcome.containsKey(id)) {
          deleted.add(id.toString());
        } else {
          failed.add(new BulkDeleteResult.Failure(id.toString(), error == null ? "not deleted" : error));
        }
      }
    }
    return new BulkDeleteResult(deleted, failed);
  }

  // ------------------------------------------------------------------------------------------ webhooks

  /**
   * Handles one LiveKit webhook: verifies it against the raw bytes, applies egress events to their recording
   * (upsert, monotonic, idempotent), signals the waiting start, releases the active lock on the egress's end or the
   * room's, and says what to answer LiveKit.
   *
   * @param rawBody the request body exactly as received
   * @param authorization the {@code Authorization} header (LiveKit sends the bare JWT)
   */
  public WebhookOutcome handleWebhook(byte[] rawBody, @Nullable String authorization) {
    WebhookEvent event;
    try {
      event = webhookVerifier.verify(rawBody, authorization);
    } catch (WebhookRejectedException e) {
      // The caller may be anyone: it learns nothing about why; the operator does, without a flood of lines.
      rejectionLog.rejected(e);
      WebhookOutcome rejected = WebhookOutcome.rejected(WebhookOutcome.REJECTED_MESSAGE);
      observe(() -> observer.webhookHandled("unverified", rejected.kind()));
      return rejected;
    }
    WebhookOutcome outcome;
    try {
      outcome = switch (event.getEvent()) {
        case "egress_started", "egress_updated", "egress_ended" -> onEgress(event);
        case "room_finished" -> onRoomFinished(event);
        default -> WebhookOutcome.ignored("event " + event.getEvent() + " is not used");
      };
    } catch (StorageException | LockException | EventsException | LiveKitException e) {
      log.warn("LiveKit webhook not applied, LiveKit will retry event={} id={}: {}", event.getEvent(), event.getId(),
          e.getMessage());
      outcome = WebhookOutcome.retry(dependencyName(e) + " unavailable: " + e.getMessage());
    } catch (RuntimeException e) {
      // Not durable, so not 2xx: LiveKit retries, and the operator learns why.
      log.error("LiveKit webhook failed, LiveKit will retry event={} id={}", event.getEvent(), event.getId(), e);
      outcome = WebhookOutcome.retry("unexpected failure: " + e);
    }
    WebhookOutcome handled = outcome;
    observe(() -> observer.webhookHandled(event.getEvent(), handled.kind()));
    return handled;
  }

  private void observe(Runnable call) {
    Observers.quietly(call);
  }

  private WebhookOutcome onEgress(WebhookEvent event) {
    EgressInfo info = event.getEgressInfo();
    Optional<RecordingId> maybeId =
        EgressMapping.recordingIdOf(info, (room, uid) -> storage.mediaTarget(room, uid).filepath());
    if (maybeId.isEmpty()) {
      return WebhookOutcome.ignored("egress " + info.getEgressId() + " is not a recording of ours");
    }
    RecordingId id = maybeId.get();
    RecordingStates.Applied applied = states.applyEgress(id, info);
    RecordingStatus status = applied.recording().status();
    // Effects run even when nothing changed: a redelivery after a partial failure must complete them.
    if (status.isTerminal()) {
      releaseBoundLock(id);
    } else if (status != RecordingStatus.STARTING) {
      keepRoomLocked(id, status);
    }
    if (status != RecordingStatus.STARTING) {
      events.publish(new EgressSignal(id.egressId(), status));
    }
    return WebhookOutcome.processed(event.getEvent() + " applied to " + id + ": " + status.value()
        + (applied.changed() ? "" : " (unchanged)"));
  }

  /** Releases the room's lock only if it is bound to this egress (fencing: an old egress never frees a new lock). */
  /** What the reconciler's final state does: the same effects as an egress_ended webhook. */
  private void onReconciled(Recording ended) {
    RecordingId id = ended.id();
    releaseBoundLock(id);
    try {
      events.publish(new EgressSignal(id.egressId(), ended.status()));
    } catch (EventsException e) {
      log.warn("could not signal a reconciled recording recordingId={}: {}", id, e.getMessage());
    }
  }

  private void releaseBoundLock(RecordingId id) {
    Optional<LockValue> lock = locks.get(id.roomId());
    if (lock.isPresent() && id.egressId().equals(lock.get().egressId())) {
      if (locks.release(id.roomId(), lock.get())) {
        log.info("active lock released roomId={} egressId={} reason=egress ended", id.roomId(), id.egressId());
      }
    }
  }

  /**
   * An egress that is recording holds its room's lock: if the lock is gone (its start timed out and StopEgress
   * failed), it is taken again for this egress, so no second recording starts in the room until it ends.
   */
  private void keepRoomLocked(RecordingId id, RecordingStatus status) {
    Optional<LockValue> current = locks.get(id.roomId());
    if (current.isPresent()) {
      String holder = current.get().egressId();
      if (status == RecordingStatus.ACTIVE && holder != null && !holder.equals(id.egressId())) {
        // Another recording took the room while this egress was unguarded (its start timed out and StopEgress
        // failed): one active recording per room, so the unguarded one is stopped.
        log.warn("second egress recording in a locked room, stopping it roomId={} egressId={} lockHolder={}",
            id.roomId(), id.egressId(), holder);
        stopQuietly(id.egressId());
      }
      return;
    }
    LockValue value = new LockValue(UUID.randomUUID().toString(), id.egressId(), instanceId, clock.instant());
    if (locks.tryAcquire(id.roomId(), value, lockTtl)) {
      log.warn("active lock re-taken for a recording egress roomId={} egressId={}", id.roomId(), id.egressId());
    }
  }

  private WebhookOutcome onRoomFinished(WebhookEvent event) {
    String roomId = event.getRoom().getName();
    if (!RoomIds.isValid(roomId)) {
      return WebhookOutcome.ignored("room " + Texts.excerpt(roomId) + " is not one of ours");
    }
    Optional<LockValue> lock = locks.get(roomId);
    if (lock.isEmpty()) {
      return WebhookOutcome.processed("room " + roomId + " finished, no active lock");
    }
    String egressId = lock.get().egressId();
    if (egressId == null && lock.get().acquiredAt().isAfter(clock.instant().minus(collectorGrace))) {
      // A start between acquire and bind (a late room_finished of an earlier meeting): not ours to free.
      return WebhookOutcome.processed("room " + roomId + " finished, a start is in progress");
    }
    if (egressId != null) {
      Optional<EgressInfo> egress = liveKit.findEgress(egressId);
      if (egress.isPresent() && !RecordingStatus.fromEgress(egress.get().getStatus()).isTerminal()) {
        return WebhookOutcome.processed("room " + roomId + " finished, its egress " + egressId + " still runs");
      }
    }
    if (locks.release(roomId, lock.get())) {
      log.info("active lock released roomId={} egressId={} reason=room finished", roomId, egressId);
    }
    return WebhookOutcome.processed("room " + roomId + " finished, active lock released");
  }

  // ------------------------------------------------------------------------------------------ collectors

  /**
   * One run of the orphaned-lock collector: for each lock older than the grace period, releases it when its room no
   * longer exists in LiveKit or LiveKit reports no in-progress egress for it. Runs on one instance at a time; costs
   * one ListRooms, one ListEgress and a cursor scan, whatever the number of locks.
   */
  public CollectorRun collectOrphanedLocks() {
    return runAsLeader(LockCollector.TASK, new LockCollector(locks, liveKit, collectorGrace, clock)::run);
  }

  /**
   * One run of the stale-recording reconciler: recordings stored as starting/active/ending whose egress LiveKit no
   * longer reports in progress get their real final state (or aborted when LiveKit forgot the egress).
   */
  public CollectorRun reconcileStaleRecordings() {
    return runAsLeader(RecordingReconciler.TASK, new RecordingReconciler(storage, liveKit, locks, states,
        collectorGrace, clock, this::onReconciled)::run);
  }

  /**
   * Runs a collector if this instance leads its task. The lease outlives one interval, so a leader that keeps running
   * keeps it and a dead one loses it soon; a lock store outage skips the run (the next one retries).
   */
  private CollectorRun runAsLeader(String task, java.util.function.Supplier<CollectorRun> collector) {
    AtomicBoolean running = runningCollectors.computeIfAbsent(task, t -> new AtomicBoolean());
    if (!running.compareAndSet(false, true)) {
      // A run longer than the interval: the next one waits for the next tick rather than piling up.
      return CollectorRun.skipped();
    }
    CollectorRun run;
    try {
      run = locks.tryLead(task, instanceId, collectorInterval.multipliedBy(2)) ? collector.get()
          : CollectorRun.skipped();
    } catch (LockException e) {
      run = new CollectorRun(false, 0, 0, "lock store unavailable: " + e.getMessage());
    } finally {
      running.set(false);
    }
    CollectorRun done = run;
    observe(() -> observer.collectorRan(task, done));
    return done;
  }

  /** Runs both collectors every collector interval until {@link #stopSchedules()} or {@link #close()}. */
  public void startSchedules() {
    requireOpen();
    synchronized (scheduleLock) {
      if (!schedules.isEmpty()) {
        return;
      }
      long period = collectorInterval.toMillis();
      schedules.add(timers.scheduleWithFixedDelay(() -> workers.execute(() -> runQuietly(
          this::collectOrphanedLocks, LockCollector.TASK)), period, period, TimeUnit.MILLISECONDS));
      schedules.add(timers.scheduleWithFixedDelay(() -> workers.execute(() -> runQuietly(
          this::reconcileStaleRecordings, RecordingReconciler.TASK)), period, period, TimeUnit.MILLISECONDS));
      log.info("collectors scheduled every {} instanceId={}", collectorInterval, instanceId);
    }
  }

  public void stopSchedules() {
    synchronized (scheduleLock) {
      schedules.forEach(s -> s.cancel(false));
      schedules.clear();
    }
  }

  private void runQuietly(java.util.function.Supplier<CollectorRun> task, String name) {
    try {
      CollectorRun run = task.get();
      if (run.error() != null) {
        log.warn("{} paused: {}", name, run.error());
      }
    } catch (RuntimeException e) {
      log.warn("{} failed", name, e);
    }
  }

  // ------------------------------------------------------------------------------------------ lifecycle

  /** Stops schedules and threads at once; in-flight starts are rejected with CLOSED. Providers passed in stay open. */
  @Override
  public void close() {
    shutdown(Duration.ZERO);
  }

  /**
   * Graceful shutdown: new calls are refused with CLOSED at once, in-flight starts get up to {@code grace} to finish,
   * then the rest are rejected with CLOSED and their egresses are stopped (their {@code egress_ended}, on any
   * instance, releases the locks). Then schedules and threads stop.
   */
  public void shutdown(Duration grace) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    stopSchedules();
    if (!pendingStarts.isEmpty() && !grace.isZero()) {
      try {
        CompletableFuture.allOf(pendingStarts.toArray(CompletableFuture[]::new))
            .get(grace.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
        // failed starts were answered already; the rest are rejected below
      }
    }
    terminated.set(true);
    for (CompletableFuture<Recording> pending : List.copyOf(pendingStarts)) {
      pending.completeExceptionally(new RecordingException(RecordingException.Reason.CLOSED,
          "the recording manager shut down before the recording became active"));
    }
    // Their callers were told the start failed: their egresses must not go on recording. Their egress_ended (on
    // any instance) releases the locks.
    for (Map.Entry<String, CompletableFuture<Recording>> start : List.copyOf(waiting.entrySet())) {
      start.getValue().completeExceptionally(new RecordingException(RecordingException.Reason.CLOSED,
          "the recording manager shut down before the recording became active"));
      stopQuietly(start.getKey());
    }
    timers.shutdownNow();
    workers.shutdown();
    for (AutoCloseable resource : owned) {
      try {
        resource.close();
      } catch (Exception e) {
        log.warn("could not close {}", resource, e);
      }
    }
  }

  public boolean isClosed() {
    return closed.get();
  }

  // ------------------------------------------------------------------------------------------ helpers

  private Optional<Recording> find(RecordingId id) {
    try {
      return storage.find(id).map(StoredRecording::recording);
    } catch (StorageException e) {
      throw storageFailure(e);
    }
  }

  private static RecordingId parseId(String recordingId) {
    try {
      return RecordingId.parse(recordingId);
    } catch (IllegalArgumentException e) {
      throw new RecordingException(RecordingException.Reason.INVALID_ARGUMENT, e.getMessage(), e);
    }
  }

  private static RecordingException notFound(String recordingId) {
    return new RecordingException(RecordingException.Reason.RECORDING_NOT_FOUND,
        "Recording '" + recordingId.strip() + "' not found");
  }

  private void requireNotTerminated() {
    if (terminated.get()) {
      throw new RecordingException(RecordingException.Reason.CLOSED,
          "the recording manager shut down before the recording became active");
    }
  }

  private void requireOpen() {
    if (closed.get()) {
      throw new RecordingException(RecordingException.Reason.CLOSED, "the recording manager is closed");
    }
  }

  private void releaseQuietly(String roomId, LockValue value, String why) {
    try {
      if (locks.release(roomId, value)) {
        log.info("active lock released roomId={} reason={}", roomId, why);
      }
    } catch (LockException e) {
      log.warn("could not release the active lock roomId={} reason={}: {}; the collector will", roomId, why,
          e.getMessage());
    }
  }

  private void stopQuietly(String egressId) {
    try {
      liveKit.stopEgress(egressId);
    } catch (LiveKitException e) {
      log.info("stopping egress failed egressId={}: {}", egressId, e.getMessage());
    }
  }

  private static RecordingException startFailure(String roomId, LiveKitException e) {
    if (e.isNotFound()) {
      return new RecordingException(RecordingException.Reason.ROOM_NOT_FOUND,
          "Room '" + roomId + "' does not exist", e);
    }
    return liveKitFailure("Cannot start a recording in room '" + roomId + "'", e);
  }

  private static RecordingException liveKitFailure(String what, LiveKitException e) {
    return new RecordingException(e.isUnreachable() ? RecordingException.Reason.LIVEKIT_UNAVAILABLE
        : RecordingException.Reason.LIVEKIT_ERROR, what + ": " + e.getMessage(), e);
  }

  private static RecordingException storageFailure(StorageException e) {
    return new RecordingException(RecordingException.Reason.STORAGE_UNAVAILABLE,
        "The recording storage is unavailable: " + e.getMessage(), e);
  }

  private static String dependencyName(RuntimeException e) {
    if (e instanceof StorageException) {
      return "storage";
    }
    if (e instanceof LiveKitException) {
      return "LiveKit";
    }
    return "Redis";
  }

  /** Every failure leaves the manager as a RecordingException with the dependency named. */
  static RecordingException unwrap(Throwable e) {
    Throwable cause = e;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof RecordingException re) {
      return re;
    }
    if (cause instanceof IllegalArgumentException iae) {
      return new RecordingException(RecordingException.Reason.INVALID_ARGUMENT, iae.getMessage(), iae);
    }
    if (cause instanceof StorageException se) {
      return storageFailure(se);
    }
    if (cause instanceof LockException le) {
      return new RecordingException(RecordingException.Reason.LOCK_STORE_UNAVAILABLE,
          "The lock store (Redis) is unavailable: " + le.getMessage(), le);
    }
    if (cause instanceof EventsException ee) {
      return new RecordingException(RecordingException.Reason.LOCK_STORE_UNAVAILABLE,
          "The signal transport (Redis) is unavailable: " + ee.getMessage(), ee);
    }
    if (cause instanceof LiveKitException lk) {
      return liveKitFailure("LiveKit call failed", lk);
    }
    if (cause instanceof java.util.concurrent.RejectedExecutionException) {
      return new RecordingException(RecordingException.Reason.CLOSED, "the recording manager is closed", cause);
    }
    return new RecordingException(RecordingException.Reason.INTERNAL_ERROR, "unexpected failure: " + cause, cause);
  }

  private static EncodedFileOutput fileOutput(MediaTarget target) {
    EncodedFileOutput.Builder file = EncodedFileOutput.newBuilder()
        .setFileType(EncodedFileType.MP4)
        .setFilepath(target.filepath());
    MediaTarget.S3Upload s3 = target.s3();
    if (s3 != null) {
      S3Upload.Builder upload = S3Upload.newBuilder()
          .setAccessKey(s3.accessKey())
          .setSecret(s3.secret())
          .setRegion(s3.region())
          .setBucket(s3.bucket())
          .setForcePathStyle(s3.forcePathStyle());
      if (s3.endpoint() != null) {
        upload.setEndpoint(s3.endpoint().toString());
      }
      file.setS3(upload);
    }
    return file.build();
  }

  private static LiveKitGateway.EncodingChoice encodingChoice(RecordingEncoding encoding) {
    String preset = encoding.presetName();
    if (preset != null) {
      return LiveKitGateway.EncodingChoice.preset(EncodingOptionsPreset.valueOf(preset));
    }
    RecordingEncoding.Options options = Objects.requireNonNull(encoding.options());
    EncodingOptions.Builder advanced = EncodingOptions.newBuilder()
        .setWidth(options.video().width())
        .setHeight(options.video().height())
        .setFramerate(options.video().framerate())
        .setVideoBitrate(options.video().bitrate())
        .setKeyFrameInterval(options.video().keyFrameInterval())
        .setAudioBitrate(options.audio().bitrate())
        .setAudioFrequency(options.audio().frequency());
    if (options.video().depth() != null) {
      advanced.setDepth(options.video().depth());
    }
    return LiveKitGateway.EncodingChoice.advanced(advanced.build());
  }

  private static ThreadFactory daemonThreads(String name) {
    AtomicInteger counter = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, name + "-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /**
   * Builds a manager. Only the LiveKit connection is required; the rest defaults to the single-instance embedded
   * setup: in-memory lock and signals, recordings in a local directory.
   */
  public static final class Builder {
    private @Nullable LiveKitSettings liveKitSettings;
    private @Nullable LiveKitGateway liveKitGateway;
    private @Nullable LiveKitWebhookVerifier webhookVerifier;
    private @Nullable RecordingLockProvider lockProvider;
    private @Nullable RecordingStorage storage;
    private @Nullable RecordingEvents events;
    private @Nullable RoomPolicy roomPolicy;
    private String instanceId = defaultInstanceId();
    private Duration startTimeout = Duration.ofSeconds(30);
    private Duration lockTtl = Duration.ofHours(6);
    private Duration collectorInterval = Duration.ofMinutes(1);
    private @Nullable Duration collectorGrace;
    private Duration webhookLeeway = Duration.ofSeconds(60);
    private final Map<String, String> extraWebhookKeys = new LinkedHashMap<>();
    private Clock clock = Clock.systemUTC();
    private final List<RecordingListener> listeners = new ArrayList<>();
    private RecordingObserver observer = RecordingObserver.NONE;

    private Builder() {}

    /** Told about starts, webhooks and collector runs (metrics). */
    public Builder observer(RecordingObserver value) {
      this.observer = Objects.requireNonNull(value, "observer");
      return this;
    }

    /** The LiveKit server (URL, API key and secret): the SDK gateway, webhook verification and room policy. */
    public Builder liveKit(LiveKitSettings settings) {
      this.liveKitSettings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /** A gateway of your own instead of the SDK one (the settings still verify webhooks). */
    public Builder liveKitGateway(LiveKitGateway gateway) {
      this.liveKitGateway = Objects.requireNonNull(gateway, "gateway");
      return this;
    }

    public Builder lockProvider(RecordingLockProvider provider) {
      this.lockProvider = Objects.requireNonNull(provider, "provider");
      return this;
    }

    public Builder storage(RecordingStorage recordingStorage) {
      this.storage = Objects.requireNonNull(recordingStorage, "storage");
      return this;
    }

    /** Recordings in a local directory (the egress must write its files there too). */
    public Builder localStorage(Path directory) {
      return storage(new LocalRecordingStorage(directory, StorageLayout.defaults()));
    }

    public Builder events(RecordingEvents recordingEvents) {
      this.events = Objects.requireNonNull(recordingEvents, "events");
      return this;
    }

    public Builder roomPolicy(RoomPolicy policy) {
      this.roomPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    public Builder listener(RecordingListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** This instance's name in the locks it takes; hostname, pid and a random suffix by default. */
    public Builder instanceId(String id) {
      if (id == null || !id.matches("[A-Za-z0-9_.:-]{1,128}")) {
        throw new IllegalArgumentException("instanceId must match [A-Za-z0-9_.:-]{1,128}, was " + Texts.excerpt(id));
      }
      this.instanceId = id;
      return this;
    }

    /** How long a start waits for its egress to become active; 30 s by default. */
    public Builder startTimeout(Duration timeout) {
      this.startTimeout = positive(timeout, "startTimeout");
      return this;
    }

    /** How long an active lock lives at most (the last safety net); 6 h by default. */
    public Builder lockTtl(Duration ttl) {
      this.lockTtl = positive(ttl, "lockTtl");
      return this;
    }

    /** How often the collectors run; 1 min by default. */
    public Builder collectorInterval(Duration interval) {
      this.collectorInterval = positive(interval, "collectorInterval");
      return this;
    }

    /** How old a lock or recording must be before the collectors touch it; start timeout + 30 s by default. */
    public Builder collectorGrace(Duration grace) {
      this.collectorGrace = positive(grace, "collectorGrace");
      return this;
    }

    /** Clock skew allowed on webhook tokens; 60 s by default. */
    public Builder webhookLeeway(Duration leeway) {
      if (leeway.isNegative()) {
        throw new IllegalArgumentException("webhookLeeway must not be negative, was " + leeway);
      }
      this.webhookLeeway = leeway;
      return this;
    }

    /**
     * Another API key whose webhooks are accepted besides the one of {@link #liveKit(LiveKitSettings)}, for key
     * rotation: LiveKit never retries a 401, so while it moves to a new key both must verify or events are lost.
     */
    public Builder additionalWebhookKey(String apiKey, String apiSecret) {
      if (apiKey == null || apiKey.isBlank()) {
        throw new IllegalArgumentException("additionalWebhookKey apiKey must not be blank");
      }
      if (apiSecret == null || apiSecret.isBlank()) {
        throw new IllegalArgumentException("additionalWebhookKey apiSecret must not be blank");
      }
      extraWebhookKeys.put(apiKey, apiSecret);
      return this;
    }

    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /**
     * @throws IllegalStateException naming what is missing or inconsistent
     */
    public RecordingManager build() {
      if (liveKitSettings == null) {
        throw new IllegalStateException("liveKit(settings) is required: the LiveKit URL, API key and secret");
      }
      Duration grace = collectorGrace == null ? startTimeout.plusSeconds(30) : collectorGrace;
      if (grace.compareTo(startTimeout) <= 0) {
        throw new IllegalStateException("collectorGrace (" + grace + ") must be longer than startTimeout ("
            + startTimeout + "), or the collector could free the lock of a start still waiting");
      }
      this.collectorGrace = grace;
      List<AutoCloseable> owned = new ArrayList<>();
      LiveKitGateway gateway = liveKitGateway;
      if (gateway == null) {
        LiveKitSdkGateway sdk = new LiveKitSdkGateway(liveKitSettings);
        owned.add(sdk);
        gateway = sdk;
      }
      RecordingEvents signals = events;
      if (signals == null) {
        signals = new InMemoryRecordingEvents();
        owned.add(signals);
      }
      RecordingLockProvider lockStore = lockProvider;
      if (lockStore == null) {
        log.warn("no lock provider configured: using the in-memory one, which is correct for a single instance only");
        lockStore = new InMemoryRecordingLockProvider();
      }
      if (storage == null) {
        throw new IllegalStateException("storage is required: storage(...) or localStorage(directory)");
      }
      Map<String, String> webhookKeys = new LinkedHashMap<>(extraWebhookKeys);
      webhookKeys.put(liveKitSettings.apiKey(), liveKitSettings.apiSecret());
      return new RecordingManager(this, gateway, new LiveKitWebhookVerifier(webhookKeys, webhookLeeway),
          lockStore, storage, signals, roomPolicy == null ? new LiveKitRoomPolicy(gateway) : roomPolicy, owned);
    }

    private static Duration positive(Duration value, String field) {
      if (value == null || value.isZero() || value.isNegative()) {
        throw new IllegalArgumentException(field + " must be a positive duration, was " + value);
      }
      return value;
    }

    private static String defaultInstanceId() {
      String host;
      try {
        host = java.net.InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9_.-]", "_");
      } catch (java.net.UnknownHostException e) {
        host = "host";
      }
      if (host.length() > 60) {
        host = host.substring(0, 60);
      }
      return host + ":" + ProcessHandle.current().pid() + ":" + UUID.randomUUID().toString().substring(0, 8);
    }
  }
}
