package dev.meet.app.rooms;

import dev.meet.core.livekit.LiveKitGateway;
import dev.meet.core.livekit.LiveKitRoomPolicy;
import dev.meet.core.livekit.RoomCheck;
import dev.meet.core.livekit.RoomPolicy;
import dev.meet.core.storage.StorageException;
import java.util.Optional;

/**
 * "Can this room be recorded?" with the room store's rules first (the room exists, recording enabled, not end-to-end
 * encrypted), then LiveKit's (the meeting has a participant). The room's display name becomes the recording's.
 */
public final class RoomPolicies implements RoomPolicy {

  private final RoomStore rooms;
  private final LiveKitRoomPolicy liveKit;

  public RoomPolicies(RoomStore rooms, LiveKitGateway gateway) {
    this.rooms = rooms;
    this.liveKit = new LiveKitRoomPolicy(gateway);
  }

  @Override
  public RoomCheck check(String roomId) {
    Optional<RoomStore.Versioned> stored;
    try {
      stored = rooms.find(roomId);
    } catch (RoomStoreException e) {
      // The core answers a storage failure with 503 naming the storage.
      throw new StorageException(e.getMessage(), e);
    }
    if (stored.isEmpty()) {
      return RoomCheck.rejected(RoomCheck.Rejection.ROOM_NOT_FOUND, "Room '" + roomId + "' does not exist");
    }
    Room room = stored.get().room();
    if (!room.recordingAllowed()) {
      return RoomCheck.rejected(RoomCheck.Rejection.RECORDING_DISABLED,
          "Recording is disabled for room '" + roomId + "'");
    }
    RoomCheck live = liveKit.check(roomId);
    return live.isAllowed() ? RoomCheck.allowed(room.roomName()) : live;
  }
}
