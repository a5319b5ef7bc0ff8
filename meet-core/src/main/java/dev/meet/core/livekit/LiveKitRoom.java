package dev.meet.core.livekit;

import java.util.Objects;

/**
 * A room LiveKit knows.
 *
 * @param name the LiveKit room name (a Meet room id)
 */
public record LiveKitRoom(String name) {
  public LiveKitRoom {
    Objects.requireNonNull(name, "name");
  }
}
