package dev.meet.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.meet.core.CollectorRun;
import dev.meet.core.Recording;
import dev.meet.core.RecordingEncoding;
import dev.meet.core.RecordingException;
import dev.meet.core.RecordingId;
import dev.meet.core.RecordingStatus;
import dev.meet.core.StartOptions;
import dev.meet.core.livekit.EgressState;
import dev.meet.core.livekit.LiveKitGateway;
import dev.meet.core.livekit.LiveKitParticipant;
import dev.meet.core.livekit.LiveKitRoom;
import dev.meet.core.livekit.LiveKitSdkGateway;
import dev.meet.core.livekit.LiveKitSettings;
import dev.meet.core.storage.MediaTarget;
import dev.meet.core.storage.RecordingMetadata;
import dev.meet.core.storage.RecordingQuery;
import dev.meet.core.storage.RecordingSecrets;
import dev.meet.core.storage.RecordingStorage;
import dev.meet.core.storage.StorageLayout;
import dev.meet.core.storage.UnfinishedRecording;
import dev.meet.core.storage.s3.S3RecordingStorage;
import dev.meet.core.support.RecordingJson;
import dev.meet.core.testing.RecordingSystem;
import dev.meet.core.testing.TestS3;
import dev.meet.testkit.redis.RedisServer;
import dev.meet.testkit.redis.RedisServerExtension;
import dev.meet.testkit.s3.S3ProxyExtension;
import dev.meet.testkit.s3.S3Server;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The reconciler walks the storage's index of unfinished recordings: its cost does not grow with the finished
 * history, it keeps the index clean, builds it on a storage that never had one, and stops when another instance
 * takes its lead in the middle of a long run.
 */
@ExtendWith({RedisServerExtension.class, S3ProxyExtension.class})
class UnfinishedIndexReconcilerTest {

  private final RequestCounter requests = new RequestCounter();
  private RecordingSystem system;
  private S3Client countedClient;
  private StorageLayout layout;
  private RecordingStorage storage;

  @BeforeEach
  void start(RedisServer redis, S3Server s3) {
    system = new RecordingSystem(redis, s3);
    countedClient = TestS3.client(s3, requests);
    // A prefix of its own: the count must not see other tests' recordings in the shared bucket.
    layout = new StorageLayout("index-" + UUID.randomUUID() + "/");
    storage = new S3RecordingStorage(countedClient, s3.bucket(), layout);
    system.livekit().addParticipant("room-1", "alice", true);
  }

  @AfterEach
  void stop() {
    system.close();
    countedClient.close();
  }

  private RecordingManager manager(String instanceId) {
    return system.newManager(instanceId, b -> b.storage(storage));
  }

  /** An unfinished recording stored as an instance would have, for an egress LiveKit has never heard of. */
  private RecordingId storeUnfinished(RecordingStatus status, Instant startedAt) {
    RecordingId id = new RecordingId("room-1", "EG_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12),
        RecordingId.newUid());
    Recording recording = new Recording(id.toString(), "room-1", "room-1", status, "grid", RecordingEncoding.DEFAULT,
        id.mediaBaseName() + ".mp4", startedAt.toEpochMilli(), null, null, null, null, null, null);
    assertThat(storage.create(new RecordingMetadata(recording, 0, startedAt.toEpochMilli()),
        RecordingSecrets.generate())).isPresent();
    return id;
  }

  private static RecordingMetadata finished(RecordingId id) {
    return new RecordingMetadata(Recording.starting(id, "room", "grid", RecordingEncoding.DEFAULT)
        .withStatus(RecordingStatus.COMPLETE), 1, 1);
  }

  private List<RecordingId> unfinished() {
    return storage.listUnfinished(null).entries().stream().map(UnfinishedRecording::id).toList();
  }

