package dev.meet.core.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.meet.core.support.LockValues;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link RecordingLockProvider} shares. A provider's test is a short subclass that hands over a
 * fresh, empty provider per test, pointing at a real server where there is one:
 *
 * <pre>{@code
 * class MyLockProviderTest extends AbstractRecordingLockProviderContractTest {
 *   private final MyLockProvider provider = new MyLockProvider(...);
 *
 *   @Override
 *   protected RecordingLockProvider provider() {
 *     return provider;
 *   }
 * }
 * }</pre>
 *
 * <p>Expiry tests use {@link #shortTtl()} and let it run out through {@link #elapse(Duration)}: a real server waits
 * for the wall clock (the default), a provider on a movable clock overrides it to advance the clock. Assertions about
 * expiry then poll briefly ({@link #eventually}), because a server's clock and ours need not tick together.
 */
public abstract class AbstractRecordingLockProviderContractTest {

  private static final String ROOM = "room-1";
  private static final String TASK = "orphan-lock-collector";
  private static final Duration LONG_TTL = Duration.ofMinutes(5);
  private static final int RACERS = 50;

  /** The provider under test: the same instance for the whole test, empty when the test starts. */
  protected abstract RecordingLockProvider provider();

  /** A lifetime short enough to wait out on a real server, long enough that a lock outlives the calls around it. */
  protected Duration shortTtl() {
    return Duration.ofMillis(200);
  }

  /**
   * Lets {@code duration} pass for the provider. A real server counts lifetimes on its own clock, so the default
   * waits for the wall clock; override to advance a movable clock instead.
   */
  protected void elapse(Duration duration) {
    long until = System.nanoTime() + duration.toNanos();
    await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5)).atMost(duration.plusSeconds(5))
        .until(() -> System.nanoTime() - until >= 0);
  }

  /** Checks {@code assertion} until it holds, briefly: expiry on a server may trail our clock by a tick. */
  protected void eventually(ThrowingRunnable assertion) {
    await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).atMost(Duration.ofSeconds(2))
        .untilAsserted(assertion);
  }

  private static LockValue value(String token) {
    return new LockValue(token, null, "instance-a", Instant.parse("2026-11-25T10:15:30.123Z"));
  }

  // ---- acquire -------------------------------------------------------------------------------------------------

  @Test
  void acquiringAFreeRoomTakesItsLock() {
    LockValue mine = value("token-1");

    assertThat(provider().tryAcquire(ROOM, mine, LONG_TTL)).isTrue();
    assertThat(provider().get(ROOM)).contains(mine);
  }

  @Test
  void acquiringALockedRoomIsRefusedAndLeavesTheLockUnchanged() {
    LockValue first = value("token-1");
    provider().tryAcquire(ROOM, first, LONG_TTL);

    assertThat(provider().tryAcquire(ROOM, value("token-2"), LONG_TTL)).isFalse();
    assertThat(provider().get(ROOM)).contains(first);
  }

  @Test
  void locksOfDifferentRoomsAreIndependent() {
    assertThat(provider().tryAcquire("room-a", value("token-a"), LONG_TTL)).isTrue();
    assertThat(provider().tryAcquire("room-b", value("token-b"), LONG_TTL)).isTrue();

    assertThat(provider().get("room-a")).contains(value("token-a"));
    assertThat(provider().get("room-b")).contains(value("token-b"));
  }

  @Test
  void aFreeRoomHasNoLock() {
    assertThat(provider().get(ROOM)).isEmpty();
  }

  @Test
  void aLockValueSurvivesTheStoreExactly() {
    LockValue bound = new LockValue("tok_en.1:x-y", "EG_abcdefghijkl", "host-1.example:8080",
        Instant.parse("2026-11-25T10:15:30.123456789Z")).boundTo("EG_abcdefghijkl");
    provider().tryAcquire(ROOM, bound, LONG_TTL);

    LockValue read = provider().get(ROOM).orElseThrow();

    assertThat(read).isEqualTo(bound);
    assertThat(LockValues.encode(read)).isEqualTo(LockValues.encode(bound));
    assertThat(read.acquiredAt()).isEqualTo(Instant.parse("2026-11-25T10:15:30.123Z"));
  }

  // ---- release -------------------------------------------------------------------------------------------------

  @Test
  void releasingWithTheHeldValueFreesTheRoom() {
    LockValue mine = value("token-1");
    provider().tryAcquire(ROOM, mine, LONG_TTL);

    assertThat(provider().release(ROOM, mine)).isTrue();
    assertThat(provider().get(ROOM)).isEmpty();
    assertThat(provider().tryAcquire(ROOM, value("token-2"), LONG_TTL)).isTrue();
  }

  @Test
  void aLateReleaseOfAnOldEgressNeverFreesANewerRecordingsLock() {
    LockValue oldRecording = value("token-old").boundTo("EG_oldoldoldold");
    LockValue newRecording = value("token-new").boundTo("EG_newnewnewnew");
    provider().tryAcquire(ROOM, newRecording, LONG_TTL);

    assertThat(provider().release(ROOM, oldRecording)).isFalse();
    assertThat(provider().get(ROOM)).contains(newRecording);
  }

  @Test
  void releasingWithTheUnboundValueOnceTheLockIsBoundIsRefused() {
    LockValue unbound = value("token-1");
    LockValue bound = unbound.boundTo("EG_abcdefghijkl");
    provider().tryAcquire(ROOM, unbound, LONG_TTL);
    provider().replace(ROOM, unbound, bound);

    assertThat(provider().release(ROOM, unbound)).isFalse();
    assertThat(provider().get(ROOM)).contains(bound);
  }

  @Test
  void releasingAFreeRoomChangesNothing() {
    assertThat(provider().release(ROOM, value("token-1"))).isFalse();
    assertThat(provider().get(ROOM)).isEmpty();
  }

  @Test
  void releasingTwiceSucceedsOnlyOnce() {
    LockValue mine = value("token-1");
    provider().tryAcquire(ROOM, mine, LONG_TTL);

    assertThat(provider().release(ROOM, mine)).isTrue();
    assertThat(provider().release(ROOM, mine)).isFalse();
  }

  // ---- replace -------------------------------------------------------------------------------------------------

  @Test
  void replacingTheExpectedValueBindsTheLockToItsEgress() {
    LockValue unbound = value("token-1");
    LockValue bound = unbound.boundTo("EG_abcdefghijkl");
    provider().tryAcquire(ROOM, unbound, LONG_TTL);

    assertThat(provider().replace(ROOM, unbound, bound)).isTrue();
    assertThat(provider().get(ROOM)).contains(bound);
  }

  @Test
  void replacingAnUnexpectedValueChangesNothing() {
    LockValue held = value("token-1");
    provider().tryAcquire(ROOM, held, LONG_TTL);

    assertThat(provider().replace(ROOM, value("token-2"), value("token-2").boundTo("EG_abcdefghijkl"))).isFalse();
    assertThat(provider().get(ROOM)).contains(held);
  }

  @Test
  void replacingInAFreeRoomTakesNoLock() {
    assertThat(provider().replace(ROOM, value("token-1"), value("token-1").boundTo("EG_abcdefghijkl"))).isFalse();
    assertThat(provider().get(ROOM)).isEmpty();
  }

  @Test
  void replacingKeepsTheLocksRemainingLifetime() {
    LockValue unbound = value("token-1");
    LockValue bound = unbound.boundTo("EG_abcdefghijkl");
    provider().tryAcquire(ROOM, unbound, shortTtl().multipliedBy(2));
    elapse(shortTtl());

    assertThat(provider().replace(ROOM, unbound, bound)).isTrue();
    elapse(shortTtl());

    // Expired at the original deadline: neither immortal nor given a fresh lifetime by the replace.
    eventually(() -> assertThat(provider().get(ROOM)).isEmpty());
  }

  // ---- expiry --------------------------------------------------------------------------------------------------

  @Test
  void anExpiredLockFreesTheRoom() {
    provider().tryAcquire(ROOM, value("token-1"), shortTtl());
    assertThat(provider().get(ROOM)).isPresent();

    elapse(shortTtl());

    eventually(() -> assertThat(provider().get(ROOM)).isEmpty());
    assertThat(provider().tryAcquire(ROOM, value("token-2"), LONG_TTL)).isTrue();
    assertThat(provider().get(ROOM)).contains(value("token-2"));
  }

  @Test
  void anExpiredLockCanNeitherBeReleasedNorReplaced() {
    LockValue mine = value("token-1");
    provider().tryAcquire(ROOM, mine, shortTtl());
    elapse(shortTtl());

    eventually(() -> assertThat(provider().get(ROOM)).isEmpty());
    assertThat(provider().release(ROOM, mine)).isFalse();
    assertThat(provider().replace(ROOM, mine, mine.boundTo("EG_abcdefghijkl"))).isFalse();
    assertThat(provider().get(ROOM)).isEmpty();
  }

  // ---- scan and count ------------------------------------------------------------------------------------------

  @Test
  @Timeout(30)
  void scanPagesThroughEveryLockExactlyOnceInBoundedPages() {
    int locks = 1_050;
    int pageSize = 50;
    Set<String> rooms = IntStream.range(0, locks).mapToObj(i -> "room-" + i).collect(Collectors.toSet());
    rooms.forEach(room -> provider().tryAcquire(room, value("token-" + room), LONG_TTL));

    List<String> seen = new ArrayList<>();
    int pages = 0;
    String cursor = null;
    do {
      LockScan page = provider().scan(cursor, pageSize);
      pages++;
      assertThat(page.locks()).as("page %d", pages).hasSizeLessThanOrEqualTo(2 * pageSize);
      page.locks().forEach(lock -> {
        assertThat(lock.value()).isEqualTo(value("token-" + lock.roomId()));
        seen.add(lock.roomId());
      });
      cursor = page.nextCursor();
    } while (cursor != null);

    assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(rooms);
    assertThat(pages).isGreaterThanOrEqualTo(locks / (2 * pageSize));
  }

  @Test
  void scanReportsHowLongTheStoreKeepsEachLockStill() {
    provider().tryAcquire(ROOM, value("token-1"), Duration.ofHours(1));

    assertThat(scanAll(10)).singleElement().satisfies(lock -> assertThat(lock.remainingTtl())
        .isNotNull().isPositive().isLessThanOrEqualTo(Duration.ofHours(1))
        .isGreaterThan(Duration.ofMinutes(59)));
  }

  @Test
  void findReadsTheLockWithHowLongTheStoreKeepsItStill() {
    provider().tryAcquire(ROOM, value("token-1"), Duration.ofHours(1));

    assertThat(provider().find(ROOM)).hasValueSatisfying(lock -> {
      assertThat(lock.roomId()).isEqualTo(ROOM);
      assertThat(lock.value()).isEqualTo(value("token-1"));
      assertThat(lock.remainingTtl()).isNotNull().isPositive().isLessThanOrEqualTo(Duration.ofHours(1))
          .isGreaterThan(Duration.ofMinutes(59));
    });
    assertThat(provider().find("room-without-lock")).isEmpty();
  }

  @Test
  void scanningNoLocksFindsNothing() {
    assertThat(scanAll(10)).isEmpty();
  }

  @Test
  void scanSkipsExpiredAndReleasedLocks() {
    provider().tryAcquire("room-expired", value("token-1"), shortTtl());
    provider().tryAcquire("room-released", value("token-2"), LONG_TTL);
    provider().tryAcquire("room-held", value("token-3"), LONG_TTL);
    provider().release("room-released", value("token-2"));

    elapse(shortTtl());

    eventually(() -> assertThat(scanAll(10)).extracting(RoomLock::roomId, RoomLock::value)
        .containsExactly(tuple("room-held", value("token-3"))));
  }

  @Test
  void scanWithAPageSizeBelowOneIsRejected() {
    assertThatThrownBy(() -> provider().scan(null, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void scanWithACursorItDidNotIssueIsRejected() {
    assertThatThrownBy(() -> provider().scan("not a cursor!", 10)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void countCountsOnlyHeldLocks() {
    provider().tryAcquire("room-a", value("token-a"), LONG_TTL);
    provider().tryAcquire("room-b", value("token-b"), LONG_TTL);
    provider().tryAcquire("room-c", value("token-c"), shortTtl());
    provider().release("room-b", value("token-b"));
    provider().tryLead(TASK, "instance-a", LONG_TTL);

    elapse(shortTtl());

    eventually(() -> assertThat(provider().count()).isEqualTo(1));
  }

  @Test
  void countOfNoLocksIsZero() {
    assertThat(provider().count()).isZero();
  }

  // ---- leadership ----------------------------------------------------------------------------------------------

  @Test
  void leadershipIsExclusiveAcrossInstances() {
    assertThat(provider().tryLead(TASK, "instance-a", LONG_TTL)).isTrue();

    assertThat(provider().tryLead(TASK, "instance-b", LONG_TTL)).isFalse();
    assertThat(provider().tryLead(TASK, "instance-a", LONG_TTL)).isTrue();
  }

  @Test
  void theLeaderRenewsItsLease() {
    provider().tryLead(TASK, "instance-a", shortTtl());

    assertThat(provider().tryLead(TASK, "instance-a", LONG_TTL)).isTrue();
    elapse(shortTtl().multipliedBy(2));

    assertThat(provider().tryLead(TASK, "instance-b", LONG_TTL)).isFalse();
  }

  @Test
  void anExpiredLeaseIsTakenOverByAnotherInstance() {
    provider().tryLead(TASK, "instance-a", shortTtl());

    elapse(shortTtl());

    eventually(() -> assertThat(provider().tryLead(TASK, "instance-b", LONG_TTL)).isTrue());
    assertThat(provider().tryLead(TASK, "instance-a", LONG_TTL)).isFalse();
  }

  @Test
  void leasesOfDifferentTasksAreIndependent() {
    assertThat(provider().tryLead("task-a", "instance-a", LONG_TTL)).isTrue();
    assertThat(provider().tryLead("task-b", "instance-b", LONG_TTL)).isTrue();
  }

  @Test
  void aLeaseAndARoomLockOfTheSameNameDoNotCollide() {
    assertThat(provider().tryLead(ROOM, "instance-a", LONG_TTL)).isTrue();

    assertThat(provider().tryAcquire(ROOM, value("token-1"), LONG_TTL)).isTrue();
    assertThat(scanAll(10)).extracting(RoomLock::roomId, RoomLock::value)
        .containsExactly(tuple(ROOM, value("token-1")));
  }

  // ---- concurrency ---------------------------------------------------------------------------------------------

  @Test
  @Timeout(30)
  void fiftyThreadsRacingForOneRoomLeaveExactlyOneWinner() throws Exception {
    List<Boolean> results = race(i -> provider().tryAcquire(ROOM, value("token-" + i), LONG_TTL));

    assertThat(results).containsOnlyOnce(true);
    int winner = results.indexOf(true);
    assertThat(provider().get(ROOM)).contains(value("token-" + winner));
  }

  @Test
  @Timeout(30)
  void fiftyInstancesRacingForOneLeaseLeaveExactlyOneLeader() throws Exception {
    List<Boolean> results = race(i -> provider().tryLead(TASK, "instance-" + i, LONG_TTL));

    assertThat(results).containsOnlyOnce(true);
  }

  // ---- validation ----------------------------------------------------------------------------------------------

  @Test
  void lockValuesWithCharactersOutsideTheSafeSetAreRejectedByLockValueItself() {
    Instant now = Instant.now();
    for (String unsafe : List.of("a|b", "a b", "line\nbreak", "", "ümlaut", "x".repeat(129), "a*b", "a{b}")) {
      assertThatThrownBy(() -> new LockValue(unsafe, null, "instance-a", now))
          .as("token %s", unsafe).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token");
      assertThatThrownBy(() -> new LockValue("token-1", unsafe, "instance-a", now))
          .as("egressId %s", unsafe).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("egressId");
      assertThatThrownBy(() -> new LockValue("token-1", null, unsafe, now))
          .as("instanceId %s", unsafe).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("instanceId");
    }
  }

  @Test
  void roomIdsOutsideTheRoomIdFormatAreRejected() {
    for (String bad : List.of("", "a--b", "room/1", "../etc", "room:1", "room*", "x".repeat(101))) {
      assertThatThrownBy(() -> provider().tryAcquire(bad, value("token-1"), LONG_TTL))
          .as("roomId %s", bad).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> provider().get(bad)).as("roomId %s", bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(provider().count()).isZero();
  }

  @Test
  void lifetimesBelowOneMillisecondAreRejected() {
    for (Duration bad : List.of(Duration.ZERO, Duration.ofMillis(-1), Duration.ofNanos(999_999))) {
      assertThatThrownBy(() -> provider().tryAcquire(ROOM, value("token-1"), bad))
          .as("ttl %s", bad).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> provider().tryLead(TASK, "instance-a", bad))
          .as("ttl %s", bad).isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(provider().get(ROOM)).isEmpty();
  }

  // ---- helpers -------------------------------------------------------------------------------------------------

  /** Every lock a full scan returns, in order of appearance. */
  protected final List<RoomLock> scanAll(int pageSize) {
    List<RoomLock> all = new ArrayList<>();
    String cursor = null;
    do {
      LockScan page = provider().scan(cursor, pageSize);
      all.addAll(page.locks());
      cursor = page.nextCursor();
    } while (cursor != null);
    return all;
  }

  /** Runs {@value #RACERS} calls released at the same instant, one per thread; result {@code i} is call {@code i}'s. */
  private static List<Boolean> race(RacerCall call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(RACERS);
    try {
      CountDownLatch ready = new CountDownLatch(RACERS);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Boolean>> futures = new ArrayList<>();
      for (int i = 0; i < RACERS; i++) {
        int racer = i;
        futures.add(pool.submit(() -> {
          ready.countDown();
          go.await();
          return call.run(racer);
        }));
      }
      assertThat(ready.await(10, TimeUnit.SECONDS)).as("all racers at the start line").isTrue();
      go.countDown();
      List<Boolean> results = new ArrayList<>();
      for (Future<Boolean> future : futures) {
        results.add(future.get(20, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  /** One racer's call. */
  @FunctionalInterface
  private interface RacerCall {
    boolean run(int racer);
  }
}
