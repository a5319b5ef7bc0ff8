package dev.meet.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.meet.core.BulkDeleteResult;
import dev.meet.core.Recording;
import dev.meet.core.RecordingStatus;
import dev.meet.core.StartOptions;
import dev.meet.core.WebhookOutcome;
import dev.meet.core.events.inmemory.InMemoryRecordingEvents;
import dev.meet.core.livekit.LiveKitSettings;
import dev.meet.core.lock.LockValue;
import dev.meet.core.lock.RecordingLockProvider;
import dev.meet.core.storage.StorageLayout;
import dev.meet.core.storage.s3.S3RecordingStorage;
import dev.meet.core.testing.RecordingSystem;
import dev.meet.core.testing.TestS3;
import dev.meet.testkit.redis.RedisServer;
import dev.meet.testkit.redis.RedisServerExtension;
import dev.meet.testkit.s3.S3ProxyExtension;
import dev.meet.testkit.s3.S3Server;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import livekit.LivekitEgress.EgressStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Races and edge cases found in review: lost signals, shutdown, foreign deployments, early room_finished. */
@ExtendWith({RedisServerExtension.class, S3ProxyExtension.class})
class EdgeCasesTest {

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

  @Test
  void aStartWhoseActiveSignalWasLostSucceedsFromTheStoredStateAtItsTimeout() {
    system.newManager("receiver");
    // Signals of its own that nobody else publishes to: every ACTIVE signal is lost for this instance.
    InMemoryRecordingEvents deaf = new InMemoryRecordingEvents();
    RecordingManager starter = system.newManager("deaf", b -> b.events(deaf).startTimeout(Duration.ofSeconds(2))
        .collectorGrace(Duration.ofSeconds(10)));
    try {
      Recording recording = starter.start("room-1", StartOptions.defaults());

      assertThat(recording.status()).isEqualTo(RecordingStatus.ACTIVE);
      assertThat(system.livekit().requestCount("Egress/StopEgress")).isZero();
    } finally {
      deaf.close();
    }
  }

  @Test
  void shutdownStopsTheEgressOfAStartItRejects() {
    RecordingManager manager = system.newManager("a", b -> b.startTimeout(Duration.ofSeconds(30))
        .collectorGrace(Duration.ofSeconds(40)));
    system.livekit().faults().egressStuckInStarting(true);
    CompletableFuture<Recording> inFlight = manager.startAsync("room-1", StartOptions.defaults());
    await().until(() -> system.livekit().egresses().size() == 1
        && locks.get("room-1").map(LockValue::egressId).isPresent());
    String egressId = system.livekit().egresses().get(0).getEgressId();

    manager.shutdown(Duration.ZERO);

    assertThat(inFlight).isCompletedExceptionally();
    // Stopped by shutdown itself, or by the start's own thread if it was between bind and waiting.
    await().untilAsserted(() -> assertThat(system.livekit().egress(egressId).orElseThrow().getStatus())
        .isEqualTo(EgressStatus.EGRESS_ABORTED));
  }

  @Test
  void egressesOfADeploymentWithAnotherPrefixAreNotOurs() {
    RecordingManager ours = system.newManager("ours", b -> b.storage(new S3RecordingStorage(system.s3Client(),
        system.s3().bucket(), new StorageLayout("other-deployment/"), TestS3.upload(system.s3()))));
    RecordingManager theirs = system.newManager("theirs");
    system.webhooks().routeTo(ours);

    CompletableFuture<Recording> theirStart = theirs.startAsync("room-1", StartOptions.defaults());
    await().until(() -> system.webhooks().outcomes().stream()
        .anyMatch(o -> o.message().contains("is not a recording of ours")));

    assertThat(system.webhooks().outcomes()).allSatisfy(o -> assertThat(o.kind()).isIn(
        WebhookOutcome.Kind.IGNORED, WebhookOutcome.Kind.PROCESSED));
    assertThat(system.s3Client().listObjectsV2(b -> b.bucket(system.s3().bucket()).prefix("other-deployment/"))
        .contents()).isEmpty();
    theirStart.cancel(true);
    // Cancelling stops their egress, which then writes its media: let it finish before the bucket goes away.
    await().until(() -> system.livekit().egresses().stream().filter(e -> e.getRoomName().equals("room-1"))
        .allMatch(e -> e.getStatus() != EgressStatus.EGRESS_STARTING && e.getStatus() != EgressStatus.EGRESS_ACTIVE
            && e.getStatus() != EgressStatus.EGRESS_ENDING));
  }

