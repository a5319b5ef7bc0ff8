package dev.meet.app.rooms;

import dev.meet.app.web.ApiException;
import dev.meet.core.livekit.LiveKitSettings;
import io.livekit.server.RoomServiceClient;
import java.io.IOException;
import okhttp3.OkHttpClient;
import retrofit2.Response;

/**
 * Creates and deletes LiveKit rooms through the LiveKit SDK (the core's gateway only reads rooms), with the same call
 * timeout as every other LiveKit call. A failure is a 503 naming LiveKit.
 */
public class LiveKitRooms {

  private final RoomServiceClient rooms;

  public LiveKitRooms(LiveKitSettings settings) {
    OkHttpClient http = new OkHttpClient.Builder()
        .connectTimeout(settings.callTimeout())
        .readTimeout(settings.callTimeout())
        .writeTimeout(settings.callTimeout())
        .callTimeout(settings.callTimeout())
        .build();
    this.rooms = RoomServiceClient.createClient(settings.httpUrl(), settings.apiKey(), settings.apiSecret(),
        () -> http);
  }

  /** CreateRoom (idempotent in LiveKit). */
  public void create(String roomId) {
    execute("create the LiveKit room '" + roomId + "'", () -> rooms.createRoom(roomId).execute(), false);
  }

  /** DeleteRoom: the meeting ends for everyone; a room LiveKit does not know is fine. */
  public void delete(String roomId) {
    execute("delete the LiveKit room '" + roomId + "'", () -> rooms.deleteRoom(roomId).execute(), true);
  }

  private interface Call {
    Response<?> run() throws IOException;
  }

  private static void execute(String what, Call call, boolean notFoundIsFine) {
    Response<?> response;
    try {
      response = call.run();
    } catch (IOException | RuntimeException e) {
      throw new ApiException(503, "LiveKit Error", "LiveKit is not available: cannot " + what + " ("
          + e.getMessage() + ")");
    }
    if (!response.isSuccessful() && !(notFoundIsFine && response.code() == 404)) {
      throw new ApiException(503, "LiveKit Error", "LiveKit refused to " + what + " (HTTP " + response.code()
          + ")");
    }
  }
}
