package dev.meet.core.livekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meet.core.livekit.RoomCheck.Rejection;
import dev.meet.testkit.livekit.LiveKitEmulator;
import dev.meet.testkit.livekit.LiveKitEmulatorExtension;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EncodedFileOutput;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitModels.Room;
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
    ParticipantInfo recorder = ParticipantInfo.newBuilder()
        .setIdentity("EG_recorder").setKind(ParticipantInfo.Kind.EGRESS).build();
    LiveKitRoomPolicy onlyRecorder = new LiveKitRoomPolicy(new RoomWith(List.of(recorder)));

    assertThat(onlyRecorder.check("room-1").rejection()).isEqualTo(Rejection.NO_PARTICIPANTS);
  }

  @Test
  void aRoomWithAPersonBesidesTheRecorderMayBeRecorded() {
    ParticipantInfo recorder = ParticipantInfo.newBuilder()
        .setIdentity("EG_recorder").setKind(ParticipantInfo.Kind.EGRESS).build();
    ParticipantInfo person = ParticipantInfo.newBuilder()
        .setIdentity("alice").setKind(ParticipantInfo.Kind.STANDARD).build();
    LiveKitRoomPolicy policyWithPerson = new LiveKitRoomPolicy(new RoomWith(List.of(recorder, person)));

    assertThat(policyWithPerson.check("room-1").isAllowed()).isTrue();
  }

  /** A LiveKit that knows one room, with these participants, and nothing else. */
  private record RoomWith(List<ParticipantInfo> participants) implements LiveKitGateway {

    @Override
    public Optional<Room> findRoom(String roomName) {
      return Optional.of(Room.newBuilder().setName(roomName).build());
    }

    @Override
    public List<ParticipantInfo> listParticipants(String roomName) {
      return participants;
    }

    @Override
    public EgressInfo startRoomComposite(String roomName, EncodedFileOutput file, @Nullable String layout,
        EncodingChoice encoding) {
      throw new UnsupportedOperationException();
    }

    @Override
    public EgressInfo stopEgress(String egressId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<EgressInfo> findEgress(String egressId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<EgressInfo> listActiveEgress() {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<EgressInfo> listEgress(String roomName) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<Room> listRooms() {
      throw new UnsupportedOperationException();
    }
  }
}
