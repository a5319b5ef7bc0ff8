package dev.meet.core.engine;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import dev.meet.core.BulkDeleteResult;
import dev.meet.core.CollectorRun;
import dev.meet.core.Recording;
import dev.meet.core.RecordingException;
import dev.meet.core.RecordingId;
import dev.meet.core.RecordingListener;
import dev.meet.core.RecordingObserver;
import dev.meet.core.RoomIds;
import dev.meet.core.StartOptions;
import dev.meet.core.WebhookOutcome;
import dev.meet.core.events.RecordingEvents;
import dev.meet.core.events.inmemory.InMemoryRecordingEvents;
import dev.meet.core.livekit.LiveKitEvent;
import dev.meet.core.livekit.LiveKitGateway;
import dev.meet.core.livekit.LiveKitRoomPolicy;
import dev.meet.core.livekit.LiveKitSdkGateway;
import dev.meet.core.livekit.LiveKitSettings;
import dev.meet.core.livekit.LiveKitWebhookVerifier;
import dev.meet.core.livekit.RoomPolicy;
import dev.meet.core.lock.RecordingLockProvider;
import dev.meet.core.lock.inmemory.InMemoryRecordingLockProvider;
import dev.meet.core.storage.ByteRange;
import dev.meet.core.storage.InvalidPageTokenException;
import dev.meet.core.storage.MediaContent;
import dev.meet.core.storage.RangeNotSatisfiableException;
import dev.meet.core.storage.RecordingPage;
import dev.meet.core.storage.RecordingQuery;
import dev.meet.core.storage.RecordingSecrets;
import dev.meet.core.storage.RecordingStorage;
import dev.meet.core.storage.StorageException;
import dev.meet.core.storage.StorageLayout;
import dev.meet.core.storage.local.LocalRecordingStorage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
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
 *
 * <p>A thin facade: the start flow ({@link StartFlow}, {@link StartWait}), webhooks ({@link WebhookHandler},
 * {@link LockEffects}), deletion ({@link Deletion}) and the collectors ({@link CollectorSchedule}) live in their own
 * units.
 */
