package dev.meet.core.livekit;

import dev.meet.core.livekit.RoomCheck.Rejection;
import java.util.Objects;

/**
 * The default {@link RoomPolicy}: LiveKit must know the room, and someone must be in it.
 *
 * <p>Egress recorders do not count as someone: LiveKit lists them as participants of kind {@code EGRESS}, and a room
 * whose only participant is a recorder (everyone left, a stream egress still running) has nothing to record.
 *
 * <p>When LiveKit cannot be asked, the {@link LiveKitException} propagates: "LiveKit is down" is not "the room does
 * not exist", and the caller must not answer 404 for it.
 */
public final class LiveKitRoomPolicy implements RoomPolicy {

  private final LiveKitGateway livekit;

  public LiveKitRoomPolicy(LiveKitGateway livekit) {
    this.livekit = Objects.requireNonNull(livekit, "livekit");
  }

  /**
   * @throws LiveKitException when LiveKit is unreachable or answers an error
   */
  @Override
  public RoomCheck check(String roomId) {
    Objects.requireNonNull(roomId, "roomId");
    if (livekit.findRoom(roomId).isEmpty()) {
      return RoomCheck.rejected(Rejection.ROOM_NOT_FOUND, "Room '" + roomId + "' does not exist");
    }
    boolean anyoneThere = livekit.listParticipants(roomId).stream()
        .anyMatch(participant -> !participant.recorder());
    if (!anyoneThere) {
      return RoomCheck.rejected(Rejection.NO_PARTICIPANTS, "Room '" + roomId + "' has no participants");
    }
    return RoomCheck.allowed(roomId);
  }
}
