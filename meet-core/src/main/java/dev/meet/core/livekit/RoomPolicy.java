package dev.meet.core.livekit;

/**
 * "Can this room be recorded?", asked before a start takes the lock. The default ({@link LiveKitRoomPolicy}) asks
 * LiveKit; an application with its own room store adds its rules (room exists, recording enabled, not end-to-end
 * encrypted).
 */
@FunctionalInterface
public interface RoomPolicy {

  /**
   * @return allowed (with the room's display name) or a rejection with its reason
   */
  RoomCheck check(String roomId);
}
