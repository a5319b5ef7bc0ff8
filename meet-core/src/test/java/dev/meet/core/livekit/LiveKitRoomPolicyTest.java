package dev.meet.core.livekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meet.core.RecordingEncoding;
import dev.meet.core.livekit.RoomCheck.Rejection;
import dev.meet.core.storage.MediaTarget;
import dev.meet.testkit.livekit.LiveKitEmulator;
import dev.meet.testkit.livekit.LiveKitEmulatorExtension;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The default room policy asking the LiveKit emulator through the real gateway. */
class LiveKitRoomPolicyTest {

  @RegisterExtension
  static final LiveKitEmulatorExtension LIVEKIT = new LiveKitEmulatorExtension();

  private static final AtomicInteger ROOMS = new AtomicInteger();

  private LiveKitEmulator emulator;
  private LiveKitSdkGateway gateway;
  private LiveKitRoomPolicy policy;

  @BeforeEach
  void connect() {
    emulator = LIVEKIT.emulator();
    gateway = new LiveKitSdkGateway(new LiveKitSettings(emulator.url(), emulator.apiKey(), emulator.apiSecret()));
    policy = new LiveKitRoomPolicy(gateway);
  }

  @AfterEach
  void disconnect() {
    gateway.close();
  }

  private static String newRoom() {
    return "policy-room-" + ROOMS.incrementAndGet();
  }

  @Test
  void aRoomWithAParticipantMayBeRecorded() {
    String room = newRoom();
    emulator.addParticipant(room, "alice", false);

    RoomCheck check = policy.check(room);

    assertThat(check.isAllowed()).isTrue();
    assertThat(check.roomName()).isEqualTo(room);
  }

  @Test
  void aRoomLiveKitDoesNotKnowIsRejectedAsNotFound() {
    RoomCheck check = policy.check("policy-nowhere");

    assertThat(check.isAllowed()).isFalse();
    assertThat(check.rejection()).isEqualTo(Rejection.ROOM_NOT_FOUND);
    assertThat(check.message()).isEqualTo("Room 'policy-nowhere' does not exist");
  }

  @Test
  void anEmptyRoomIsRejectedForHavingNoParticipants() {
    String room = newRoom();
    emulator.createRoom(room);

    RoomCheck check = policy.check(room);

    assertThat(check.rejection()).isEqualTo(Rejection.NO_PARTICIPANTS);
    assertThat(check.message()).isEqualTo("Room '" + room + "' has no participants");
  }

  @Test
  void aRoomEveryoneLeftIsRejectedForHavingNoParticipants() {
    String room = newRoom();
    emulator.addParticipant(room, "alice", true);
    emulator.removeParticipant(room, "alice");

    assertThat(policy.check(room).rejection()).isEqualTo(Rejection.NO_PARTICIPANTS);
  }

  @Test
  void anUnreachableLiveKitIsAnErrorNotARejection() {
    String room = newRoom();
    emulator.addParticipant(room, "alice", true);
    emulator.startOutage();

    assertThatThrownBy(() -> policy.check(room))
        .isInstanceOfSatisfying(LiveKitException.class, e -> assertThat(e.isUnreachable()).isTrue());
  }

  @Test
  void aRoomWhoseOnlyParticipantIsAnEgressRecorderIsRejectedForHavingNoParticipants() {
    // The emulator does not model recorder participants, so this one case uses a gateway stub.
    LiveKitParticipant recorder = new LiveKitParticipant("EG_recorder", true);
    LiveKitRoomPolicy onlyRecorder = new LiveKitRoomPolicy(new RoomWith(List.of(recorder)));

    assertThat(onlyRecorder.check("room-1").rejection()).isEqualTo(Rejection.NO_PARTICIPANTS);
  }

  @Test
  void aRoomWithAPersonBesidesTheRecorderMayBeRecorded() {
    LiveKitParticipant recorder = new LiveKitParticipant("EG_recorder", true);
    LiveKitParticipant person = new LiveKitParticipant("alice", false);
    LiveKitRoomPolicy policyWithPerson = new LiveKitRoomPolicy(new RoomWith(List.of(recorder, person)));

    assertThat(policyWithPerson.check("room-1").isAllowed()).isTrue();
  }

  /** A LiveKit that knows one room, with these participants, and nothing else. */
  private record RoomWith(List<LiveKitParticipant> participants) implements LiveKitGateway {

    @Override
    public Optional<LiveKitRoom> findRoom(String roomName) {
      return Optional.of(new LiveKitRoom(roomName));
    }

    @Override
    public List<LiveKitParticipant> listParticipants(String roomName) {
      return participants;
    }

    @Override
    public EgressState startRoomComposite(String roomName, MediaTarget target, @Nullable String layout,
        RecordingEncoding encoding) {
      throw new UnsupportedOperationException();
    }

    @Override
    public EgressState stopEgress(String egressId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<EgressState> findEgress(String egressId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<EgressState> listActiveEgress() {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<EgressState> listEgress(String roomName) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<LiveKitRoom> listRooms() {
      throw new UnsupportedOperationException();
    }
  }
}