  @Test
  @Timeout(180)
  void aRunMakesTheSameStorageRequestsWithTenThousandFinishedRecordingsStoredAsWithNone() throws Exception {
    RecordingManager manager = manager("instance-a");
    Recording active = manager.start("room-1", StartOptions.defaults());
    // LiveKit does not know it, and it is within the grace whatever time the test takes.
    storeUnfinished(RecordingStatus.ACTIVE, Instant.now().plus(Duration.ofHours(1)));
    manager.reconcileStaleRecordings(); // builds the index on this new storage
    requests.reset();

    CollectorRun withoutHistory = manager.reconcileStaleRecordings();
    Map<String, Long> costWithoutHistory = requests.snapshot();

    storeFinishedRecordings(10_000);
    requests.reset();
    CollectorRun withHistory = manager.reconcileStaleRecordings();
    Map<String, Long> costWithHistory = requests.snapshot();

    assertThat(withHistory).isEqualTo(withoutHistory).isEqualTo(new CollectorRun(true, 2, 0, null));
    assertThat(costWithHistory).isEqualTo(costWithoutHistory);
    // One page of the index and the one stale candidate's metadata; the recording being recorded costs nothing
    // (LiveKit reports its egress in progress), and whether the index is built was read once, by the first run.
    assertThat(costWithHistory).isEqualTo(Map.of("ListObjectsV2", 1L, "GetObject", 1L));
    assertThat(manager.get(active.recordingId()).orElseThrow().status()).isEqualTo(RecordingStatus.ACTIVE);
  }

  /**
   * Finished recordings, metadata and secrets written straight into the S3 server's store (what {@code create} writes
   * for a finished recording, without 20,000 requests' worth of setup).
   */
  private void storeFinishedRecordings(int count) {
    for (int i = 0; i < count; i++) {
      RecordingId id = new RecordingId("room-" + (i % 50), "EG_Finished" + String.format("%05d", i),
          RecordingId.newUid());
      system.s3().seed(layout.metadataKey(id), RecordingJson.writeMetadata(finished(id)));
      system.s3().seed(layout.secretsKey(id), RecordingJson.writeSecrets(RecordingSecrets.generate()));
    }
    assertThat(storage.list(new RecordingQuery(null, RecordingStatus.COMPLETE, 1, null)).recordings()).hasSize(1);
    assertThat(unfinished()).hasSize(1 + 1);
  }

  @Test
  void theFirstRunOnAStorageWrittenWithoutTheIndexBuildsItAndReconcilesWhatItFinds() {
    // Written as a version without the index did: metadata and secrets only.
    RecordingId lost = new RecordingId("room-1", "EG_LostBefore001", RecordingId.newUid());
    Instant old = Instant.now().minus(Duration.ofHours(1));
    Recording recording = new Recording(lost.toString(), "room-1", "room-1", RecordingStatus.ACTIVE, "grid",
        RecordingEncoding.DEFAULT, lost.mediaBaseName() + ".mp4", old.toEpochMilli(), null, null, null, null, null,
        null);
    countedClient.putObject(b -> b.bucket(system.s3().bucket()).key(layout.metadataKey(lost)),
        RequestBody.fromBytes(RecordingJson.writeMetadata(new RecordingMetadata(recording, 0))));
    assertThat(storage.unfinishedIndexBuilt()).isFalse();
    RecordingManager manager = manager("instance-a");

    CollectorRun run = manager.reconcileStaleRecordings();

    assertThat(run).isEqualTo(new CollectorRun(true, 1, 1, null));
    assertThat(manager.get(lost.toString()).orElseThrow().status()).isEqualTo(RecordingStatus.ABORTED);
    assertThat(storage.unfinishedIndexBuilt()).isTrue();
    assertThat(unfinished()).isEmpty();
  }

  @Test
  void aRunDropsTheEntriesOfFinishedDeletedAndNeverStoredRecordings() {
    RecordingId finishedLeftIndexed = new RecordingId("room-1", "EG_Finished0001", RecordingId.newUid());
    storage.create(finished(finishedLeftIndexed), RecordingSecrets.generate()).orElseThrow();
    RecordingId neverStored = new RecordingId("room-1", "EG_NeverStored01", RecordingId.newUid());
    RecordingId deletedLeftIndexed = new RecordingId("room-1", "EG_Deleted00001", RecordingId.newUid());
    for (RecordingId id : List.of(finishedLeftIndexed, neverStored, deletedLeftIndexed)) {
      // What a failed removal (or a create that failed after its entry) leaves behind.
      countedClient.putObject(b -> b.bucket(system.s3().bucket()).key(layout.unfinishedKey(id)), RequestBody.empty());
    }
    storage.rebuildUnfinishedIndex();
    RecordingManager manager = manager("instance-a");

    CollectorRun run = manager.reconcileStaleRecordings();

    assertThat(run).isEqualTo(new CollectorRun(true, 3, 0, null));
    assertThat(unfinished()).isEmpty();
    assertThat(storage.find(finishedLeftIndexed)).isPresent();
  }

