package dev.meet.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meet.core.Recording;
import dev.meet.core.RecordingException;
import dev.meet.core.RecordingStatus;
import dev.meet.core.StartOptions;
import dev.meet.core.lock.RecordingLockProvider;
import dev.meet.core.testing.RecordingSystem;
import dev.meet.testkit.redis.RedisServer;
import dev.meet.testkit.redis.RedisServerExtension;
import dev.meet.testkit.s3.S3ProxyExtension;
import dev.meet.testkit.s3.S3Server;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import livekit.LivekitEgress.EgressInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Flow 2 of the issue: many starts at the same moment, on two instances sharing Redis. One room admits exactly one
 * recording and everybody else is told so at once; different rooms do not get in each other's way.
 */
@ExtendWith({RedisServerExtension.class, S3ProxyExtension.class})
class ConcurrentStartTest {

  private static final int CALLERS = 50;
  private static final int ROOMS = 10;
  /** Long enough that "every rejection came while the winner was still starting" proves "at once". */
  private static final Duration ACTIVATION_DELAY = Duration.ofSeconds(2);

  private RecordingSystem system;
  private List<RecordingManager> managers;
  private RecordingLockProvider locks;
  private ExecutorService callers;

  @BeforeEach
  void start(RedisServer redis, S3Server s3) {
    system = new RecordingSystem(redis, s3, b -> b.activationDelay(ACTIVATION_DELAY));
    // The start timeout leaves the slow activation plenty of room on a loaded machine.
    managers = List.of(
        system.newManager("a", b -> b.startTimeout(Duration.ofSeconds(15)).collectorGrace(Duration.ofSeconds(23))),
        system.newManager("b", b -> b.startTimeout(Duration.ofSeconds(15)).collectorGrace(Duration.ofSeconds(23))));
    locks = system.newLockProvider();
    callers = Executors.newFixedThreadPool(CALLERS);
  }

  @AfterEach
  void stop() throws InterruptedException {
    callers.shutdownNow();
    callers.awaitTermination(10, TimeUnit.SECONDS);
    system.close();
  }

  @Test
  void fiftySimultaneousStartsInOneRoomAdmitOneAndRejectTheOthersWhileItIsStillStarting() throws Exception {
    system.livekit().addParticipant("room-1", "alice", true);

    List<CompletableFuture<Recording>> outcomes = startAllAtOnce(i -> "room-1", CALLERS);

    await().atMost(Duration.ofSeconds(20)).until(() ->
        outcomes.stream().filter(CompletableFuture::isCompletedExceptionally).count() == CALLERS - 1);
    List<CompletableFuture<Recording>> pending = outcomes.stream().filter(f -> !f.isDone()).toList();
    assertThat(pending).as("the winner is still starting when the last rejection arrived").hasSize(1);
    for (CompletableFuture<Recording> rejected : outcomes) {
      if (rejected != pending.get(0)) {
        assertThat(causeOf(rejected)).isInstanceOfSatisfying(RecordingException.class, e -> {
          assertThat(e.reason()).isEqualTo(RecordingException.Reason.ALREADY_RECORDING);
          assertThat(e.getMessage()).isEqualTo("Room 'room-1' is already being recorded");
        });
      }
    }
    Recording winner = pending.get(0).get(20, TimeUnit.SECONDS);
    assertThat(winner.status()).isEqualTo(RecordingStatus.ACTIVE);
    assertThat(system.livekit().egresses()).singleElement()
        .extracting(EgressInfo::getEgressId).isEqualTo(winner.id().egressId());
    assertThat(locks.get("room-1")).get()
        .satisfies(lock -> assertThat(lock.egressId()).isEqualTo(winner.id().egressId()));
    assertThat(locks.count()).isEqualTo(1);
  }

  @Test
  void simultaneousStartsInDifferentRoomsAllSucceedWithOneEgressAndOneLockEach() throws Exception {
    IntStream.range(0, ROOMS).forEach(i -> system.livekit().addParticipant("room-" + i, "alice", true));

    List<CompletableFuture<Recording>> outcomes = startAllAtOnce(i -> "room-" + i, ROOMS);

    List<Recording> started = new ArrayList<>();
    for (CompletableFuture<Recording> outcome : outcomes) {
      started.add(outcome.get(30, TimeUnit.SECONDS));
    }
    assertThat(started).allSatisfy(r -> assertThat(r.status()).isEqualTo(RecordingStatus.ACTIVE));
    assertThat(started).extracting(Recording::roomId)
        .containsExactlyInAnyOrder(IntStream.range(0, ROOMS).mapToObj(i -> "room-" + i).toArray(String[]::new));
    assertThat(system.livekit().egresses()).hasSize(ROOMS);
    for (Recording recording : started) {
      assertThat(system.livekit().egresses()).filteredOn(e -> e.getRoomName().equals(recording.roomId()))
          .singleElement().extracting(EgressInfo::getEgressId).isEqualTo(recording.id().egressId());
      assertThat(locks.get(recording.roomId())).get()
          .satisfies(lock -> assertThat(lock.egressId()).isEqualTo(recording.id().egressId()));
    }
    assertThat(locks.count()).isEqualTo(ROOMS);
  }

  /**
   * Releases {@code count} callers at one gate; caller i starts {@code room.apply(i)} on instance a or b (alternating),
   * half of them through the blocking call and half through the future one.
   */
  private List<CompletableFuture<Recording>> startAllAtOnce(java.util.function.IntFunction<String> room, int count)
      throws InterruptedException {
    CountDownLatch ready = new CountDownLatch(count);
    CountDownLatch gate = new CountDownLatch(1);
    List<CompletableFuture<Recording>> outcomes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      CompletableFuture<Recording> outcome = new CompletableFuture<>();
      outcomes.add(outcome);
      RecordingManager manager = managers.get(i % 2);
      String roomId = room.apply(i);
      boolean blocking = (i / 2) % 2 == 0;
      callers.execute(() -> {
        ready.countDown();
        try {
          gate.await();
          if (blocking) {
            outcome.complete(manager.start(roomId, StartOptions.defaults()));
          } else {
            manager.startAsync(roomId, StartOptions.defaults()).whenComplete((recording, error) -> {
              if (error != null) {
                outcome.completeExceptionally(error);
              } else {
                outcome.complete(recording);
              }
            });
          }
        } catch (Throwable e) {
          outcome.completeExceptionally(e);
        }
      });
    }
    assertThat(ready.await(10, TimeUnit.SECONDS)).as("all callers ready at the gate").isTrue();
    gate.countDown();
    return outcomes;
  }

  private static Throwable causeOf(CompletableFuture<Recording> failed) {
    try {
      failed.join();
      throw new AssertionError("expected a failure, got " + failed);
    } catch (CompletionException e) {
      Throwable cause = e;
      while (cause instanceof CompletionException && cause.getCause() != null) {
        cause = cause.getCause();
      }
      return cause;
    }
  }
}
