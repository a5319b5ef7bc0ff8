package dev.meet.core.livekit;

import java.util.Objects;

/**
 * A participant of a LiveKit room.
 *
 * @param identity the participant's identity
 * @param recorder true for egress recorders, which LiveKit lists as participants of kind {@code EGRESS}
 */
public record LiveKitParticipant(String identity, boolean recorder) {
  public LiveKitParticipant {
    Objects.requireNonNull(identity, "identity");
  }
}
