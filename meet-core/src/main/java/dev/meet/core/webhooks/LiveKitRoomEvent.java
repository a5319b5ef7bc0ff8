package dev.meet.core.webhooks;

import java.util.Objects;
import dev.meet.core.livekit.LiveKitEvent;
import org.jspecify.annotations.Nullable;

/**
 * The parts of a LiveKit room or participant webhook that meeting events come from.
 *
 * @param event {@code room_started}, {@code room_finished}, {@code participant_joined} or {@code participant_left}
 * @param roomId the LiveKit room name (our room id)
 * @param roomSid LiveKit's id of this session of the room (a room re-created under the same name has a new one)
 * @param createdAt when LiveKit created the webhook (ms)
 * @param participantSid the participant's session id, for participant events
 * @param participantIdentity the participant's identity, for participant events
 * @param participantName the participant's display name, when it has one
 */
public record LiveKitRoomEvent(
    String event,
    String roomId,
    String roomSid,
    long createdAt,
    @Nullable String participantSid,
    @Nullable String participantIdentity,
    @Nullable String participantName) {

  public LiveKitRoomEvent {
    Objects.requireNonNull(event, "event");
    requireText(roomId, "roomId");
    requireText(roomSid, "roomSid");
    if (event.startsWith("participant_")) {
      requireText(participantSid, "participantSid");
      requireText(participantIdentity, "participantIdentity");
    }
  }

  /**
   * From a verified LiveKit webhook; empty for events that make no meeting event (egress, track, ingress ...).
   *
   * @throws IllegalArgumentException when a room or participant event lacks its room or participant
   */
  public static java.util.Optional<LiveKitRoomEvent> from(LiveKitEvent webhook) {
    String event = webhook.event();
    boolean participant = event.equals("participant_joined") || event.equals("participant_left");
    if (!participant && !event.equals("room_started") && !event.equals("room_finished")) {
      return java.util.Optional.empty();
    }
    LiveKitEvent.Room room = webhook.room();
    if (room == null) {
      throw new IllegalArgumentException("room must be set in a " + event + " webhook");
    }
    LiveKitEvent.Participant who = webhook.participant();
    if (participant && who == null) {
      throw new IllegalArgumentException("participant must be set in a " + event + " webhook");
    }
    return java.util.Optional.of(new LiveKitRoomEvent(event, room.name(), room.sid(), webhook.createdAt(),
        who == null || !participant ? null : who.sid(),
        who == null || !participant ? null : who.identity(),
        who == null || !participant ? null : who.name()));
  }

  private static void requireText(@Nullable String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank, was " + value);
    }
  }
}