  @Test
  void aRoomFinishedDuringAStartDoesNotFreeTheStartsUnboundLock() {
    RecordingManager manager = system.newManager("a");
    LockValue starting = new LockValue("start-in-progress", null, "other-instance", Instant.now());
    assertThat(locks.tryAcquire("room-1", starting, Duration.ofMinutes(5))).isTrue();

    system.livekit().closeRoom("room-1");

    await().until(() -> system.webhooks().outcomes().stream()
        .anyMatch(o -> o.message().contains("room room-1 finished")));
    assertThat(locks.get("room-1")).contains(starting);
    assertThat(manager.isClosed()).isFalse();
  }

  @Test
  void aRoomFinishedDoesNotFreeAFreshUnboundLockWrittenByAnInstanceWhoseClockIsAnHourBehind() {
    system.newManager("a"); // the default lock lifetime, 6 h
    // Taken a moment ago as the store counts it (its full lifetime left), though the time written in it says an hour.
    LockValue starting =
        new LockValue("start-in-progress", null, "late-clock", Instant.now().minus(Duration.ofHours(1)));
    assertThat(locks.tryAcquire("room-1", starting, Duration.ofHours(6))).isTrue();

    system.livekit().closeRoom("room-1");

    await().until(() -> system.webhooks().outcomes().stream()
        .anyMatch(o -> o.message().contains("room room-1 finished")));
    assertThat(locks.get("room-1")).contains(starting);
  }

  @Test
  void aRoomFinishedFreesAnUnboundLockOlderThanTheGraceByBothMeasures() {
    system.newManager("a");
    // Taken an hour ago, as the store counts it (an hour of its lifetime gone) and as the time written in it says.
    LockValue crashed = new LockValue("crashed-start", null, "crashed", Instant.now().minus(Duration.ofHours(1)));
    assertThat(locks.tryAcquire("room-1", crashed, Duration.ofHours(6 - 1))).isTrue();

    system.livekit().closeRoom("room-1");

    await().until(() -> system.webhooks().outcomes().stream()
        .anyMatch(o -> o.message().contains("room room-1 finished, active lock released")));
    assertThat(locks.get("room-1")).isEmpty();
  }

  @Test
  void aRoomFinishedDoesNotFreeAFreshUnboundLockTakenByAnInstanceWithAShorterLockTtl() {
    system.newManager("a"); // the default lock lifetime, 6 h
    // Another instance takes its locks for 1 h (a rolling change of the setting): the store alone would say 5 h old.
    LockValue starting = new LockValue("start-in-progress", null, "instance-with-1h-ttl", Instant.now());
    assertThat(locks.tryAcquire("room-1", starting, Duration.ofHours(1))).isTrue();

    system.livekit().closeRoom("room-1");

    await().until(() -> system.webhooks().outcomes().stream()
        .anyMatch(o -> o.message().contains("room room-1 finished")));
    assertThat(locks.get("room-1")).contains(starting);
  }

  @Test
  void aCorruptStoredRecordingIsAnInternalErrorThatDoesNotQuoteTheDocument() {
    RecordingManager manager = system.newManager("a");
    dev.meet.core.RecordingId id = new dev.meet.core.RecordingId("room-1", "EG_Corrupt00001",
        dev.meet.core.RecordingId.newUid());
    system.s3().seed(StorageLayout.defaults().metadataKey(id),
        "{\"secret-looking\": ".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    assertThatThrownBy(() -> manager.get(id.toString()))
        .isInstanceOfSatisfying(dev.meet.core.RecordingException.class, e -> {
          assertThat(e.reason()).isEqualTo(dev.meet.core.RecordingException.Reason.INTERNAL_ERROR);
          assertThat(e.getMessage()).isEqualTo("A stored recording cannot be read").doesNotContain("secret-looking");
        });
  }

  @Test
  void instanceIdsThatCannotBeWrittenIntoALockAreRefusedByTheBuilder() {
    assertThatThrownBy(() -> RecordingManager.builder().instanceId("host name|with bar"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("instanceId");
    assertThatThrownBy(() -> RecordingManager.builder()
        .liveKit(new LiveKitSettings("http://127.0.0.1:1", "k", "s")).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("storage");
  }

  @Test
  void deleteAllReportsNullAndBlankIdsAsFailuresAndStillDeletesTheOthers() {
    RecordingManager manager = system.newManager("deleter");
    Recording recording = manager.start("room-1", StartOptions.defaults());
    manager.stop(recording.recordingId());
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> manager.get(recording.recordingId()).orElseThrow().status().isTerminal());
    List<String> ids = new java.util.ArrayList<>();
    ids.add(null);
    ids.add("   ");
    ids.add(recording.recordingId());

    BulkDeleteResult result = manager.deleteAll(ids);

    assertThat(result.deleted()).containsExactly(recording.recordingId());
    assertThat(result.failed()).extracting(BulkDeleteResult.Failure::recordingId).containsExactly("", "   ");
    assertThat(result.failed()).allSatisfy(failure -> assertThat(failure.error()).contains("recordingId"));
    assertThat(manager.get(recording.recordingId())).isEmpty();
  }
}
