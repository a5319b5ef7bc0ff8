package dev.meet.core.livekit;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A verified LiveKit webhook, in the engine's terms.
 *
 * @param id the event id (the same on a redelivery)
 * @param event the event name, e.g. {@code egress_updated}, {@code room_finished}
 * @param egress the egress of {@code egress_*} events
 * @param roomName the room of {@code room_*} events
 */
public record LiveKitEvent(String id, String event, @Nullable EgressState egress, @Nullable String roomName) {
  public LiveKitEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(event, "event");
  }
}
