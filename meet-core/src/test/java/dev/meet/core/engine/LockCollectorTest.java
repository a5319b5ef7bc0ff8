package dev.meet.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meet.core.CollectorRun;
import dev.meet.core.Recording;
import dev.meet.core.RecordingEncoding;
import dev.meet.core.StartOptions;
import dev.meet.core.livekit.LiveKitSdkGateway;
import dev.meet.core.livekit.LiveKitSettings;
import dev.meet.core.lock.LockScan;
import dev.meet.core.lock.LockValue;
import dev.meet.core.lock.RecordingLockProvider;
import dev.meet.core.storage.MediaTarget;
import dev.meet.core.testing.RecordingSystem;
import dev.meet.testkit.redis.RedisServer;
import dev.meet.testkit.redis.RedisServerExtension;
import dev.meet.testkit.s3.S3ProxyExtension;
import dev.meet.testkit.s3.S3Server;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import livekit.LivekitEgress.EgressStatus;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.redisson.api.RedissonClient;

/**
 * Flow 7 of the issue: the orphaned-lock collector frees the rooms a crashed instance left locked, and only those,
 * on one instance at a time, at a cost that does not grow with the number of locks.
 *
 * <p>The fixture's grace period is the start timeout + 1 s. The collecting instance usually runs on a clock ten
 * minutes ahead, so the locks look old without waiting.
 */
@ExtendWith({RedisServerExtension.class, S3ProxyExtension.class})
class LockCollectorTest {

  private static final Duration TEN_MINUTES = Duration.ofMinutes(10);
  /** The managers' default lock lifetime. */
  private static final Duration LOCK_TTL = Duration.ofHours(6);
  /** The lifetime left to a lock taken ten minutes ago. */
  private static final Duration TEN_MINUTES_OLD = LOCK_TTL.minus(TEN_MINUTES);
  /** How far one SCAN page may exceed the page size asked for: the rest of the last hash bucket it visited. */
  private static final int SCAN_BUCKET_SLACK = 20;

  private RecordingSystem system;
  private RecordingLockProvider locks;

  @BeforeEach
  void start(RedisServer redis, S3Server s3) {
    system = new RecordingSystem(redis, s3);
    locks = system.newLockProvider();
    system.livekit().addParticipant("room-1", "alice", true);
  }

  @AfterEach
  void stop() {
    system.close();
  }

  /**
   * An instance for which every lock taken now is ten minutes old by both measures of a lock's age: by the store (it
   * takes its locks for ten minutes longer than the others, and age is that lifetime less what is left) and by the
   * time written in the lock (its clock runs ten minutes ahead).
   */
  private RecordingManager laterInstance(String instanceId) {
    return system.newManager(instanceId, b -> b.lockTtl(LOCK_TTL.plus(TEN_MINUTES))
        .clock(Clock.offset(Clock.systemUTC(), TEN_MINUTES)));
  }

  /** A lock as an instance that crashed right after taking it would leave it: not bound to any egress. */
  private LockValue unboundLock(Instant acquiredAt) {
    return new LockValue(UUID.randomUUID().toString(), null, "crashed-instance", acquiredAt);
  }

  @Test
  void lockOfAnInstanceThatCrashedMidRecordingIsReleasedByAnotherInstanceOnceTheRoomIsGone() {
    RedissonClient clientOfA = system.newClient();
    RecordingManager a = system.newManager("instance-a", clientOfA, b -> { });
    Recording recording = a.start("room-1", StartOptions.defaults());
    RecordingManager b = laterInstance("instance-b");

    // A crashes: its process and its Redis connections are gone; webhooks now reach B, but the ones that would
    // release the lock are lost, and the meeting ends.
    a.close();
    clientOfA.shutdown();
    system.webhooks().routeTo(b);
    system.livekit().faults().dropEvent("egress_ended").dropEvent("room_finished");
    system.livekit().closeRoom("room-1");
    await().atMost(Duration.ofSeconds(10)).until(() -> system.livekit().egress(recording.id().egressId())
        .orElseThrow().getStatus() == EgressStatus.EGRESS_COMPLETE);
    assertThat(locks.get("room-1")).get().extracting(LockValue::egressId).isEqualTo(recording.id().egressId());

    CollectorRun run = b.collectOrphanedLocks();

    assertThat(run.ran()).isTrue();
    assertThat(run.error()).isNull();
    assertThat(run.repaired()).isEqualTo(1);
    assertThat(locks.get("room-1")).isEmpty();
  }

