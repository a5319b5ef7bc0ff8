package dev.meet.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.meet.core.Recording;
import dev.meet.core.RecordingEncoding;
import dev.meet.core.RecordingException;
import dev.meet.core.RecordingId;
import dev.meet.core.RecordingStatus;
import dev.meet.core.StartOptions;
import dev.meet.core.lock.RecordingLockProvider;
import dev.meet.core.storage.MediaContent;
import dev.meet.core.testing.RecordingSystem;
import dev.meet.testkit.redis.RedisServer;
import dev.meet.testkit.redis.RedisServerExtension;
import dev.meet.testkit.s3.S3ProxyExtension;
import dev.meet.testkit.s3.S3Server;
import java.time.Duration;
import livekit.LivekitEgress.EgressStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/** Flow 1 of the issue: a recording from start to complete, against the emulator, Redis and S3. */
@ExtendWith({RedisServerExtension.class, S3ProxyExtension.class})
class RecordingLifecycleTest {

  private RecordingSystem system;
  private RecordingManager manager;
  private RecordingLockProvider locks;
  private final RecordingSystem.Changes changes = new RecordingSystem.Changes();

  @BeforeEach
  void start(RedisServer redis, S3Server s3) {
    system = new RecordingSystem(redis, s3);
    manager = system.newManager("instance-a", b -> b.listener(changes));
    locks = system.newLockProvider();
    system.livekit().addParticipant("room-1", "alice", true);
  }

  @AfterEach
  void stop() {
    system.close();
  }

  @Test
  void recordingGoesFromStartToCompleteWithMetadataAndMediaInTheLayout() throws Exception {
    Recording started = manager.start("room-1", StartOptions.defaults());

    assertThat(started.status()).isEqualTo(RecordingStatus.ACTIVE);
    assertThat(started.roomId()).isEqualTo("room-1");
    assertThat(started.layout()).isEqualTo("grid");
    assertThat(started.encoding()).isEqualTo(RecordingEncoding.DEFAULT);
    RecordingId id = started.id();
    assertThat(locks.get("room-1")).get().satisfies(v -> assertThat(v.egressId()).isEqualTo(id.egressId()));

    Recording stopping = manager.stop(started.recordingId());
    assertThat(stopping.status()).isEqualTo(RecordingStatus.ENDING);

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(manager.get(started.recordingId())).get().extracting(Recording::status)
            .isEqualTo(RecordingStatus.COMPLETE));
    Recording complete = manager.get(started.recordingId()).orElseThrow();
    assertThat(complete.size()).isPositive();
    assertThat(complete.duration()).isPositive();
    assertThat(complete.startDate()).isPositive();
    assertThat(complete.endDate()).isGreaterThanOrEqualTo(complete.startDate());
    assertThat(complete.details()).isEqualTo("End reason: StopEgress API");
    assertThat(complete.filename()).isEqualTo("room-1--" + id.uid() + ".mp4");
    assertThat(locks.get("room-1")).isEmpty();

    String bucket = system.s3().bucket();
    String base = "openvidu-meet/recordings/";
    HeadObjectResponse media = system.s3Client().headObject(b -> b.bucket(bucket)
        .key(base + "room-1/room-1--" + id.uid() + ".mp4"));
    assertThat(media.contentLength()).isEqualTo(complete.size());
    assertThat(system.s3Client().headObject(b -> b.bucket(bucket)
        .key(base + ".metadata/room-1/" + id.egressId() + "/" + id.uid() + ".json")).contentLength()).isPositive();
    assertThat(system.s3Client().headObject(b -> b.bucket(bucket)
        .key(base + ".secrets/room-1/" + id.egressId() + "/" + id.uid() + ".json")).contentLength()).isPositive();

    try (MediaContent content = manager.openMedia(started.recordingId(), null)) {
      byte[] bytes = content.stream().readAllBytes();
      assertThat(bytes).hasSize(complete.size().intValue());
      assertThat(new String(bytes, 4, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("ftyp");
    }
    assertThat(changes.seen()).containsSubsequence(
        started.recordingId() + ":starting", started.recordingId() + ":active",
        started.recordingId() + ":ending", started.recordingId() + ":complete");
  }

  @Test
  void startingAgainWhileRecordingIsRejectedAtOnce() {
    manager.start("room-1", StartOptions.defaults());

    assertThatThrownBy(() -> manager.start("room-1", StartOptions.defaults()))
        .isInstanceOfSatisfying(RecordingException.class, e -> {
          assertThat(e.reason()).isEqualTo(RecordingException.Reason.ALREADY_RECORDING);
          assertThat(e.getMessage()).isEqualTo("Room 'room-1' is already being recorded");
        });
  }

  @Test
  void stoppingTwiceSaysAlreadyStoppedAndTerminalRecordingsCanBeDeleted() {
    Recording started = manager.start("room-1", StartOptions.defaults());
    manager.stop(started.recordingId());

    assertThatThrownBy(() -> manager.delete(started.recordingId()))
        .isInstanceOfSatisfying(RecordingException.class,
            e -> assertThat(e.reason()).isEqualTo(RecordingException.Reason.NOT_STOPPED));
    await().atMost(Duration.ofSeconds(10)).until(() ->
        manager.get(started.recordingId()).orElseThrow().status().isTerminal());
    assertThatThrownBy(() -> manager.stop(started.recordingId()))
        .isInstanceOfSatisfying(RecordingException.class,
            e -> assertThat(e.reason()).isEqualTo(RecordingException.Reason.ALREADY_STOPPED));

    manager.delete(started.recordingId());

    assertThat(manager.get(started.recordingId())).isEmpty();
    assertThat(system.s3Client().listObjectsV2(b -> b.bucket(system.s3().bucket())).contents()).isEmpty();
  }

  @Test
  void roomsThatCannotBeRecordedAreRejectedWithTheirReason() {
    assertThatThrownBy(() -> manager.start("nobody-here", StartOptions.defaults()))
        .isInstanceOfSatisfying(RecordingException.class,
            e -> assertThat(e.reason()).isEqualTo(RecordingException.Reason.ROOM_NOT_FOUND));
    system.livekit().createRoom("empty-room");
    assertThatThrownBy(() -> manager.start("empty-room", StartOptions.defaults()))
        .isInstanceOfSatisfying(RecordingException.class,
            e -> assertThat(e.reason()).isEqualTo(RecordingException.Reason.NO_PARTICIPANTS));
    assertThat(locks.get("nobody-here")).isEmpty();
    assertThat(locks.get("empty-room")).isEmpty();
  }

  @Test
  void stoppingWhileStartingAsksLiveKitAndAnswersConflict() throws Exception {
    system.livekit().faults().egressStuckInStarting(true);
    var pending = manager.startAsync("room-1", StartOptions.defaults());
    await().until(() -> !system.livekit().egresses().isEmpty());
    String egressId = system.livekit().egresses().get(0).getEgressId();
    await().until(() -> manager.list(dev.meet.core.storage.RecordingQuery.all()).recordings().size() == 1);
    String recordingId = manager.list(dev.meet.core.storage.RecordingQuery.all()).recordings().get(0).recordingId();

    assertThatThrownBy(() -> manager.stop(recordingId))
        .isInstanceOfSatisfying(RecordingException.class,
            e -> assertThat(e.reason()).isEqualTo(RecordingException.Reason.CANNOT_STOP_WHILE_STARTING));
    assertThat(system.livekit().egress(egressId).orElseThrow().getStatus()).isEqualTo(EgressStatus.EGRESS_ABORTED);
    assertThatThrownBy(pending::join).hasCauseInstanceOf(RecordingException.class);
  }
}
