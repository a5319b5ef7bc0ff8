package dev.meet.core.livekit;

import java.util.List;
import java.util.Optional;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EncodedFileOutput;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitModels.Room;
import org.jspecify.annotations.Nullable;

/**
 * The LiveKit calls the engine makes. Every method either returns what LiveKit answered or throws
 * {@link LiveKitException} (never a raw SDK or I/O exception). {@link LiveKitSdkGateway} implements it over the LiveKit
 * server SDK with timeouts.
 */
public interface LiveKitGateway {

  /** StartRoomCompositeEgress with one file output. */
  EgressInfo startRoomComposite(String roomName, EncodedFileOutput file, @Nullable String layout,
      EncodingChoice encoding);

  /** StopEgress. */
  EgressInfo stopEgress(String egressId);

  /** ListEgress of one egress; empty when LiveKit does not know it. */
  Optional<EgressInfo> findEgress(String egressId);

  /** ListEgress of every in-progress egress (STARTING, ACTIVE, ENDING), one call. */
  List<EgressInfo> listActiveEgress();

  /** ListEgress of one room (all statuses). */
  List<EgressInfo> listEgress(String roomName);

  /** ListRooms, one call. */
  List<Room> listRooms();

  /** ListRooms by name; empty when the room does not exist. */
  Optional<Room> findRoom(String roomName);

  /** ListParticipants; empty when the room does not exist. */
  List<ParticipantInfo> listParticipants(String roomName);

  /** The encoding of a start: a preset or advanced options, as LiveKit's request takes them. */
  record EncodingChoice(livekit.LivekitEgress.@Nullable EncodingOptionsPreset preset,
      livekit.LivekitEgress.@Nullable EncodingOptions advanced) {
    public static EncodingChoice preset(livekit.LivekitEgress.EncodingOptionsPreset preset) {
      return new EncodingChoice(preset, null);
    }

    public static EncodingChoice advanced(livekit.LivekitEgress.EncodingOptions options) {
      return new EncodingChoice(null, options);
    }
  }
}