  @Test
  void roomWhoseEgressIsStillRecordingKeepsItsLock() {
    RecordingManager a = system.newManager("instance-a");
    Recording recording = a.start("room-1", StartOptions.defaults());
    RecordingManager b = laterInstance("instance-b");

    CollectorRun run = b.collectOrphanedLocks();

    assertThat(run.ran()).isTrue();
    assertThat(run.examined()).isEqualTo(1);
    assertThat(run.repaired()).isZero();
    assertThat(locks.get("room-1")).get().extracting(LockValue::egressId).isEqualTo(recording.id().egressId());
    assertThat(system.livekit().egress(recording.id().egressId()).orElseThrow().getStatus())
        .isEqualTo(EgressStatus.EGRESS_ACTIVE);
  }

  @Test
  void lockBoundToAnEndedEgressIsReleasedEvenWhileAnotherEgressRecordsTheSameRoom() {
    RecordingManager a = system.newManager("instance-a");
    Recording recording = a.start("room-1", StartOptions.defaults());
    system.livekit().faults().dropEvent("egress_ended");
    a.stop(recording.recordingId());
    await().atMost(Duration.ofSeconds(10)).until(() -> system.livekit().egress(recording.id().egressId())
        .orElseThrow().getStatus() == EgressStatus.EGRESS_COMPLETE);
    // Another egress in the same room that is not this lock's (another deployment's recording).
    try (LiveKitSdkGateway other = new LiveKitSdkGateway(new LiveKitSettings(system.livekit().url(),
        system.livekit().apiKey(), system.livekit().apiSecret()))) {
      other.startRoomComposite("room-1", new MediaTarget("elsewhere/room-1", null), null, RecordingEncoding.DEFAULT);
    }
    assertThat(locks.get("room-1")).get().extracting(LockValue::egressId).isEqualTo(recording.id().egressId());

    CollectorRun run = laterInstance("instance-b").collectOrphanedLocks();

    assertThat(run.repaired()).isEqualTo(1);
    assertThat(locks.get("room-1")).isEmpty();
  }

  @Test
  void lockYoungerThanTheGracePeriodIsKeptEvenWhenItsRoomIsGone() {
    // A grace period no slow machine can outlast between taking the lock and the run.
    RecordingManager collector = system.newManager("instance-b", b -> b.collectorGrace(Duration.ofMinutes(5)));
    LockValue fresh = unboundLock(Instant.now());
    assertThat(locks.tryAcquire("gone-room", fresh, Duration.ofHours(6))).isTrue();

    CollectorRun run = collector.collectOrphanedLocks();

    assertThat(run.ran()).isTrue();
    assertThat(run.examined()).isEqualTo(1);
    assertThat(run.repaired()).isZero();
    assertThat(locks.get("gone-room")).contains(fresh);
  }

  @Test
  void aLockTheStoreSaysIsFreshIsKeptWhateverTheClocksOfTheInstancesSay() {
    // Written by an instance whose clock lags ten minutes, read by one whose clock runs ten minutes ahead: by the
    // clocks it is twenty minutes old, by the store (its remaining lifetime) it was just taken.
    LockValue skewed = unboundLock(Instant.now().minus(TEN_MINUTES));
    assertThat(locks.tryAcquire("gone-room", skewed, LOCK_TTL)).isTrue();
    RecordingManager collector = system.newManager("instance-b",
        b -> b.clock(Clock.offset(Clock.systemUTC(), TEN_MINUTES)));

    CollectorRun run = collector.collectOrphanedLocks();

    assertThat(run.examined()).isEqualTo(1);
    assertThat(run.repaired()).isZero();
    assertThat(locks.get("gone-room")).contains(skewed);
  }

  @Test
  void lockLeftBetweenAcquireAndBindIsReleasedWhenItsRoomHasNoEgress() {
    RecordingManager collector = system.newManager("instance-b");
    assertThat(locks.tryAcquire("room-1", unboundLock(Instant.now().minus(TEN_MINUTES)), TEN_MINUTES_OLD))
        .isTrue();

    CollectorRun run = collector.collectOrphanedLocks();

    assertThat(run.ran()).isTrue();
    assertThat(run.repaired()).isEqualTo(1);
    assertThat(locks.get("room-1")).isEmpty();
    assertThat(system.livekit().rooms()).extracting(r -> r.getName()).contains("room-1");
  }