  /**
   * A stale entry (a create that failed after writing it), then a create of the same recording (a later webhook of
   * its egress, at another instance) lands between the reconciler's read of the metadata and its removal of the
   * entry: the recording stays indexed.
   */
  @Test
  void aRecordingCreatedBetweenTheReconcilersReadAndItsRemovalStaysIndexed() {
    RecordingId id = new RecordingId("room-1", "EG_RaceCreate01", RecordingId.newUid());
    countedClient.putObject(b -> b.bucket(system.s3().bucket()).key(layout.unfinishedKey(id)), RequestBody.empty());
    storage.rebuildUnfinishedIndex();
    Recording active = new Recording(id.toString(), "room-1", "room-1", RecordingStatus.ACTIVE, "grid",
        RecordingEncoding.DEFAULT, id.mediaBaseName() + ".mp4", Instant.now().toEpochMilli(), null, null, null, null,
        null, null);
    AtomicBoolean raced = new AtomicBoolean();
    RecordingStorage racing = (RecordingStorage) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {RecordingStorage.class}, (proxy, method, args) -> {
          try {
            Object result = method.invoke(storage, args);
            if (method.getName().equals("find") && args[0].equals(id) && raced.compareAndSet(false, true)) {
              // Another instance's webhook creates it right now: entry first, then metadata.
              assertThat(storage.create(new RecordingMetadata(active, 1, System.currentTimeMillis()),
                  RecordingSecrets.generate())).isPresent();
            }
            return result;
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    RecordingManager manager = system.newManager("instance-a", b -> b.storage(racing));

    manager.reconcileStaleRecordings();

    assertThat(raced).isTrue();
    assertThat(storage.find(id).orElseThrow().recording().status()).isEqualTo(RecordingStatus.ACTIVE);
    assertThat(unfinished()).contains(id);
  }

  /**
   * One unfinished recording whose metadata cannot be read, indexed before a stale one: the stale one is still
   * reconciled (the corrupt one is skipped with a WARN and keeps its entry).
   */
  @Test
  void aCorruptIndexedRecordingDoesNotStopTheReconciliationOfTheOthers() {
    RecordingId corrupt = new RecordingId("room-1", "EG_AAAAAAAAAAAA", RecordingId.newUid());
    countedClient.putObject(b -> b.bucket(system.s3().bucket()).key(layout.unfinishedKey(corrupt)),
        RequestBody.empty());
    countedClient.putObject(b -> b.bucket(system.s3().bucket()).key(layout.metadataKey(corrupt)),
        RequestBody.fromString("not json"));
    RecordingId stale = new RecordingId("room-1", "EG_ZZZZZZZZZZZZ", RecordingId.newUid());
    Instant old = Instant.now().minus(Duration.ofHours(1));
    Recording active = new Recording(stale.toString(), "room-1", "room-1", RecordingStatus.ACTIVE, "grid",
        RecordingEncoding.DEFAULT, stale.mediaBaseName() + ".mp4", old.toEpochMilli(), null, null, null, null,
        null, null);
    assertThat(storage.create(new RecordingMetadata(active, 0, old.toEpochMilli()), RecordingSecrets.generate()))
        .isPresent();
    storage.rebuildUnfinishedIndex();
    RecordingManager manager = manager("instance-a");

    CollectorRun run = manager.reconcileStaleRecordings();

    assertThat(run).isEqualTo(new CollectorRun(true, 2, 1, null));
    assertThat(storage.find(stale).orElseThrow().recording().status()).isEqualTo(RecordingStatus.ABORTED);
    assertThat(unfinished()).containsExactly(corrupt);
  }

  @Test
  @Timeout(60)
  void aRunLongerThanTheLeaseKeepsTheLeadAndAnotherInstanceWaits() throws Exception {
    PausingLiveKit pausing = new PausingLiveKit(system);
    // A 4 s lease renewed every 1.3 s: a renewal may be late by 2.6 s on a busy machine before the lead is lost.
    Duration interval = Duration.ofSeconds(2);
    RecordingManager leader = system.newManager("instance-a",
        b -> b.storage(storage).liveKitGateway(pausing).collectorInterval(interval));
    RecordingManager other = system.newManager("instance-b", b -> b.storage(storage).collectorInterval(interval));
    leader.reconcileStaleRecordings(); // builds the index of the empty storage
    RecordingId first = storeUnfinished(RecordingStatus.ACTIVE, Instant.now().minus(Duration.ofHours(1)));
    RecordingId second = storeUnfinished(RecordingStatus.ACTIVE, Instant.now().minus(Duration.ofHours(1)));
    pausing.pauseFindEgress();

    CompletableFuture<CollectorRun> longRun = CompletableFuture.supplyAsync(leader::reconcileStaleRecordings);
    pausing.awaitPaused();
    // The lease lasts two collector intervals (4 s here): wait until it would have expired without renewals.
    long pausedAt = System.nanoTime();
    await().atMost(Duration.ofSeconds(15)).until(() -> System.nanoTime() - pausedAt > Duration.ofSeconds(5).toNanos());

    assertThat(other.reconcileStaleRecordings().ran()).isFalse();
    pausing.resume();
    CollectorRun run = longRun.get(30, TimeUnit.SECONDS);
    assertThat(run).isEqualTo(new CollectorRun(true, 2, 2, null));
    assertThat(leader.get(first.toString()).orElseThrow().status()).isEqualTo(RecordingStatus.ABORTED);
    assertThat(leader.get(second.toString()).orElseThrow().status()).isEqualTo(RecordingStatus.ABORTED);
  }

  @Test
  @Timeout(60)
  void aRunWhoseLeadAnotherInstanceTookStopsBeforeItsNextRecording() throws Exception {
    PausingLiveKit pausing = new PausingLiveKit(system);
    RecordingManager leader = system.newManager("instance-a", b -> b.storage(storage).liveKitGateway(pausing));
    leader.reconcileStaleRecordings(); // builds the index of the empty storage
    RecordingId first = storeUnfinished(RecordingStatus.ACTIVE, Instant.now().minus(Duration.ofHours(1)));
    RecordingId second = storeUnfinished(RecordingStatus.ACTIVE, Instant.now().minus(Duration.ofHours(1)));
    pausing.pauseFindEgress();
    CompletableFuture<CollectorRun> longRun = CompletableFuture.supplyAsync(leader::reconcileStaleRecordings);
    pausing.awaitPaused();

    // The lease expired while the leader was stuck (a long GC pause, a partition) and another instance took it.
    system.newClient().<String>getBucket(system.lockPrefix() + "leader:" + RecordingReconciler.TASK,
        org.redisson.client.codec.StringCodec.INSTANCE).set("instance-b", Duration.ofMinutes(1));
    // The promise: the old leader stops within one lease lifetime (two collector intervals, 2 s here).
    long takenAt = System.nanoTime();
    await().atMost(Duration.ofSeconds(10))
        .until(() -> System.nanoTime() - takenAt > Duration.ofMillis(2500).toNanos());
    pausing.resume();

    CollectorRun run = longRun.get(30, TimeUnit.SECONDS);
    // The recording in hand is finished; the next one is left to the new leader.
    assertThat(run).isEqualTo(new CollectorRun(true, 1, 1, LeaderLease.LEAD_LOST));
    assertThat(List.of(first, second)).extracting(id -> leader.get(id.toString()).orElseThrow().status())
        .containsExactlyInAnyOrder(RecordingStatus.ABORTED, RecordingStatus.ACTIVE);
  }

  @Test
  void rebuildUnfinishedIndexThroughTheManagerIndexesWhatAVersionWithoutTheIndexStored() {
    RecordingId active = new RecordingId("room-1", "EG_StoredBefore1", RecordingId.newUid());
    Recording recording = Recording.starting(active, "room-1", "grid", RecordingEncoding.DEFAULT)
        .withStatus(RecordingStatus.ACTIVE);
    countedClient.putObject(b -> b.bucket(system.s3().bucket()).key(layout.metadataKey(active)),
        RequestBody.fromBytes(RecordingJson.writeMetadata(new RecordingMetadata(recording, 0))));
    RecordingManager manager = manager("instance-a");

    assertThat(manager.rebuildUnfinishedIndex()).isEqualTo(1);

    assertThat(unfinished()).containsExactly(active);
    assertThat(storage.unfinishedIndexBuilt()).isTrue();
  }

  @Test
  void rebuildUnfinishedIndexIsStorageUnavailableWhenS3CannotBeReached() {
    try (S3Client unreachable = S3Client.builder()
        .endpointOverride(java.net.URI.create("http://127.0.0.1:1")).forcePathStyle(true)
        .region(software.amazon.awssdk.regions.Region.US_EAST_1)
        .credentialsProvider(software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider.create())
        .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(2)).retryStrategy(b -> b.maxAttempts(1)))
        .build()) {
      RecordingManager manager = system.newManager("instance-a",
          b -> b.storage(new S3RecordingStorage(unreachable, "bucket", layout)));

      assertThatThrownBy(manager::rebuildUnfinishedIndex).isInstanceOfSatisfying(RecordingException.class,
          e -> assertThat(e.reason()).isEqualTo(RecordingException.Reason.STORAGE_UNAVAILABLE));
    }
  }

