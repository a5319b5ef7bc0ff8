package dev.meet.core.webhooks;

import dev.meet.core.livekit.LiveKitWebhooks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meet.core.Recording;
import dev.meet.core.RecordingStatus;
import dev.meet.core.webhooks.RoomEventDeriver.Activity;
import dev.meet.core.webhooks.RoomEventDeriver.Derived;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import livekit.LivekitModels;
import livekit.LivekitWebhook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

class EventDeriverTest {

  private static Recording in(RecordingStatus status) {
    return WebhookJsonTest.recording("Room", 12.0).withStatus(status);
  }

  private static List<String> recordingEvents(Recording before, Recording after) {
    return RecordingEventDeriver.derive(before, after, 1L).stream().map(e -> e.type().value()).toList();
  }

  @Test
  void eachStatusChangeOfARecordingGivesItsEvent() {
    assertThat(recordingEvents(null, in(RecordingStatus.STARTING))).isEmpty();
    assertThat(recordingEvents(in(RecordingStatus.STARTING), in(RecordingStatus.ACTIVE)))
        .containsExactly("recordingStarted");
    assertThat(recordingEvents(in(RecordingStatus.ACTIVE), in(RecordingStatus.ENDING)))
        .containsExactly("recordingUpdated");
    assertThat(recordingEvents(in(RecordingStatus.ENDING), in(RecordingStatus.COMPLETE)))
        .containsExactly("recordingEnded");
    assertThat(recordingEvents(in(RecordingStatus.ACTIVE), in(RecordingStatus.ABORTED)))
        .containsExactly("recordingEnded");
  }

  @Test
  void aTransitionThatSkipsAStatusGivesEveryEventItPassedInOrder() {
    assertThat(recordingEvents(in(RecordingStatus.STARTING), in(RecordingStatus.ENDING)))
        .containsExactly("recordingStarted", "recordingUpdated");
    assertThat(recordingEvents(in(RecordingStatus.STARTING), in(RecordingStatus.FAILED)))
        .containsExactly("recordingStarted", "recordingEnded");
    assertThat(recordingEvents(null, in(RecordingStatus.ACTIVE))).containsExactly("recordingStarted");
  }

  @Test
  void aRepeatedOrBackwardTransitionGivesNothing() {
    assertThat(recordingEvents(in(RecordingStatus.ACTIVE), in(RecordingStatus.ACTIVE))).isEmpty();
    assertThat(recordingEvents(in(RecordingStatus.ENDING), in(RecordingStatus.ACTIVE))).isEmpty();
    assertThat(recordingEvents(in(RecordingStatus.COMPLETE), in(RecordingStatus.FAILED))).isEmpty();
  }

  @Test
  void theDataIsTheRecordingAfterTheTransition() {
    WebhookEvent event = RecordingEventDeriver.derive(in(RecordingStatus.ENDING), in(RecordingStatus.COMPLETE), 7L)
        .get(0);

    assertThat(event.body()).isEqualTo(WebhookJson.body(WebhookEventType.RECORDING_ENDED, 7L,
        in(RecordingStatus.COMPLETE)));
    assertThat(event.orderingKey()).isEqualTo("recording:" + in(RecordingStatus.COMPLETE).recordingId());
  }

  @Test
  void twoDifferentRecordingsAreRefused() {
    Recording other = new Recording("room_1-0123456789abcde--EG_other--0000000000", "room_1-0123456789abcde",
        "Room", RecordingStatus.ACTIVE, null, null, null, null, null, null, null, null, null, null);

    assertThatThrownBy(() -> RecordingEventDeriver.derive(other, in(RecordingStatus.COMPLETE), 1L))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same recording");
  }

  // --- rooms and participants

  private final RoomEventDeriver deriver = RoomEventDeriver.withRoomIdOnly();

  private static LiveKitRoomEvent lk(String event, String roomSid, long at, String participantSid) {
    return new LiveKitRoomEvent(event, "room-1", roomSid, at, participantSid,
        participantSid == null ? null : "user-" + participantSid, participantSid == null ? null : "Zoë");
  }

  private List<String> feed(List<LiveKitRoomEvent> events) {
    Activity activity = null;
    List<String> out = new ArrayList<>();
    for (LiveKitRoomEvent event : events) {
      Derived derived = deriver.derive(activity, event);
      activity = derived.activity();
      derived.events().forEach(e -> {
        String who = WebhookJson.read(e.body()).path("data").path("participantIdentity").asString("");
        out.add(e.type().value() + (who.isEmpty() ? "" : ":" + who));
      });
    }
    return out;
  }

  private static List<LiveKitRoomEvent> aMeeting() {
    return List.of(lk("room_started", "RM_1", 1000, null), lk("participant_joined", "RM_1", 2000, "PA_a"),
        lk("participant_joined", "RM_1", 3000, "PA_b"), lk("participant_left", "RM_1", 4000, "PA_a"),
        lk("participant_left", "RM_1", 5000, "PA_b"), lk("room_finished", "RM_1", 6000, null));
  }

