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
import dev.meet.core.lock.LockValue;
import dev.meet.core.lock.RecordingLockProvider;
import dev.meet.core.storage.RecordingMetadata;
import dev.meet.core.storage.RecordingQuery;
import dev.meet.core.storage.RecordingSecrets;
import dev.meet.core.testing.RecordingSystem;
import dev.meet.testkit.redis.RedisServer;
import dev.meet.testkit.redis.RedisServerExtension;
import dev.meet.testkit.s3.S3ProxyExtension;
import dev.meet.testkit.s3.S3Server;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Flow 8 of the issue: recordings whose {@code egress_ended} never arrived are ended from LiveKit's own state, so
 * nothing stays "active" forever, and a recording LiveKit forgot is aborted.
 */
@ExtendWith({RedisServerExtension.class, S3ProxyExtension.class})
class RecordingReconcilerTest {

  private RecordingSystem system;
  private RecordingManager manager;
  private RecordingLockProvider locks;

  @BeforeEach
  void start(RedisServer redis, S3Server s3) {
    system = new RecordingSystem(redis, s3);
    manager = system.newManager("instance-a");
    locks = system.newLockProvider();
    system.livekit().addParticipant("room-1", "alice", true);
  }

  @AfterEach
  void stop() {
    system.close();
  }

  private RecordingStatus statusOf(Recording recording) {
    return manager.get(recording.recordingId()).orElseThrow().status();
  }

  /** A recording stored as if an instance had started it, for an egress the emulator has never seen. */
  private Recording storeRecordingLiveKitNeverHeardOf(String egressId, Instant startedAt) {
    RecordingId id = new RecordingId("room-1", egressId, RecordingId.newUid());
    Recording recording = new Recording(id.toString(), "room-1", "room-1", RecordingStatus.ACTIVE, "grid",
        RecordingEncoding.DEFAULT, id.mediaBaseName() + ".mp4", startedAt.toEpochMilli(), null, null, null, null,
        null, null);
    assertThat(system.newStorage().create(new RecordingMetadata(recording, 0), RecordingSecrets.generate()))
        .isPresent();
    return recording;
  }

  @Test
  void recordingWhoseEgressEndedWebhookWasLostEndsCompleteWithItsSizeAfterOneRun() {
    system.livekit().faults().dropEvent("egress_ended");
    Recording recording = manager.start("room-1", StartOptions.defaults());
    manager.stop(recording.recordingId());
    await().atMost(Duration.ofSeconds(10)).until(() -> system.livekit().egress(recording.id().egressId())
        .orElseThrow().getStatus() == EgressStatus.EGRESS_COMPLETE);
    assertThat(statusOf(recording)).isEqualTo(RecordingStatus.ENDING);
    assertThat(locks.get("room-1")).isPresent();

    CollectorRun run = manager.reconcileStaleRecordings();

    assertThat(run.ran()).isTrue();
    assertThat(run.error()).isNull();
    assertThat(run.repaired()).isEqualTo(1);
    Recording reconciled = manager.get(recording.recordingId()).orElseThrow();
    EgressInfo egress = system.livekit().egress(recording.id().egressId()).orElseThrow();
    assertThat(reconciled.status()).isEqualTo(RecordingStatus.COMPLETE);
    assertThat(reconciled.size()).isPositive().isEqualTo(egress.getFileResults(0).getSize());
    assertThat(reconciled.details()).isEqualTo("End reason: StopEgress API");
    assertThat(locks.get("room-1")).isEmpty();
    assertThat(system.livekit().webhookDeliveries("egress_ended")).isEmpty();
  }

