package dev.meet.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.meet.core.RecordingException;
import dev.meet.core.StartOptions;
import dev.meet.core.livekit.LiveKitSettings;
import dev.meet.core.lock.RecordingLockProvider;
import dev.meet.core.testing.RecordingSystem;
import dev.meet.testkit.livekit.LiveKitEmulator;
import dev.meet.testkit.livekit.LostAnswer;
import dev.meet.testkit.redis.RedisServer;
import dev.meet.testkit.redis.RedisServerExtension;
import dev.meet.testkit.s3.S3ProxyExtension;
import dev.meet.testkit.s3.S3Server;
import java.time.Duration;
import java.util.List;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A StartRoomCompositeEgress that LiveKit applied but whose answer was lost: the caller is told the start failed, so
 * the egress it created must not go on recording (nor hold the room), and it is created once only.
 */
@ExtendWith({RedisServerExtension.class, S3ProxyExtension.class})
class StartLostAnswerTest {

  private static final String START = "Egress/StartRoomCompositeEgress";

  private RecordingSystem system;
  private LiveKitEmulator livekit;
  private RecordingLockProvider locks;

  @BeforeEach
  void start(RedisServer redis, S3Server s3) {
    system = new RecordingSystem(redis, s3);
    livekit = system.livekit();
    locks = system.newLockProvider();
    livekit.addParticipant("room-1", "alice", true);
  }

  @AfterEach
  void stop() {
    system.close();
  }

  private List<EgressInfo> egressesOfRoom() {
    return livekit.egresses().stream().filter(e -> e.getRoomName().equals("room-1")).toList();
  }

  private void assertNothingRecordsAndTheRoomIsFree() {
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(egressesOfRoom()).isNotEmpty().allSatisfy(egress -> assertThat(egress.getStatus())
          .isNotIn(EgressStatus.EGRESS_STARTING, EgressStatus.EGRESS_ACTIVE, EgressStatus.EGRESS_ENDING));
      assertThat(locks.get("room-1")).isEmpty();
    });
  }

  @Test
  void aStartAnswered408IsSentOnceSoItCreatesAtMostOneEgress() {
    RecordingManager manager = system.newManager("instance-a");
    livekit.faults().loseAnswer(START, LostAnswer.DEADLINE_EXCEEDED);

    assertThatThrownBy(() -> manager.start("room-1", StartOptions.defaults()))
        .isInstanceOf(RecordingException.class);

    assertThat(livekit.requestCount(START)).isEqualTo(1);
    assertThat(egressesOfRoom()).hasSize(1);
    assertNothingRecordsAndTheRoomIsFree();
  }

  @Test
  void aStartWhoseAnswerWasLostAsUnavailableStopsTheEgressItCreated() {
    RecordingManager manager = system.newManager("instance-a");
    livekit.faults().loseAnswer(START, LostAnswer.UNAVAILABLE);

    assertThatThrownBy(() -> manager.start("room-1", StartOptions.defaults()))
        .isInstanceOf(RecordingException.class);
    livekit.faults().loseAnswer(START, LostAnswer.NONE);

    assertNothingRecordsAndTheRoomIsFree();
    // The room can be recorded again at once.
    assertThat(manager.start("room-1", StartOptions.defaults()).status().isTerminal()).isFalse();
  }

  @Test
  void aStartWhoseAnswerNeverCameStopsTheEgressItCreated() {
    RecordingManager manager = system.newManager("instance-a", b -> b.liveKit(
        new LiveKitSettings(livekit.url(), livekit.apiKey(), livekit.apiSecret(), Duration.ofSeconds(1))));
    livekit.faults().loseAnswer(START, LostAnswer.TIMEOUT);

    assertThatThrownBy(() -> manager.start("room-1", StartOptions.defaults()))
        .isInstanceOf(RecordingException.class);
    livekit.faults().loseAnswer(START, LostAnswer.NONE);

    assertNothingRecordsAndTheRoomIsFree();
  }
}
