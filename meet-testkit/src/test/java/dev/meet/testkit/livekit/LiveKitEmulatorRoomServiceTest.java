package dev.meet.testkit.livekit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.livekit.server.EgressServiceClient;
import io.livekit.server.RoomServiceClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import livekit.LivekitEgress.EncodedFileOutput;
import livekit.LivekitEgress.EncodedFileType;
import livekit.LivekitModels.DataPacket;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitModels.ParticipantPermission;
import livekit.LivekitModels.Room;
import livekit.LivekitModels.TrackInfo;
import livekit.LivekitRoom.SendDataRequest;
import livekit.LivekitRoom.UpdateRoomMetadataRequest;
import livekit.LivekitRoom.UpdateSubscriptionsRequest;
import livekit.LivekitWebhook.WebhookEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import retrofit2.Call;
import retrofit2.Response;

/** Every RoomService call as the LiveKit server SDK makes it, and the room webhooks they cause. */
class LiveKitEmulatorRoomServiceTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path output;
  private WebhookSink sink;
  private LiveKitEmulator livekit;
  private RoomServiceClient rooms;

  @BeforeEach
  void start() throws IOException {
    sink = new WebhookSink("devkey", "secret");
    livekit = TestEmulators.fast(sink, output)
        .build()
        .start();
    rooms = RoomServiceClient.createClient(livekit.url(), livekit.apiKey(), livekit.apiSecret());
  }

  @AfterEach
  void stop() {
    livekit.close();
    sink.close();
  }

  // ------------------------------------------------------------------ CreateRoom

  @Test
  void createRoomReturnsARoomWithLiveKitsFields() throws Exception {
    Instant before = Instant.now();

    Room room = ok(rooms.createRoom("room-a", 120, 10, null, "{\"topic\":\"demo\"}"));

    Instant after = Instant.now();
    assertThat(room.getSid()).startsWith("RM_").hasSize(15);
    assertThat(room.getName()).isEqualTo("room-a");
    assertThat(room.getCreationTime()).isBetween(before.getEpochSecond(), after.getEpochSecond());
    assertThat(room.getCreationTimeMs()).isBetween(before.toEpochMilli(), after.toEpochMilli());
    assertThat(room.getEmptyTimeout()).isEqualTo(120);
    assertThat(room.getMaxParticipants()).isEqualTo(10);
    assertThat(room.getMetadata()).isEqualTo("{\"topic\":\"demo\"}");
    assertThat(room.getNumParticipants()).isZero();
    assertThat(room.getActiveRecording()).isFalse();
  }

  @Test
  void createRoomWithoutTimeoutsGetsLiveKitsDefaults() throws Exception {
    Room room = ok(rooms.createRoom("room-a"));

    assertThat(room.getEmptyTimeout()).isEqualTo(300);
    assertThat(room.getDepartureTimeout()).isEqualTo(20);
  }

  @Test
  void createRoomTwiceReturnsTheSameRoom() throws Exception {
    Room first = ok(rooms.createRoom("room-a"));

    Room second = ok(rooms.createRoom("room-a"));

    assertThat(second.getSid()).isEqualTo(first.getSid());
    assertThat(second.getCreationTimeMs()).isEqualTo(first.getCreationTimeMs());
    assertThat(ok(rooms.listRooms())).singleElement().extracting(Room::getSid).isEqualTo(first.getSid());
  }

  @Test
  void createRoomSendsRoomStartedOnlyForANewRoom() throws Exception {
    Room room = ok(rooms.createRoom("room-a"));
    ok(rooms.createRoom("room-a"));

    WebhookEvent started = sink.await(e -> e.getEvent().equals("room_started"), WAIT);
    livekit.awaitWebhooksIdle(WAIT);

    assertThat(started.getRoom().getSid()).isEqualTo(room.getSid());
    assertThat(started.getRoom().getName()).isEqualTo("room-a");
    assertThat(sink.events()).containsOnlyOnce("room_started");
  }

  @Test
  void createRoomWithoutANameIsInvalid() throws Exception {
    TwirpFailure failure = failure(rooms.createRoom(""));

    assertThat(failure.status()).isEqualTo(400);
    assertThat(failure.code()).isEqualTo("invalid_argument");
  }

  // ------------------------------------------------------------------ ListRooms

  @Test
  void listRoomsReturnsEveryRoom() throws Exception {
    ok(rooms.createRoom("room-a"));
    ok(rooms.createRoom("room-b"));
    livekit.addParticipant("room-c", "alice", false);

    List<Room> all = ok(rooms.listRooms());

    assertThat(all).extracting(Room::getName).containsExactlyInAnyOrder("room-a", "room-b", "room-c");
  }

  @Test
  void listRoomsByNamesReturnsOnlyThoseThatExist() throws Exception {
    ok(rooms.createRoom("room-a"));
    ok(rooms.createRoom("room-b"));
    ok(rooms.createRoom("room-c"));

    List<Room> some = ok(rooms.listRooms(List.of("room-a", "room-c", "no-such-room")));

    assertThat(some).extracting(Room::getName).containsExactlyInAnyOrder("room-a", "room-c");
  }

  @Test
  void listRoomsWithoutRoomsIsEmpty() throws Exception {
    assertThat(ok(rooms.listRooms())).isEmpty();
  }

  // ------------------------------------------------------------------ DeleteRoom

  @Test
  void deleteRoomRemovesTheRoom() throws Exception {
    ok(rooms.createRoom("room-a"));
    ok(rooms.createRoom("room-b"));

    ok(rooms.deleteRoom("room-a"));

    assertThat(ok(rooms.listRooms())).extracting(Room::getName).containsExactly("room-b");
  }

  @Test
  void deleteRoomSendsParticipantLeftAndThenRoomFinished() throws Exception {
    Room room = ok(rooms.createRoom("room-a"));
    livekit.addParticipant("room-a", "alice", true);

    ok(rooms.deleteRoom("room-a"));

    WebhookEvent left = sink.await(e -> e.getEvent().equals("participant_left"), WAIT);
    WebhookEvent finished = sink.await(e -> e.getEvent().equals("room_finished"), WAIT);
    assertThat(left.getParticipant().getIdentity()).isEqualTo("alice");
    assertThat(left.getRoom().getName()).isEqualTo("room-a");
    assertThat(finished.getRoom().getSid()).isEqualTo(room.getSid());
    assertThat(finished.getRoom().getName()).isEqualTo("room-a");
  }

  @Test
  void deleteRoomOfAnUnknownRoomIsNotFound() throws Exception {
    TwirpFailure failure = failure(rooms.deleteRoom("no-such-room"));

    assertThat(failure.status()).isEqualTo(404);
    assertThat(failure.code()).isEqualTo("not_found");
  }

  // ------------------------------------------------------------------ participants

  @Test
  void listParticipantsReturnsTheParticipantsOfTheRoom() throws Exception {
    livekit.addParticipant("room-a", "alice", true);
    livekit.addParticipant("room-a", "bob", false);
    livekit.addParticipant("room-b", "carol", true);

    List<ParticipantInfo> participants = ok(rooms.listParticipants("room-a"));

    assertThat(participants).extracting(ParticipantInfo::getIdentity).containsExactlyInAnyOrder("alice", "bob");
    ParticipantInfo alice =
        participants.stream().filter(p -> p.getIdentity().equals("alice")).findFirst().orElseThrow();
    assertThat(alice.getSid()).startsWith("PA_");
    assertThat(alice.getState()).isEqualTo(ParticipantInfo.State.ACTIVE);
    assertThat(alice.getIsPublisher()).isTrue();
    assertThat(alice.getJoinedAt()).isPositive();
    assertThat(alice.getTracksList()).singleElement().satisfies(t -> assertThat(t.getSid()).startsWith("TR_"));
  }

  @Test
  void listParticipantsOfAnUnknownRoomIsEmpty() throws Exception {
    assertThat(ok(rooms.listParticipants("no-such-room"))).isEmpty();
  }

  @Test
  void getParticipantReturnsTheParticipant() throws Exception {
    ParticipantInfo joined = livekit.addParticipant("room-a", "alice", false);

    ParticipantInfo alice = ok(rooms.getParticipant("room-a", "alice"));

    assertThat(alice).isEqualTo(joined);
  }

  @Test
  void getParticipantOfAnUnknownIdentityIsNotFound() throws Exception {
    livekit.addParticipant("room-a", "alice", false);

    TwirpFailure failure = failure(rooms.getParticipant("room-a", "nobody"));

    assertThat(failure.status()).isEqualTo(404);
    assertThat(failure.code()).isEqualTo("not_found");
  }

  @Test
  void getParticipantInAnUnknownRoomIsNotFound() throws Exception {
    TwirpFailure failure = failure(rooms.getParticipant("no-such-room", "alice"));

    assertThat(failure.status()).isEqualTo(404);
  }

  @Test
  void updateParticipantChangesMetadataAndName() throws Exception {
    ParticipantInfo joined = livekit.addParticipant("room-a", "alice", false);

    ParticipantInfo updated = ok(rooms.updateParticipant("room-a", "alice", "Alice A.", "{\"hand\":true}"));

    assertThat(updated.getMetadata()).isEqualTo("{\"hand\":true}");
    assertThat(updated.getName()).isEqualTo("Alice A.");
    assertThat(updated.getVersion()).isGreaterThan(joined.getVersion());
    assertThat(ok(rooms.getParticipant("room-a", "alice"))).isEqualTo(updated);
  }

  @Test
  void updateParticipantWithOnlyANameKeepsTheMetadata() throws Exception {
    livekit.addParticipant("room-a", "alice", false);
    ok(rooms.updateParticipant("room-a", "alice", null, "kept"));

    ParticipantInfo updated = ok(rooms.updateParticipant("room-a", "alice", "Alice"));

    assertThat(updated.getMetadata()).isEqualTo("kept");
    assertThat(updated.getName()).isEqualTo("Alice");
  }

  @Test
  void updateParticipantChangesThePermission() throws Exception {
    livekit.addParticipant("room-a", "alice", true);
    ParticipantPermission viewer = ParticipantPermission.newBuilder()
        .setCanSubscribe(true)
        .setCanPublish(false)
        .setCanPublishData(false)
        .build();

    ParticipantInfo updated = ok(rooms.updateParticipant("room-a", "alice", null, null, viewer));

    assertThat(updated.getPermission()).isEqualTo(viewer);
    assertThat(ok(rooms.getParticipant("room-a", "alice")).getPermission()).isEqualTo(viewer);
  }

  @Test
  void updateParticipantMergesAttributesAndAnEmptyValueDeletesOne() throws Exception {
    livekit.addParticipant("room-a", "alice", false);
    ok(rooms.updateParticipant("room-a", "alice", null, null, null, Map.of("role", "host", "seat", "3")));

    ParticipantInfo updated =
        ok(rooms.updateParticipant("room-a", "alice", null, null, null, Map.of("seat", "", "mood", "calm")));

    assertThat(updated.getAttributesMap()).containsExactlyInAnyOrderEntriesOf(Map.of("role", "host", "mood", "calm"));
  }

  @Test
  void updateParticipantOfAnUnknownIdentityIsNotFound() throws Exception {
    livekit.addParticipant("room-a", "alice", false);

    TwirpFailure failure = failure(rooms.updateParticipant("room-a", "nobody", "Nobody"));

    assertThat(failure.status()).isEqualTo(404);
  }

  @Test
  void removeParticipantTakesThemOutOfTheRoom() throws Exception {
    livekit.addParticipant("room-a", "alice", false);
    livekit.addParticipant("room-a", "bob", false);

    ok(rooms.removeParticipant("room-a", "alice"));

    assertThat(ok(rooms.listParticipants("room-a"))).extracting(ParticipantInfo::getIdentity).containsExactly("bob");
  }

  @Test
  void removeParticipantSendsParticipantLeft() throws Exception {
    ParticipantInfo alice = livekit.addParticipant("room-a", "alice", false);

    ok(rooms.removeParticipant("room-a", "alice"));

    WebhookEvent left = sink.await(e -> e.getEvent().equals("participant_left"), WAIT);
    assertThat(left.getParticipant().getSid()).isEqualTo(alice.getSid());
    assertThat(left.getRoom().getName()).isEqualTo("room-a");
    assertThat(left.getRoom().getNumParticipants()).isZero();
  }

  @Test
  void removeParticipantOfAnUnknownIdentityIsNotFound() throws Exception {
    livekit.addParticipant("room-a", "alice", false);

    TwirpFailure failure = failure(rooms.removeParticipant("room-a", "nobody"));

    assertThat(failure.status()).isEqualTo(404);
    assertThat(failure.code()).isEqualTo("not_found");
  }

  @Test
  void mutePublishedTrackMutesTheTrack() throws Exception {
    ParticipantInfo alice = livekit.addParticipant("room-a", "alice", true);
    String trackSid = alice.getTracks(0).getSid();

    TrackInfo track = ok(rooms.mutePublishedTrack("room-a", "alice", trackSid, true));

    assertThat(track.getSid()).isEqualTo(trackSid);
    assertThat(track.getMuted()).isTrue();
    assertThat(ok(rooms.getParticipant("room-a", "alice")).getTracks(0).getMuted()).isTrue();
  }

  @Test
  void unmutingAPublishedTrackIsRefusedAsRemoteUnmuteIsOffByDefault() throws Exception {
    ParticipantInfo alice = livekit.addParticipant("room-a", "alice", true);

    TwirpFailure failure = failure(rooms.mutePublishedTrack("room-a", "alice", alice.getTracks(0).getSid(), false));

    assertThat(failure.status()).isEqualTo(412);
    assertThat(failure.code()).isEqualTo("failed_precondition");
    assertThat(failure.msg()).isEqualTo("remote unmute not enabled");
  }

  @Test
  void updateSubscriptionsIsAcceptedAndRecorded() throws Exception {
    livekit.addParticipant("room-a", "alice", false);

    ok(rooms.updateSubscriptions("room-a", "alice", List.of("TR_abc"), false));

    assertThat(livekit.adminMessages()).singleElement().isInstanceOfSatisfying(UpdateSubscriptionsRequest.class,
        request -> {
          assertThat(request.getIdentity()).isEqualTo("alice");
          assertThat(request.getTrackSidsList()).containsExactly("TR_abc");
          assertThat(request.getSubscribe()).isFalse();
        });
  }

  // ------------------------------------------------------------------ room metadata and data

  @Test
  void updateRoomMetadataChangesTheRoom() throws Exception {
    ok(rooms.createRoom("room-a"));

    Room updated = ok(rooms.updateRoomMetadata("room-a", "{\"locked\":true}"));

    assertThat(updated.getMetadata()).isEqualTo("{\"locked\":true}");
    assertThat(ok(rooms.listRooms(List.of("room-a")))).singleElement()
        .extracting(Room::getMetadata).isEqualTo("{\"locked\":true}");
  }

  @Test
  void updateRoomMetadataIsRecorded() throws Exception {
    ok(rooms.createRoom("room-a"));

    ok(rooms.updateRoomMetadata("room-a", "m1"));

    assertThat(livekit.adminMessages()).containsExactly(
        UpdateRoomMetadataRequest.newBuilder().setRoom("room-a").setMetadata("m1").build());
  }

  @Test
  void updateRoomMetadataOfAnUnknownRoomIsNotFoundAndNotRecorded() throws Exception {
    TwirpFailure failure = failure(rooms.updateRoomMetadata("no-such-room", "m1"));

    assertThat(failure.status()).isEqualTo(404);
    assertThat(livekit.adminMessages()).isEmpty();
  }

  @Test
  void sendDataIsAcceptedAndRecorded() throws Exception {
    livekit.addParticipant("room-a", "alice", false);
    byte[] data = "hello".getBytes(StandardCharsets.UTF_8);

    ok(rooms.sendData("room-a", data, DataPacket.Kind.RELIABLE, List.of(), List.of("alice"), "chat"));

    assertThat(livekit.adminMessages()).singleElement().isInstanceOfSatisfying(SendDataRequest.class, request -> {
      assertThat(request.getRoom()).isEqualTo("room-a");
      assertThat(request.getData().toStringUtf8()).isEqualTo("hello");
      assertThat(request.getKind()).isEqualTo(DataPacket.Kind.RELIABLE);
      assertThat(request.getDestinationIdentitiesList()).containsExactly("alice");
      assertThat(request.getTopic()).isEqualTo("chat");
    });
  }

  @Test
  void sendDataToAnUnknownRoomIsNotFound() throws Exception {
    TwirpFailure failure = failure(rooms.sendData("no-such-room", new byte[] {1}, DataPacket.Kind.LOSSY));

    assertThat(failure.status()).isEqualTo(404);
    assertThat(livekit.adminMessages()).isEmpty();
  }

  // ------------------------------------------------------------------ room counts and webhooks

  @Test
  void roomCountsParticipantsAndPublishers() throws Exception {
    livekit.addParticipant("room-a", "alice", true);
    livekit.addParticipant("room-a", "bob", false);
    livekit.addParticipant("room-a", "carol", false);

    Room room = ok(rooms.listRooms(List.of("room-a"))).get(0);

    assertThat(room.getNumParticipants()).isEqualTo(3);
    assertThat(room.getNumPublishers()).isEqualTo(1);
  }

  @Test
  void roomCountsFollowParticipantsLeaving() throws Exception {
    livekit.addParticipant("room-a", "alice", true);
    livekit.addParticipant("room-a", "bob", false);

    ok(rooms.removeParticipant("room-a", "alice"));

    Room room = ok(rooms.listRooms(List.of("room-a"))).get(0);
    assertThat(room.getNumParticipants()).isEqualTo(1);
    assertThat(room.getNumPublishers()).isZero();
  }

  @Test
  void roomShowsAnActiveRecordingOnlyWhileAnEgressRuns() throws Exception {
    livekit.addParticipant("room-a", "alice", true);
    EgressServiceClient egress = EgressServiceClient.createClient(livekit.url(), livekit.apiKey(), livekit.apiSecret());
    EncodedFileOutput file =
        EncodedFileOutput.newBuilder().setFileType(EncodedFileType.MP4).setFilepath("room-a.mp4").build();
    EgressInfo started = ok(egress.startRoomCompositeEgress("room-a", file));
    assertThat(ok(rooms.listRooms(List.of("room-a"))).get(0).getActiveRecording()).isTrue();

    livekit.forceEgressStatus(started.getEgressId(), EgressStatus.EGRESS_FAILED);

    assertThat(ok(rooms.listRooms(List.of("room-a"))).get(0).getActiveRecording()).isFalse();
  }

  @Test
  void aJoiningParticipantSendsRoomStartedThenParticipantJoined() throws Exception {
    ParticipantInfo alice = livekit.addParticipant("room-a", "alice", true);

    WebhookEvent started = sink.await(e -> e.getEvent().equals("room_started"), WAIT);
    WebhookEvent joined = sink.await(e -> e.getEvent().equals("participant_joined"), WAIT);

    assertThat(started.getRoom().getName()).isEqualTo("room-a");
    assertThat(joined.getParticipant().getSid()).isEqualTo(alice.getSid());
    assertThat(joined.getParticipant().getIdentity()).isEqualTo("alice");
    assertThat(joined.getRoom().getSid()).isEqualTo(started.getRoom().getSid());
    assertThat(joined.getRoom().getNumParticipants()).isEqualTo(1);
    assertThat(joined.getId()).startsWith("EV_").isNotEqualTo(started.getId());
  }

  @Test
  void roomWebhooksOfOneRoomArriveInTheOrderOfTheChanges() throws Exception {
    ok(rooms.createRoom("room-a"));
    livekit.addParticipant("room-a", "alice", false);
    ok(rooms.removeParticipant("room-a", "alice"));
    ok(rooms.deleteRoom("room-a"));

    sink.await(e -> e.getEvent().equals("room_finished"), WAIT);

    assertThat(sink.events())
        .containsExactly("room_started", "participant_joined", "participant_left", "room_finished");
  }

  @Test
  void aRoomCanBeCreatedAgainAfterItWasDeleted() throws Exception {
    Room first = ok(rooms.createRoom("room-a"));
    ok(rooms.deleteRoom("room-a"));

    Room second = ok(rooms.createRoom("room-a"));

    assertThat(second.getSid()).startsWith("RM_").isNotEqualTo(first.getSid());
  }

  // ------------------------------------------------------------------ helpers

  /** A failed call's status and Twirp error body. */
  record TwirpFailure(int status, String code, String msg) {}

  private static <T> T ok(Call<T> call) throws IOException {
    Response<T> response = call.execute();
    assertThat(response.isSuccessful())
        .as("%s answered %s %s", call.request().url(), response.code(),
            response.errorBody() == null ? "" : response.errorBody().string())
        .isTrue();
    return response.body();
  }

  private static TwirpFailure failure(Call<?> call) throws IOException {
    Response<?> response = call.execute();
    assertThat(response.isSuccessful()).as("%s should fail", call.request().url()).isFalse();
    JsonNode json = MAPPER.readTree(response.errorBody().string());
    return new TwirpFailure(response.code(), json.path("code").asText(), json.path("msg").asText());
  }
}