  @Test
  void collectorRunsOnOneInstanceAtATime() {
    // A long interval: the leader lease (two intervals) cannot lapse between the runs below.
    RecordingManager a = system.newManager("instance-a", b -> b.collectorInterval(Duration.ofMinutes(1)));
    RecordingManager b = system.newManager("instance-b", c -> c.collectorInterval(Duration.ofMinutes(1)));

    CollectorRun leader = a.collectOrphanedLocks();
    CollectorRun other = b.collectOrphanedLocks();
    CollectorRun leaderAgain = a.collectOrphanedLocks();

    assertThat(leader.ran()).isTrue();
    assertThat(other.ran()).isFalse();
    assertThat(other.error()).isNull();
    assertThat(leaderAgain.ran()).isTrue();
  }

  @Test
  void oneRunReleasesAThousandOrphanedLocksWithOneListRoomsAndOneListEgressInBoundedPages() {
    Instant old = Instant.now().minus(TEN_MINUTES);
    for (int i = 0; i < 1000; i++) {
      assertThat(locks.tryAcquire("orphan-" + i, unboundLock(old), TEN_MINUTES_OLD)).isTrue();
    }
    PageRecordingLocks pages = new PageRecordingLocks(system.newLockProvider());
    RecordingManager collector = system.newManager("instance-b", b -> b.lockProvider(pages));
    system.livekit().resetRequestCounts();

    CollectorRun run = collector.collectOrphanedLocks();

    assertThat(run.ran()).isTrue();
    assertThat(run.error()).isNull();
    assertThat(run.repaired()).isEqualTo(1000);
    assertThat(system.livekit().requestCount("RoomService/ListRooms")).isEqualTo(1);
    assertThat(system.livekit().requestCount("Egress/ListEgress")).isEqualTo(1);
    // Pages of 200 asked for; SCAN hands out whole hash buckets, so a page may hold a few more (documented on
    // RedisRecordingLockProvider.scan). Bounded means a page does not grow with the number of locks.
    assertThat(pages.largestPage.get()).isBetween(1, 200 + SCAN_BUCKET_SLACK);
    assertThat(pages.scans.get()).isGreaterThanOrEqualTo(5);
    assertThat(locks.count()).isZero();
  }

  @Test
  void scheduledCollectorReleasesAnOrphanedLockByItself() {
    RecordingManager collector = system.newManager("instance-b");
    assertThat(locks.tryAcquire("gone-room", unboundLock(Instant.now().minus(TEN_MINUTES)), TEN_MINUTES_OLD))
        .isTrue();

    collector.startSchedules();

    await().atMost(Duration.ofSeconds(10)).until(() -> locks.get("gone-room").isEmpty());
  }

  /** Delegates to a real provider and remembers how many pages the scan took and how large the largest was. */
  private static final class PageRecordingLocks implements RecordingLockProvider {
    private final RecordingLockProvider delegate;
    final AtomicInteger scans = new AtomicInteger();
    final AtomicInteger largestPage = new AtomicInteger();

    PageRecordingLocks(RecordingLockProvider delegate) {
      this.delegate = delegate;
    }

    @Override
    public LockScan scan(@Nullable String cursor, int pageSize) {
      LockScan page = delegate.scan(cursor, pageSize);
      scans.incrementAndGet();
      largestPage.accumulateAndGet(page.locks().size(), Math::max);
      return page;
    }

    @Override
    public boolean tryAcquire(String roomId, LockValue value, Duration ttl) {
      return delegate.tryAcquire(roomId, value, ttl);
    }

    @Override
    public boolean replace(String roomId, LockValue expected, LockValue next) {
      return delegate.replace(roomId, expected, next);
    }

    @Override
    public boolean release(String roomId, LockValue expected) {
      return delegate.release(roomId, expected);
    }

    @Override
    public Optional<LockValue> get(String roomId) {
      return delegate.get(roomId);
    }

    @Override
    public long count() {
      return delegate.count();
    }

    @Override
    public boolean tryLead(String task, String instanceId, Duration ttl) {
      return delegate.tryLead(task, instanceId, ttl);
    }
  }
}
