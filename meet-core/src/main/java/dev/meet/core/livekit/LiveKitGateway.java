package dev.meet.core.livekit;

import dev.meet.core.RecordingEncoding;
import dev.meet.core.storage.MediaTarget;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The LiveKit calls the engine makes, in the engine's types (no protobuf). Every method either returns what LiveKit
 * answered or throws {@link LiveKitException} (never a raw SDK or I/O exception). {@link LiveKitSdkGateway}
 * implements it over the LiveKit server SDK with timeouts.
 */
public interface LiveKitGateway {

  /**
   * StartRoomCompositeEgress writing one MP4 file.
   *
   * @param target where the egress writes ({@code .mp4} appended), with S3 upload settings only when they are meant
   *     to travel in the request
   * @param layout null for LiveKit's default layout
   */
  EgressState startRoomComposite(String roomName, MediaTarget target, @Nullable String layout,
      RecordingEncoding encoding);

  /** StopEgress. */
  EgressState stopEgress(String egressId);

  /** ListEgress of one egress; empty when LiveKit does not know it. */
  Optional<EgressState> findEgress(String egressId);

  /** ListEgress of every in-progress egress (STARTING, ACTIVE, ENDING), one call. */
  List<EgressState> listActiveEgress();

  /** ListEgress of one room (all statuses). */
  List<EgressState> listEgress(String roomName);

  /** ListRooms, one call. */
  List<LiveKitRoom> listRooms();

  /** ListRooms by name; empty when the room does not exist. */
  Optional<LiveKitRoom> findRoom(String roomName);

  /** ListParticipants; empty when the room does not exist. */
  List<LiveKitParticipant> listParticipants(String roomName);
}
