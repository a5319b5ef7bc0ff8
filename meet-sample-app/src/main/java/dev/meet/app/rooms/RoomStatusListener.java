package dev.meet.app.rooms;

import dev.meet.core.engine.RecordingManager;
import dev.meet.core.livekit.LiveKitEvent;
import java.util.function.Supplier;

/**
 * A room's status follows LiveKit's room events: {@code participant_joined}, or {@code room_started} with someone in
 * it, is a meeting; {@code room_finished} ends it. The engine hands over each webhook once it has verified it, so
 * the backend verifies nothing itself and accepts every key the engine accepts.
 */
public final class RoomStatusListener implements RecordingManager.LiveKitEventListener {

  /** Looked up at event time: the room service itself needs the recording manager this listener is part of. */
  private final Supplier<RoomService> rooms;

  public RoomStatusListener(Supplier<RoomService> rooms) {
    this.rooms = rooms;
  }

  @Override
  public void onLiveKitEvent(LiveKitEvent event) {
    LiveKitEvent.Room room = event.room();
    if (room == null || room.name().isEmpty()) {
      return;
    }
    String roomName = room.name();
    switch (event.event()) {
      case "participant_joined" -> rooms.get().meetingStarted(roomName);
      case "room_started" -> {
        // LiveKit starts a room when it is created too; only a room with someone in it has a meeting.
        if (room.participants() > 0) {
          rooms.get().meetingStarted(roomName);
        }
      }
      case "room_finished" -> rooms.get().meetingEnded(roomName);
      default -> {
        // egress events are the core's; the rest is not for rooms
      }
    }
  }
}