  @Test
  void aMeetingInOrderGivesOneEventPerWebhook() {
    assertThat(feed(aMeeting())).containsExactly("meetingStarted", "participantJoined:user-PA_a",
        "participantJoined:user-PA_b", "participantLeft:user-PA_a", "participantLeft:user-PA_b", "meetingEnded");
  }

  @Test
  void everyWebhookTwiceGivesTheSameEventsOnce() {
    List<LiveKitRoomEvent> twice = new ArrayList<>();
    aMeeting().forEach(e -> {
      twice.add(e);
      twice.add(e);
    });

    assertThat(feed(twice)).isEqualTo(feed(aMeeting()));
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void anyReorderingGivesEachChangeAtMostOnceAndAlwaysInAValidOrder(long seed) {
    List<LiveKitRoomEvent> shuffled = new ArrayList<>(aMeeting());
    shuffled.addAll(aMeeting());
    Collections.shuffle(shuffled, new Random(seed));

    List<String> out = feed(shuffled);

    assertThat(out).first().isEqualTo("meetingStarted");
    assertThat(out).last().isEqualTo("meetingEnded");
    assertThat(out).doesNotHaveDuplicates();
    for (String who : List.of("user-PA_a", "user-PA_b")) {
      int joined = out.indexOf("participantJoined:" + who);
      int left = out.indexOf("participantLeft:" + who);
      if (joined >= 0) {
        assertThat(left).as("everyone who joined is seen leaving, after joining").isGreaterThan(joined);
      }
    }
  }

  @Test
  void roomFinishedOvertakingEverythingGivesAStartAndAnEndAndNothingAfter() {
    List<LiveKitRoomEvent> meeting = new ArrayList<>(aMeeting());
    Collections.reverse(meeting);

    assertThat(feed(meeting)).containsExactly("meetingStarted", "meetingEnded");
  }

  @Test
  void aParticipantJoinOvertakingRoomStartedStillComesAfterMeetingStarted() {
    assertThat(feed(List.of(lk("participant_joined", "RM_1", 2000, "PA_a"), lk("room_started", "RM_1", 1000, null))))
        .containsExactly("meetingStarted", "participantJoined:user-PA_a");
  }

  @Test
  void roomFinishedBeforeTheLeavesSaysWhoLeftThenEndsAndIgnoresTheLateLeaves() {
    assertThat(feed(List.of(lk("room_started", "RM_1", 1000, null), lk("participant_joined", "RM_1", 2000, "PA_a"),
        lk("room_finished", "RM_1", 6000, null), lk("participant_left", "RM_1", 4000, "PA_a"))))
        .containsExactly("meetingStarted", "participantJoined:user-PA_a", "participantLeft:user-PA_a",
            "meetingEnded");
  }

  @Test
  void aNewSessionOfTheRoomEndsTheOpenOneFirstAndItsLateFinishGivesNothing() {
    assertThat(feed(List.of(lk("room_started", "RM_1", 1000, null), lk("room_started", "RM_2", 9000, null),
        lk("room_finished", "RM_1", 8000, null), lk("room_finished", "RM_2", 10000, null))))
        .containsExactly("meetingStarted", "meetingEnded", "meetingStarted", "meetingEnded");
  }

  @Test
  void theActivitySurvivesAJsonRoundTrip() {
    JsonMapper mapper = JsonMapper.builder().build();
    Derived derived = deriver.derive(null, lk("participant_joined", "RM_1", 2000, "PA_a"));

    Activity read = mapper.readValue(mapper.writeValueAsString(derived.activity()), Activity.class);

    assertThat(read).isEqualTo(derived.activity());
    assertThat(deriver.derive(read, lk("participant_joined", "RM_1", 2000, "PA_a")).events()).isEmpty();
  }

  @Test
  void aLiveKitWebhookBecomesARoomEventAndOthersAreIgnored() {
    LivekitWebhook.WebhookEvent joined = LivekitWebhook.WebhookEvent.newBuilder().setEvent("participant_joined")
        .setCreatedAt(1_700_000_000L)
        .setRoom(LivekitModels.Room.newBuilder().setName("room-1").setSid("RM_1"))
        .setParticipant(LivekitModels.ParticipantInfo.newBuilder().setSid("PA_a").setIdentity("zoe"))
        .build();

    assertThat(LiveKitRoomEvent.from(LiveKitWebhooks.inEngineTerms(joined))).contains(new LiveKitRoomEvent("participant_joined", "room-1", "RM_1",
        1_700_000_000_000L, "PA_a", "zoe", null));
    assertThat(LiveKitRoomEvent.from(LiveKitWebhooks.inEngineTerms(joined.toBuilder().setEvent("egress_updated").build()))).isEmpty();
    assertThatThrownBy(() -> LiveKitRoomEvent.from(LiveKitWebhooks.inEngineTerms(joined.toBuilder().clearParticipant().build())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("participant");
  }
}
