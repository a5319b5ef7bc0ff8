package dev.meet.core.livekit;

import dev.meet.core.RecordingEncoding;
import dev.meet.core.storage.MediaTarget;
import io.livekit.server.EgressServiceClient;
import io.livekit.server.RoomServiceClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import livekit.LivekitModels.ParticipantInfo;
import okhttp3.OkHttpClient;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import retrofit2.Call;
import retrofit2.Response;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link LiveKitGateway} over the LiveKit server SDK ({@code io.livekit:livekit-server}).
 *
 * <p>The SDK needs three things added to be safe to call from a request thread: timeouts (it has none: every call
 * here is bounded by {@link LiveKitSettings#callTimeout()}), error checking (a LiveKit error is a successful call
 * with an unsuccessful {@link Response}; here it becomes a {@link LiveKitException} carrying LiveKit's Twirp code and
 * message unchanged), and one exception type (an {@link IOException} or a failure inside the SDK becomes a
 * {@link LiveKitException} whose {@link LiveKitException#isUnreachable()} is true).
 *
 * <pre>{@code
 * LiveKitGateway livekit = new LiveKitSdkGateway(new LiveKitSettings("wss://livekit.example.com", key, secret));
 * Optional<LiveKitRoom> room = livekit.findRoom("daily-standup");
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} releases the HTTP connections.
 */
public final class LiveKitSdkGateway implements LiveKitGateway, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LiveKitSdkGateway.class);

  /** An error body longer than this is cut in messages: a proxy's HTML error page is no help in a log line. */
  private static final int MAX_MESSAGE = 300;

  private final OkHttpClient http;
  private final RoomServiceClient rooms;
  private final EgressServiceClient egress;

  public LiveKitSdkGateway(LiveKitSettings settings) {
    this(settings, builder -> { });
  }

  /**
   * @param customizer adjusts the HTTP client after the timeouts are set (a proxy, TLS trust, an interceptor for
   *     metrics); it may also change the timeouts
   */
  public LiveKitSdkGateway(LiveKitSettings settings, Consumer<OkHttpClient.Builder> customizer) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(customizer, "customizer");
    OkHttpClient.Builder builder = new OkHttpClient.Builder()
        .connectTimeout(settings.callTimeout())
        .readTimeout(settings.callTimeout())
        .writeTimeout(settings.callTimeout())
        // The whole call, DNS and retries on another route included: the bound a caller can rely on.
        .callTimeout(settings.callTimeout())
        // OkHttp silently sends again a request answered 408 (and one whose connection failed after it was sent):
        // LiveKit answers 408 when the egress service replied too late, after it was applied, so a repeated
        // StartRoomCompositeEgress would start a second egress. Twirp calls are not idempotent: never repeat them.
        .retryOnConnectionFailure(false);
    customizer.accept(builder);
    this.http = builder.build();
    this.rooms = RoomServiceClient.createClient(settings.httpUrl(), settings.apiKey(), settings.apiSecret(),
        () -> http);
    this.egress = EgressServiceClient.createClient(settings.httpUrl(), settings.apiKey(), settings.apiSecret(),
        () -> http);
  }

  @Override
  public EgressState startRoomComposite(String roomName, MediaTarget target, @Nullable String layout,
      RecordingEncoding encoding) {
    Objects.requireNonNull(roomName, "roomName");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(encoding, "encoding");
    // This overload takes the preset and the advanced options as nullable siblings; the request's oneof keeps the
    // one given. An empty layout is LiveKit's default layout.
    EgressState state = EgressProtos.state(execute("StartRoomCompositeEgress", egress.startRoomCompositeEgress(
        roomName, EgressProtos.fileOutput(target), layout == null ? "" : layout, EgressProtos.preset(encoding),
        EgressProtos.advanced(encoding))));
    log.debug("LiveKit egress started roomId={} egressId={} status={}", roomName, state.egressId(),
        state.status().value());
    return state;
  }

  @Override
  public EgressState stopEgress(String egressId) {
    Objects.requireNonNull(egressId, "egressId");
    EgressState state = EgressProtos.state(execute("StopEgress", egress.stopEgress(egressId)));
    log.debug("LiveKit egress stop requested egressId={} status={}", egressId, state.status().value());
    return state;
  }

  @Override
  public Optional<EgressState> findEgress(String egressId) {
    Objects.requireNonNull(egressId, "egressId");
    try {
      return execute("ListEgress", egress.listEgress(null, egressId, null)).stream()
          .filter(info -> info.getEgressId().equals(egressId))
          .findFirst()
          .map(EgressProtos::state);
    } catch (LiveKitException e) {
      if (e.isNotFound()) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public List<EgressState> listActiveEgress() {
    return execute("ListEgress", egress.listEgress(null, null, true)).stream().map(EgressProtos::state).toList();
  }

  @Override
  public List<EgressState> listEgress(String roomName) {
    Objects.requireNonNull(roomName, "roomName");
    try {
      return execute("ListEgress", egress.listEgress(roomName, null, null)).stream().map(EgressProtos::state)
          .toList();
    } catch (LiveKitException e) {
      if (e.isNotFound()) {
        return List.of();
      }
      throw e;
    }
  }

  @Override
  public List<LiveKitRoom> listRooms() {
    return execute("ListRooms", rooms.listRooms()).stream().map(room -> new LiveKitRoom(room.getName())).toList();
  }

  @Override
  public Optional<LiveKitRoom> findRoom(String roomName) {
    Objects.requireNonNull(roomName, "roomName");
    return execute("ListRooms", rooms.listRooms(List.of(roomName))).stream()
        .filter(room -> room.getName().equals(roomName))
        .findFirst()
        .map(room -> new LiveKitRoom(room.getName()));
  }

  @Override
  public List<LiveKitParticipant> listParticipants(String roomName) {
    Objects.requireNonNull(roomName, "roomName");
    try {
      return execute("ListParticipants", rooms.listParticipants(roomName)).stream()
          .map(p -> new LiveKitParticipant(p.getIdentity(), p.getKind() == ParticipantInfo.Kind.EGRESS))
          .toList();
    } catch (LiveKitException e) {
      if (e.isNotFound()) {
        return List.of();
      }
      throw e;
    }
  }

  /** Releases pooled connections; calls made afterwards still work but open new connections. */
  @Override
  public void close() {
    http.connectionPool().evictAll();
    http.dispatcher().executorService().shutdown();
  }

  private static <T> T execute(String call, Call<T> request) {
    Response<T> response;
    try {
      response = request.execute();
    } catch (IOException e) {
      throw new LiveKitException(call, e);
    } catch (RuntimeException e) {
      // The SDK wraps an unreadable protobuf answer in a RuntimeException: LiveKit cannot be talked to either way.
      throw new LiveKitException(call, e);
    }
    if (!response.isSuccessful()) {
      throw error(call, response);
    }
    T body = response.body();
    if (body == null) {
      throw new LiveKitException(call, response.code(), null, "LiveKit answered without a body");
    }
    return body;
  }

  /** LiveKit's Twirp error {@code {"code","msg"}}; anything else (a proxy's page) is kept as a shortened text. */
  private static LiveKitException error(String call, Response<?> response) {
    String text = "";
    try (ResponseBody body = response.errorBody()) {
      if (body != null) {
        text = new String(body.bytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      // The status alone still says what happened.
    }
    String code = null;
    String message = null;
    try {
      JsonNode json = JsonMapper.shared().readTree(text);
      if (json != null && json.isObject()) {
        code = textOf(json.get("code"));
        message = textOf(json.get("msg"));
      }
    } catch (JacksonException notJson) {
      // Not a Twirp error: keep the text itself.
    }
    if (message == null) {
      message = text.isBlank() ? response.message() : text;
    }
    return new LiveKitException(call, response.code(), code, shorten(message));
  }

  private static @Nullable String textOf(@Nullable JsonNode node) {
    return node != null && node.isString() ? node.stringValue() : null;
  }

  private static String shorten(String text) {
    StringBuilder out = new StringBuilder();
    int limit = Math.min(text.length(), MAX_MESSAGE);
    for (int i = 0; i < limit; i++) {
      char c = text.charAt(i);
      out.append(c < 0x20 || c == 0x7f ? ' ' : c);
    }
    if (text.length() > MAX_MESSAGE) {
      out.append("...");
    }
    return out.toString().strip();
  }
}