  @Test
  void collectorsOfAClosedManagerDoNothing() {
    RecordingManager manager = manager("instance-a");
    manager.close();

    assertThat(manager.reconcileStaleRecordings()).isEqualTo(CollectorRun.skipped());
    assertThat(manager.collectOrphanedLocks()).isEqualTo(CollectorRun.skipped());
  }

  /** Counts S3 requests by operation, as the SDK sends them. */
  private static final class RequestCounter implements ExecutionInterceptor {

    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
      counts.computeIfAbsent(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), k -> new AtomicLong())
          .incrementAndGet();
    }

    void reset() {
      counts.clear();
    }

    Map<String, Long> snapshot() {
      Map<String, Long> copy = new java.util.TreeMap<>();
      counts.forEach((operation, count) -> copy.put(operation, count.get()));
      return copy;
    }
  }

  /** The real LiveKit gateway, whose ListEgress of one egress can be held until the test lets it go. */
  private static final class PausingLiveKit implements LiveKitGateway {

    private final LiveKitGateway real;
    private volatile @Nullable CountDownLatch gate;
    private final CountDownLatch paused = new CountDownLatch(1);

    PausingLiveKit(RecordingSystem system) {
      this.real = new LiveKitSdkGateway(new LiveKitSettings(system.livekit().url(), system.livekit().apiKey(),
          system.livekit().apiSecret(), Duration.ofSeconds(5)));
    }

    void pauseFindEgress() {
      gate = new CountDownLatch(1);
    }

    void awaitPaused() throws InterruptedException {
      assertThat(paused.await(20, TimeUnit.SECONDS)).isTrue();
    }

    void resume() {
      CountDownLatch current = gate;
      if (current != null) {
        current.countDown();
      }
    }

    @Override
    public EgressState startRoomComposite(String roomName, MediaTarget target, @Nullable String layout,
        RecordingEncoding encoding) {
      return real.startRoomComposite(roomName, target, layout, encoding);
    }

    @Override
    public EgressState stopEgress(String egressId) {
      return real.stopEgress(egressId);
    }

    @Override
    public Optional<EgressState> findEgress(String egressId) {
      CountDownLatch current = gate;
      if (current != null && paused.getCount() > 0) {
        paused.countDown();
        try {
          current.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return real.findEgress(egressId);
    }

    @Override
    public List<EgressState> listActiveEgress() {
      return real.listActiveEgress();
    }

    @Override
    public List<EgressState> listEgress(String roomName) {
      return real.listEgress(roomName);
    }

    @Override
    public List<LiveKitRoom> listRooms() {
      return real.listRooms();
    }

    @Override
    public Optional<LiveKitRoom> findRoom(String roomName) {
      return real.findRoom(roomName);
    }

    @Override
    public List<LiveKitParticipant> listParticipants(String roomName) {
      return real.listParticipants(roomName);
    }
  }
}
