package dev.meet.core.livekit;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A verified LiveKit webhook, in the engine's terms: what the engine and its listeners read of it, without LiveKit's
 * protobuf types.
 *
 * @param id the event id (the same on a redelivery)
 * @param event the event name, e.g. {@code egress_updated}, {@code room_finished}, {@code participant_joined}
 * @param createdAt when LiveKit created the event (ms since the epoch; LiveKit sends whole seconds)
 * @param egress the egress of {@code egress_*} events
 * @param room the room of {@code room_*} and {@code participant_*} events
 * @param participant the participant of {@code participant_*} events
 */
public record LiveKitEvent(String id, String event, long createdAt, @Nullable EgressState egress,
    @Nullable Room room, @Nullable Participant participant) {

  public LiveKitEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(event, "event");
  }

  /** The room's name (our room id), when the event has a room. */
  public @Nullable String roomName() {
    return room == null ? null : room.name();
  }

  /**
   * A room as a webhook describes it.
   *
   * @param name the room name (our room id)
   * @param sid LiveKit's id of this session of the room (a room re-created under the same name has a new one)
   * @param participants how many participants it had when the event was sent
   */
  public record Room(String name, String sid, int participants) {
    public Room {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(sid, "sid");
    }
  }

  /**
   * A participant as a webhook describes it.
   *
   * @param sid the participant's session id
   * @param identity the participant's identity
   * @param name the display name, when it has one
   */
  public record Participant(String sid, String identity, @Nullable String name) {
    public Participant {
      Objects.requireNonNull(sid, "sid");
      Objects.requireNonNull(identity, "identity");
    }
  }
}