  @Test
  void startingRecordingWhoseEgressAbortedWhileItsWebhooksWereLostBecomesAbortedAndFreesTheRoom() {
    system.livekit().faults().egressStuckInStarting(true).dropEvent("egress_ended");
    CompletableFuture<Recording> start = manager.startAsync("room-1", StartOptions.defaults());
    // The start times out and stops the egress, which aborts; its egress_ended is lost, so the room stays locked.
    assertThatThrownBy(start::join).cause().isInstanceOfSatisfying(RecordingException.class,
        e -> assertThat(e.reason()).isEqualTo(RecordingException.Reason.START_TIMED_OUT));
    Recording recording = manager.list(RecordingQuery.all()).recordings().get(0);
    assertThat(recording.status()).isEqualTo(RecordingStatus.STARTING);
    assertThat(system.livekit().egress(recording.id().egressId()).orElseThrow().getStatus())
        .isEqualTo(EgressStatus.EGRESS_ABORTED);
    assertThat(locks.get("room-1")).get().extracting(LockValue::egressId).isEqualTo(recording.id().egressId());

    CollectorRun run = manager.reconcileStaleRecordings();

    assertThat(run.repaired()).isEqualTo(1);
    Recording reconciled = manager.get(recording.recordingId()).orElseThrow();
    assertThat(reconciled.status()).isEqualTo(RecordingStatus.ABORTED);
    assertThat(reconciled.error()).isEqualTo("Stop called before pipeline could start");
    assertThat(locks.get("room-1")).isEmpty();
  }

  @Test
  void recordingLiveKitNeverHeardOfIsAbortedAsEgressLost() {
    Recording lost = storeRecordingLiveKitNeverHeardOf("EG_NeverStarted1", Instant.now().minus(Duration.ofMinutes(10)));

    CollectorRun run = manager.reconcileStaleRecordings();

    assertThat(run.repaired()).isEqualTo(1);
    Recording reconciled = manager.get(lost.recordingId()).orElseThrow();
    assertThat(reconciled.status()).isEqualTo(RecordingStatus.ABORTED);
    assertThat(reconciled.error()).isEqualTo("egress lost");
    assertThat(reconciled.details()).contains("EG_NeverStarted1");
  }

  @Test
  void recordingLiveKitDoesNotKnowIsGivenTheGracePeriodBeforeItIsAborted() {
    // A grace period no slow machine can outlast between storing the recording and the run.
    RecordingManager patient = system.newManager("instance-b", b -> b.collectorGrace(Duration.ofMinutes(5)));
    Recording recent = storeRecordingLiveKitNeverHeardOf("EG_JustStarted12", Instant.now());

    CollectorRun run = patient.reconcileStaleRecordings();

    assertThat(run.examined()).isEqualTo(1);
    assertThat(run.repaired()).isZero();
    assertThat(statusOf(recent)).isEqualTo(RecordingStatus.ACTIVE);
  }

  @Test
  void activeRecordingIsLeftAlone() {
    Recording recording = manager.start("room-1", StartOptions.defaults());

    CollectorRun run = manager.reconcileStaleRecordings();

    assertThat(run.ran()).isTrue();
    assertThat(run.examined()).isEqualTo(1);
    assertThat(run.repaired()).isZero();
    assertThat(statusOf(recording)).isEqualTo(RecordingStatus.ACTIVE);
    assertThat(locks.get("room-1")).get().extracting(LockValue::egressId).isEqualTo(recording.id().egressId());
  }

  @Test
  void runCostsOneListEgressPlusOnePerStaleCandidate() {
    manager.start("room-1", StartOptions.defaults());
    Instant old = Instant.now().minus(Duration.ofMinutes(10));
    storeRecordingLiveKitNeverHeardOf("EG_LostOne000001", old);
    storeRecordingLiveKitNeverHeardOf("EG_LostTwo000002", old);
    system.livekit().resetRequestCounts();

    CollectorRun run = manager.reconcileStaleRecordings();

    assertThat(run.examined()).isEqualTo(3);
    assertThat(run.repaired()).isEqualTo(2);
    assertThat(system.livekit().requestCount("Egress/ListEgress")).isEqualTo(1 + 2);
  }
}
