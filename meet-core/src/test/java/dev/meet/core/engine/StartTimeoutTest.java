package dev.meet.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.meet.core.Recording;
import dev.meet.core.RecordingException;
import dev.meet.core.RecordingStatus;
import dev.meet.core.StartOptions;
import dev.meet.core.lock.RecordingLockProvider;
import dev.meet.core.storage.RecordingQuery;
import dev.meet.core.testing.RecordingSystem;
import dev.meet.testkit.livekit.Faults;
import dev.meet.testkit.livekit.LiveKitEmulator;
import dev.meet.testkit.redis.RedisServer;
import dev.meet.testkit.redis.RedisServerExtension;
import dev.meet.testkit.s3.S3ProxyExtension;
import dev.meet.testkit.s3.S3Server;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Flows 3 to 5 of the issue: a start whose egress does not become active in time, a start LiveKit refuses, and an
 * egress that becomes active only after its start gave up. What matters each time is who holds the room's lock.
 */
@ExtendWith({RedisServerExtension.class, S3ProxyExtension.class})
class StartTimeoutTest {

  private static final String ROOM = "room-1";
  private static final String TIMED_OUT = "Recording in room 'room-1' timed out while starting";

  private RecordingSystem system;
  private LiveKitEmulator livekit;
  private Faults faults;
  private RecordingManager manager;
  private RecordingLockProvider locks;
  /** When armed, the egress is aborted the moment the manager has stored its recording as starting. */
  private final AtomicBoolean abortWhenStored = new AtomicBoolean();

  @BeforeEach
  void start(RedisServer redis, S3Server s3) {
    system = new RecordingSystem(redis, s3);
    livekit = system.livekit();
    faults = livekit.faults();
    manager = system.newManager("instance-a", b -> b
        .startTimeout(Duration.ofSeconds(1))
        .collectorGrace(Duration.ofSeconds(9))
        .listener((previous, current) -> {
          if (previous == null && current.status() == RecordingStatus.STARTING && abortWhenStored.get()) {
            livekit.forceEgressStatus(current.id().egressId(), EgressStatus.EGRESS_ABORTED);
          }
        }));
    locks = system.newLockProvider();
    livekit.addParticipant(ROOM, "alice", true);
  }

  @AfterEach
  void stop() {
    system.close();
  }

  @Test
  void stuckEgressIsStoppedAndKeepsTheRoomLockedUntilItsEgressEnds() throws Exception {
    faults.egressStuckInStarting(true).delayEvent("egress_ended", Duration.ofSeconds(3));

    assertThatThrownBy(() -> manager.start(ROOM, StartOptions.defaults()))
        .isInstanceOfSatisfying(RecordingException.class, e -> {
          assertThat(e.reason()).isEqualTo(RecordingException.Reason.START_TIMED_OUT);
          assertThat(e.getMessage()).isEqualTo(TIMED_OUT);
        });

    EgressInfo stuck = livekit.egresses().get(0);
    assertThat(livekit.requestCount("Egress/StopEgress")).isEqualTo(1);
    assertThat(livekit.egress(stuck.getEgressId()).orElseThrow().getStatus()).isEqualTo(EgressStatus.EGRESS_ABORTED);
    assertThat(livekit.webhookDeliveries("egress_ended")).as("egress_ended is still on its way").isEmpty();
    assertThat(locks.get(ROOM)).as("the lock is kept until egress_ended").get()
        .satisfies(lock -> assertThat(lock.egressId()).isEqualTo(stuck.getEgressId()));

    await().atMost(Duration.ofSeconds(15)).until(() ->
        livekit.webhookDeliveries("egress_ended").stream().anyMatch(d -> d.delivered()));
    assertThat(locks.get(ROOM)).isEmpty();

    faults.egressStuckInStarting(false);
    Recording next = manager.start(ROOM, StartOptions.defaults());
    assertThat(next.status()).isEqualTo(RecordingStatus.ACTIVE);
    assertThat(next.id().egressId()).isNotEqualTo(stuck.getEgressId());
  }