public final class RecordingManager implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RecordingManager.class);

  private final ManagerSettings settings;
  // The collaborators it was built with (the units below hold what each needs).
  private final LiveKitGateway liveKit;
  private final RecordingLockProvider locks;
  private final RecordingEvents events;
  private final RecordingStorage storage;
  private final RecordingStates states;
  private final StartFlow starts;
  private final WebhookHandler webhooks;
  private final Deletion deletion;
  private final CollectorSchedule collectors;
  private final ExecutorService workers;
  private final ScheduledExecutorService timers;
  private final List<AutoCloseable> owned;
  private final AtomicBoolean closed = new AtomicBoolean();

  private RecordingManager(ManagerSettings settings, LiveKitGateway liveKit, LiveKitWebhookVerifier verifier,
      RecordingLockProvider locks, RecordingStorage storage, RecordingEvents events, RoomPolicy roomPolicy,
      List<LiveKitEventListener> liveKitEventListeners, List<AutoCloseable> owned) {
    this.settings = settings;
    this.liveKit = liveKit;
    this.locks = locks;
    this.events = events;
    this.storage = storage;
    this.workers = Executors.newCachedThreadPool(daemonThreads("meet-recording-" + settings.instanceId()));
    this.timers = Executors.newSingleThreadScheduledExecutor(daemonThreads("meet-timer-" + settings.instanceId()));
    this.owned = List.copyOf(owned);
    this.states = new RecordingStates(storage, settings.listeners(), settings.clock(), settings.tombstoneRetention(),
        settings.webhookDeadline());
    Cleanup cleanup = new Cleanup(liveKit, locks);
    LockEffects lockEffects = new LockEffects(settings, locks, liveKit, events, cleanup);
    this.starts = new StartFlow(settings, liveKit, locks, storage, events, roomPolicy, states, cleanup, workers,
        timers);
    this.webhooks = new WebhookHandler(verifier, storage, states, lockEffects, events, settings.observer(),
        liveKitEventListeners);
    this.deletion = new Deletion(storage, states);
    this.collectors = new CollectorSchedule(settings, locks,
        new LockCollector(locks, liveKit, settings.lockTtl(), settings.collectorGrace(), settings.clock()),
        new RecordingReconciler(storage, liveKit, states, settings.collectorGrace(), settings.clock(),
            lockEffects::reconciled),
        workers, timers);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** This instance's id, written into the locks it takes. */
  public String instanceId() {
    return settings.instanceId();
  }

  /**
   * Starts recording a room and waits until the recording is active (at most the start timeout).
   *
   * @throws RecordingException ROOM_NOT_FOUND, RECORDING_DISABLED, NO_PARTICIPANTS, ALREADY_RECORDING,
   *     START_TIMED_OUT, LIVEKIT_ERROR, LIVEKIT_UNAVAILABLE, LOCK_STORE_UNAVAILABLE, STORAGE_UNAVAILABLE,
   *     INVALID_ARGUMENT, CLOSED
   */
  public Recording start(String roomId, StartOptions options) {
    CompletableFuture<Recording> start = startAsync(roomId, options);
    try {
      return start.get();
    } catch (InterruptedException e) {
      // Nobody waits any more: the start is cancelled like a cancelled future (its egress stopped).
      start.cancel(false);
      Thread.currentThread().interrupt();
      throw new RecordingException(RecordingException.Reason.CANCELLED,
          "Interrupted while starting a recording in room '" + roomId + "'; its egress was stopped", e);
    } catch (ExecutionException e) {
      throw Failures.unwrap(e.getCause());
    }
  }

  /**
   * Like {@link #start}, without blocking: the future completes when the recording is active, or exceptionally
   * with a {@link RecordingException}. No thread waits while the egress starts. Cancelling the future stops the
   * egress it started (the lock is released, or kept until that egress's {@code egress_ended}).
   */
  public CompletableFuture<Recording> startAsync(String roomId, StartOptions options) {
    Objects.requireNonNull(options, "options");
    try {
      requireOpen();
      RoomIds.require(roomId, "roomId");
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(Failures.unwrap(e));
    }
    long startedAt = System.nanoTime();
    return starts.start(roomId, options, (recording, failure) -> settings.observer().startFinished(roomId,
        failure == null ? null : failure.reason(), Duration.ofNanos(System.nanoTime() - startedAt)));
  }

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
    return Stopping.stop(Failures.parseId(recordingId), recordingId, liveKit, states, settings.observer());
  }

  /**
   * The recording, if it exists.
   *
   * @throws RecordingException INVALID_ARGUMENT for a malformed id, STORAGE_UNAVAILABLE
   */
  public Optional<Recording> get(String recordingId) {
    return states.find(Failures.parseId(recordingId));
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
      throw Failures.storage(e);
    }
  }

  /** The recording's access secrets (for building access URLs); never part of the recording itself. */
  public Optional<RecordingSecrets> secrets(String recordingId) {
    RecordingId id = Failures.parseId(recordingId);
    try {
      return storage.secrets(id);
    } catch (StorageException e) {
      throw Failures.storage(e);
    }
  }

  /**
   * Opens the media of a complete recording for streaming, whole or a byte range. Close the result.
   *
   * @throws RecordingException RECORDING_NOT_FOUND, NOT_STREAMABLE, INVALID_ARGUMENT, STORAGE_UNAVAILABLE
   * @throws RangeNotSatisfiableException when the range lies outside the media (416 with its size)
   */
  public MediaContent openMedia(String recordingId, @Nullable ByteRange range) {
    RecordingId id = Failures.parseId(recordingId);
    Recording recording = states.find(id).orElseThrow(() -> Failures.notFound(recordingId));
    if (!recording.status().isStreamable()) {
      throw new RecordingException(RecordingException.Reason.NOT_STREAMABLE,
          "Recording '" + id + "' is not streamable");
    }
    try {
      return storage.openMedia(id, range).orElseThrow(() -> new RecordingException(
          RecordingException.Reason.RECORDING_NOT_FOUND, "Media of recording '" + id + "' does not exist"));
    } catch (StorageException e) {
      throw Failures.storage(e);
    }
  }

  /**
   * Deletes a stopped recording: metadata, secrets and media.
   *
   * @throws RecordingException RECORDING_NOT_FOUND, NOT_STOPPED, INVALID_ARGUMENT, STORAGE_UNAVAILABLE
   */
  public void delete(String recordingId) {
    requireOpen();
    deletion.delete(recordingId);
  }

  /** Deletes many recordings; each id is reported once (duplicates count once), deleted or failed with why. */
  public BulkDeleteResult deleteAll(Collection<String> recordingIds) {
    requireOpen();
    return deletion.deleteAll(recordingIds);
  }

  /**
   * Handles one LiveKit webhook: verifies it against the raw bytes, applies egress events to their recording
   * (upsert, monotonic, idempotent), signals the waiting start, releases the active lock on the egress's end or the
   * room's, and says what to answer LiveKit.
   *
   * @param rawBody the request body exactly as received
   * @param authorization the {@code Authorization} header (LiveKit sends the bare JWT)
   * @return within the webhook deadline (5 s by default): 503 when the handling took longer
   */
  public WebhookOutcome handleWebhook(byte[] rawBody, @Nullable String authorization) {
    return webhooks.handle(rawBody, authorization, workers, settings.webhookDeadline());
  }

  /**
   * One run of the orphaned-lock collector: for each lock older than the grace period, releases it when its room no
   * longer exists in LiveKit or LiveKit reports no in-progress egress for it. Runs on one instance at a time; costs
   * one ListRooms, one ListEgress and a cursor scan, whatever the number of locks.
   */
  public CollectorRun collectOrphanedLocks() {
    return closed.get() ? CollectorRun.skipped() : collectors.collectOrphanedLocks();
  }

  /**
   * One run of the stale-recording reconciler: recordings stored as starting/active/ending whose egress LiveKit no
   * longer reports in progress get their real final state (or aborted when LiveKit forgot the egress). It walks the
   * storage's index of unfinished recordings, so its cost does not grow with the finished ones; its first run on a
   * storage without that index builds it.
   */
  public CollectorRun reconcileStaleRecordings() {
    return closed.get() ? CollectorRun.skipped() : collectors.reconcileStaleRecordings();
  }

  /**
   * Rebuilds the storage's index of unfinished recordings from the recordings themselves (reads every recording
   * once): after metadata was restored from a backup or copied in by hand, or after a rolling upgrade from a version
   * without the index once no old instance writes any more. Safe while instances run.
   *
   * @return how many entries were added
   * @throws RecordingException STORAGE_UNAVAILABLE when the storage fails
   */
  public int rebuildUnfinishedIndex() {
    requireOpen();
    try {
      return storage.rebuildUnfinishedIndex();
    } catch (StorageException e) {
      throw Failures.storage(e);
    }
  }

  /** Runs both collectors every collector interval until {@link #stopSchedules()} or {@link #close()}. */
  public void startSchedules() {
    requireOpen();
    collectors.start();
  }

  public void stopSchedules() {
    collectors.stop();
  }

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
    starts.awaitPending(grace);
    starts.terminate();
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

  private void requireOpen() {
    if (closed.get()) {
      throw Failures.closed();
    }
  }

  private static ThreadFactory daemonThreads(String name) {
    return new ThreadFactoryBuilder().setNameFormat(name.replace("%", "%%") + "-%d").setDaemon(true).build();
  }

  /**
   * Told about every verified LiveKit webhook, on the thread that handles it and within the webhook deadline, after
   * the manager applied it (whatever its own outcome); a rejected webhook never reaches it. Its effect is meant to be
   * durable: when it throws, LiveKit is answered 503 and redelivers, so it must be idempotent (a redelivery, or the
   * same webhook at another instance, must change nothing twice). Throw {@link IllegalArgumentException} for a webhook
   * it can never apply: that is logged and does not change the answer.
   */
  @FunctionalInterface
  public interface LiveKitEventListener {
    /**
     * @param verified the webhook, verified against its raw bytes and the API secret
     */
    void onLiveKitEvent(LiveKitEvent verified);
  }

  /**
   * Builds a manager. Only the LiveKit connection and the storage are required; the rest defaults to the
   * single-instance embedded setup: in-memory lock and signals. {@link #build()} validates the settings as a whole,
   * never changes the builder, and may be called again after changing it.
   */
  public static final class Builder {
    private @Nullable LiveKitSettings liveKitSettings;
    private @Nullable LiveKitGateway liveKitGateway;
    private @Nullable RecordingLockProvider lockProvider;
    private @Nullable RecordingStorage storage;
    private @Nullable RecordingEvents events;
    private @Nullable RoomPolicy roomPolicy;
    private @Nullable String instanceId;
    private Duration startTimeout = Duration.ofSeconds(30);
    private Duration lockTtl = Duration.ofHours(6);
    private Duration collectorInterval = Duration.ofMinutes(1);
    private @Nullable Duration collectorGrace;
    private Duration webhookLeeway = Duration.ofSeconds(60);
    private Duration tombstoneRetention = Duration.ofHours(24);
    private Duration webhookDeadline = Duration.ofSeconds(5);
    private final Map<String, String> additionalWebhookKeys = new LinkedHashMap<>();
    private Clock clock = Clock.systemUTC();
    private final List<RecordingListener> listeners = new ArrayList<>();
    private final List<LiveKitEventListener> liveKitEventListeners = new ArrayList<>();
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

    /**
     * Told about every LiveKit webhook {@link #handleWebhook} verified (room, participant, egress, track ...), after
     * the manager applied it, without a second verification: e.g. {@code LiveKitRoomWebhooks::onLiveKitWebhook} for
     * meeting and participant events. See {@link LiveKitEventListener} for how its failures change LiveKit's answer.
     */
    public Builder liveKitEventListener(LiveKitEventListener listener) {
      liveKitEventListeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** This instance's name in the locks it takes; host name, pid and a random suffix by default. */
    public Builder instanceId(String id) {
      if (id == null || !id.matches("[A-Za-z0-9_.:-]{1,128}")) {
        // The value is not echoed: it may be long or hold control characters.
        throw new IllegalArgumentException("instanceId must match [A-Za-z0-9_.:-]{1,128}");
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

    /**
     * How old a lock or recording must be before the collectors touch it; start timeout + 30 s by default (or more
     * when the LiveKit call timeout needs it). It must exceed the LiveKit call timeout + the start timeout + 2 s, so
     * the collector never frees the lock of a start still talking to LiveKit or waiting for its egress; and be
     * shorter than the lock lifetime.
     */
    public Builder collectorGrace(Duration grace) {
      this.collectorGrace = positive(grace, "collectorGrace");
      return this;
    }

    /** Clock skew allowed on webhook tokens; 60 s by default. */
    public Builder webhookLeeway(Duration leeway) {
      if (leeway == null || leeway.isNegative()) {
        throw new IllegalArgumentException("webhookLeeway must not be negative, was " + leeway);
      }
      this.webhookLeeway = leeway;
      return this;
    }

    /**
     * How long handling one webhook may take; past it LiveKit is answered 503 and redelivers (its sender has no
     * timeout, so a slow dependency would otherwise stall its queue); 5 s by default.
     */
    public Builder webhookDeadline(Duration deadline) {
      this.webhookDeadline = positive(deadline, "webhookDeadline");
      return this;
    }

    /**
     * How long a deleted recording's tombstone keeps late egress updates from recreating it; 24 h by default. LiveKit
     * drops webhook events older than 30 s from its queue, so hours are plenty.
     */
    public Builder tombstoneRetention(Duration retention) {
      this.tombstoneRetention = positive(retention, "tombstoneRetention");
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
      additionalWebhookKeys.put(apiKey, apiSecret);
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
      if (storage == null) {
        throw new IllegalStateException("storage is required: storage(...) or localStorage(directory)");
      }
      ManagerSettings settings = new ManagerSettings(
          instanceId != null ? instanceId : defaultInstanceId(), startTimeout, lockTtl, collectorInterval,
          collectorGrace != null ? collectorGrace
              : ManagerSettings.defaultCollectorGrace(liveKitSettings.callTimeout(), startTimeout),
          liveKitSettings.callTimeout(), webhookLeeway, webhookDeadline,
          tombstoneRetention, clock, listeners,
          observer);
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
      String conflicting = additionalWebhookKeys.get(liveKitSettings.apiKey());
      if (conflicting != null && !conflicting.equals(liveKitSettings.apiSecret())) {
        throw new IllegalStateException("additionalWebhookKey names the LiveKit API key '" + liveKitSettings.apiKey()
            + "' with another secret: one key has one secret");
      }
      Map<String, String> webhookKeys = new LinkedHashMap<>(additionalWebhookKeys);
      webhookKeys.put(liveKitSettings.apiKey(), liveKitSettings.apiSecret());
      LiveKitWebhookVerifier verifier = new LiveKitWebhookVerifier(webhookKeys, webhookLeeway);
      return new RecordingManager(settings, gateway, verifier, lockStore, storage, signals,
          roomPolicy == null ? new LiveKitRoomPolicy(gateway) : roomPolicy, liveKitEventListeners, owned);
    }

    private static Duration positive(Duration value, String field) {
      if (value == null || value.isZero() || value.isNegative()) {
        throw new IllegalArgumentException(field + " must be a positive duration, was " + value);
      }
      return value;
    }

    /** Host name (from the environment: no DNS lookup, which can hang on a misconfigured host), pid, random. */
    private static String defaultInstanceId() {
      String host = Objects.requireNonNullElse(System.getenv("HOSTNAME"), "host").replaceAll("[^A-Za-z0-9_.-]", "_");
      if (host.isEmpty()) {
        host = "host";
      }
      if (host.length() > 60) {
        host = host.substring(0, 60);
      }
      return host + ":" + ProcessHandle.current().pid() + ":" + UUID.randomUUID().toString().substring(0, 8);
    }
  }
}