  @Test
  void stuckEgressThatCannotBeStoppedFailsTheFutureAndReleasesTheLockAtOnce() throws Exception {
    faults.egressStuckInStarting(true).stopEgressUnavailable(true);

    CompletableFuture<Recording> pending = manager.startAsync(ROOM, StartOptions.defaults());

    assertThatThrownBy(() -> pending.get(15, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOfSatisfying(RecordingException.class, e -> {
          assertThat(e.reason()).isEqualTo(RecordingException.Reason.START_TIMED_OUT);
          assertThat(e.getMessage()).isEqualTo(TIMED_OUT);
        });
    assertThat(pending).isCompletedExceptionally();
    assertThat(locks.get(ROOM)).isEmpty();
    assertThat(livekit.requestCount("Egress/StopEgress")).isEqualTo(1);
    assertThat(livekit.egresses()).singleElement().extracting(EgressInfo::getStatus)
        .isEqualTo(EgressStatus.EGRESS_STARTING);
  }

  @Test
  void startTimingOutAfterItsEgressEndedUnheardReleasesTheLockAtOnce() {
    // The egress aborts right after the manager stored it as starting; the manager never hears of it.
    faults.egressStuckInStarting(true).dropEvent("egress_started").dropEvent("egress_ended");
    abortWhenStored.set(true);

    assertThatThrownBy(() -> manager.start(ROOM, StartOptions.defaults()))
        .isInstanceOfSatisfying(RecordingException.class, e -> {
          assertThat(e.reason()).isEqualTo(RecordingException.Reason.START_TIMED_OUT);
          assertThat(e.getMessage()).isEqualTo(TIMED_OUT);
        });

    assertThat(locks.get(ROOM)).isEmpty();
    assertThat(livekit.requestCount("Egress/StopEgress")).as("StopEgress was asked and refused (412)").isEqualTo(1);
    assertThat(livekit.egresses()).singleElement().extracting(EgressInfo::getStatus)
        .isEqualTo(EgressStatus.EGRESS_ABORTED);
  }

  @Test
  void startThatLiveKitRefusesIsRejectedWithLiveKitsReasonAndLeavesNothingBehind() {
    faults.startEgressNotEnoughCpu(true);

    assertThatThrownBy(() -> manager.start(ROOM, StartOptions.defaults()))
        .isInstanceOfSatisfying(RecordingException.class, e -> {
          assertThat(e.reason()).isEqualTo(RecordingException.Reason.LIVEKIT_ERROR);
          assertThat(e.getMessage()).contains("room-1").contains("not enough CPU");
        });

    assertThat(locks.get(ROOM)).isEmpty();
    assertThat(livekit.egresses()).isEmpty();
    assertThat(manager.list(RecordingQuery.all()).recordings()).isEmpty();
  }

  @Test
  void egressThatBecomesActiveAfterItsStartTimedOutKeepsTheRoomLockedUntilItEnds() {
    faults.egressStuckInStarting(true).stopEgressUnavailable(true);
    assertThatThrownBy(() -> manager.start(ROOM, StartOptions.defaults()))
        .isInstanceOfSatisfying(RecordingException.class,
            e -> assertThat(e.reason()).isEqualTo(RecordingException.Reason.START_TIMED_OUT));
    assertThat(locks.get(ROOM)).as("released: StopEgress failed").isEmpty();
    String late = livekit.egresses().get(0).getEgressId();

    faults.egressStuckInStarting(false).stopEgressUnavailable(false);
    livekit.forceEgressStatus(late, EgressStatus.EGRESS_ACTIVE);

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(locks.get(ROOM)).get()
        .satisfies(lock -> assertThat(lock.egressId()).isEqualTo(late)));
    assertThatThrownBy(() -> manager.start(ROOM, StartOptions.defaults()))
        .isInstanceOfSatisfying(RecordingException.class,
            e -> assertThat(e.reason()).isEqualTo(RecordingException.Reason.ALREADY_RECORDING));
    assertThat(livekit.egresses()).hasSize(1);

    livekit.forceEgressStatus(late, EgressStatus.EGRESS_COMPLETE);

    await().atMost(Duration.ofSeconds(10)).until(() -> locks.get(ROOM).isEmpty());
    Recording next = manager.start(ROOM, StartOptions.defaults());
    assertThat(next.status()).isEqualTo(RecordingStatus.ACTIVE);
    assertThat(next.id().egressId()).isNotEqualTo(late);
  }
}
