package dev.meet.testkit.livekit;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.stream.Collectors;
import livekit.LivekitEgress.ListEgressRequest;
import livekit.LivekitEgress.ListEgressResponse;
import livekit.LivekitEgress.RoomCompositeEgressRequest;
import livekit.LivekitEgress.StopEgressRequest;
import livekit.LivekitEgress.UpdateLayoutRequest;
import livekit.LivekitModels.Room;
import livekit.LivekitRoom.CreateRoomRequest;
import livekit.LivekitRoom.DeleteRoomRequest;
import livekit.LivekitRoom.DeleteRoomResponse;
import livekit.LivekitRoom.ListParticipantsRequest;
import livekit.LivekitRoom.ListParticipantsResponse;
import livekit.LivekitRoom.ListRoomsRequest;
import livekit.LivekitRoom.ListRoomsResponse;
import livekit.LivekitRoom.MuteRoomTrackRequest;
import livekit.LivekitRoom.MuteRoomTrackResponse;
import livekit.LivekitRoom.RemoveParticipantResponse;
import livekit.LivekitRoom.RoomParticipantIdentity;
import livekit.LivekitRoom.SendDataRequest;
import livekit.LivekitRoom.SendDataResponse;
import livekit.LivekitRoom.UpdateParticipantRequest;
import livekit.LivekitRoom.UpdateRoomMetadataRequest;
import livekit.LivekitRoom.UpdateSubscriptionsRequest;
import livekit.LivekitRoom.UpdateSubscriptionsResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LiveKit's server API over Twirp: {@code POST /twirp/livekit.<Service>/<Method>} with a protobuf or protobuf-JSON
 * body, API-key auth and grant checks first, Twirp error bodies and statuses.
 */
final class TwirpHandler implements HttpHandler {

  private static final Logger log = LoggerFactory.getLogger(TwirpHandler.class);
  private static final String PREFIX = "/twirp/";
  // Twirp's Go server: snake_case names, unpopulated fields emitted, unknown fields discarded on input.
  private static final JsonFormat.Printer JSON_OUT =
      JsonFormat.printer().preservingProtoFieldNames().alwaysPrintFieldsWithNoPresence();
  private static final JsonFormat.Parser JSON_IN = JsonFormat.parser().ignoringUnknownFields();

  private static final String LIVEKIT = "livekit.";
  private static final Map<String, Method<?>> METHODS = methods();

  /** The methods served, as the request counters and the per-method faults name them: {@code "Egress/StopEgress"}. */
  static final Set<String> METHOD_NAMES =
      METHODS.keySet().stream()
          .map(k -> k.substring(LIVEKIT.length()))
          .collect(Collectors.toCollection(TreeSet::new));

  private final AuthVerifier auth;
  private final LiveKitEngine engine;
  private final Faults faults;
  private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();

  TwirpHandler(AuthVerifier auth, LiveKitEngine engine, Faults faults) {
    this.auth = auth;
    this.engine = engine;
    this.faults = faults;
  }

  /** A Twirp method: the request's default instance, the grant it needs, and what it does. */
  private record Method<Q extends Message>(
      Q prototype,
      BiPredicate<AuthVerifier.Grants, Q> allowed,
      BiFunction<LiveKitEngine, Q, Message> call) {

    @SuppressWarnings("unchecked")
    Message invoke(LiveKitEngine engine, AuthVerifier.Grants grants, Message request) {
      Q typed = (Q) request;
      if (!allowed.test(grants, typed)) {
        throw TwirpError.permissionsDenied();
      }
      return call.apply(engine, typed);
    }
  }

  private static <Q extends Message> Method<Q> method(
      Q prototype, BiPredicate<AuthVerifier.Grants, Q> allowed, BiFunction<LiveKitEngine, Q, Message> call) {
    return new Method<>(prototype, allowed, call);
  }

  private static Map<String, Method<?>> methods() {
    Map<String, Method<?>> table = new ConcurrentHashMap<>();
    String room = "livekit.RoomService/";
    table.put(room + "CreateRoom", method(CreateRoomRequest.getDefaultInstance(),
        (g, q) -> g.roomCreate(), LiveKitEngine::createRoom));
    table.put(room + "ListRooms", method(ListRoomsRequest.getDefaultInstance(),
        (g, q) -> g.roomList(),
        (e, q) -> ListRoomsResponse.newBuilder().addAllRooms(e.listRooms(q.getNamesList())).build()));
    table.put(room + "DeleteRoom", method(DeleteRoomRequest.getDefaultInstance(),
        (g, q) -> g.roomCreate(),
        (e, q) -> {
          e.deleteRoom(q.getRoom());
          return DeleteRoomResponse.getDefaultInstance();
        }));
    table.put(room + "ListParticipants", method(ListParticipantsRequest.getDefaultInstance(),
        (g, q) -> g.adminOf(q.getRoom()),
        (e, q) -> ListParticipantsResponse.newBuilder().addAllParticipants(e.listParticipants(q.getRoom())).build()));
    table.put(room + "GetParticipant", method(RoomParticipantIdentity.getDefaultInstance(),
        (g, q) -> g.adminOf(q.getRoom()), (e, q) -> e.getParticipant(q.getRoom(), q.getIdentity())));
    table.put(room + "RemoveParticipant", method(RoomParticipantIdentity.getDefaultInstance(),
        (g, q) -> g.adminOf(q.getRoom()),
        (e, q) -> {
          e.removeParticipant(q.getRoom(), q.getIdentity());
          return RemoveParticipantResponse.getDefaultInstance();
        }));
    table.put(room + "UpdateParticipant", method(UpdateParticipantRequest.getDefaultInstance(),
        (g, q) -> g.adminOf(q.getRoom()), LiveKitEngine::updateParticipant));
    table.put(room + "UpdateRoomMetadata", method(UpdateRoomMetadataRequest.getDefaultInstance(),
        (g, q) -> g.adminOf(q.getRoom()),
        (e, q) -> {
          // Recorded only once accepted: a test reading adminMessages() sees what reached the room.
          Room updated = e.updateRoomMetadata(q.getRoom(), q.getMetadata());
          e.recordAdminMessage(q);
          return updated;
        }));
    table.put(room + "SendData", method(SendDataRequest.getDefaultInstance(),
        (g, q) -> g.adminOf(q.getRoom()),
        (e, q) -> {
          // LiveKit: "nonce is either absent or 128-bit UUID".
          if (!q.getNonce().isEmpty() && q.getNonce().size() != 16) {
            throw TwirpError.invalidArgument(
                "nonce should be 16-bytes or not present, got: " + q.getNonce().size() + " bytes");
          }
          e.requireRoom(q.getRoom());
          e.recordAdminMessage(q);
          return SendDataResponse.getDefaultInstance();
        }));
    table.put(room + "MutePublishedTrack", method(MuteRoomTrackRequest.getDefaultInstance(),
        (g, q) -> g.adminOf(q.getRoom()),
        (e, q) -> {
          MuteRoomTrackResponse muted = e.mutePublishedTrack(q);
          e.recordAdminMessage(q);
          return muted;
        }));
    table.put(room + "UpdateSubscriptions", method(UpdateSubscriptionsRequest.getDefaultInstance(),
        (g, q) -> g.adminOf(q.getRoom()),
        (e, q) -> {
          e.getParticipant(q.getRoom(), q.getIdentity());
          e.recordAdminMessage(q);
          return UpdateSubscriptionsResponse.getDefaultInstance();
        }));

    String egress = "livekit.Egress/";
    table.put(egress + "StartRoomCompositeEgress", method(RoomCompositeEgressRequest.getDefaultInstance(),
        (g, q) -> g.roomRecord(), LiveKitEngine::startRoomComposite));
    table.put(egress + "StopEgress", method(StopEgressRequest.getDefaultInstance(),
        (g, q) -> g.roomRecord(), (e, q) -> e.stopEgress(q.getEgressId())));
    table.put(egress + "ListEgress", method(ListEgressRequest.getDefaultInstance(),
        (g, q) -> g.roomRecord(),
        (e, q) -> ListEgressResponse.newBuilder()
            .addAllItems(e.listEgress(q.getRoomName(), q.getEgressId(), q.getActive())).build()));
    table.put(egress + "UpdateLayout", method(UpdateLayoutRequest.getDefaultInstance(),
        (g, q) -> g.roomRecord(), (e, q) -> e.updateLayout(q.getEgressId(), q.getLayout())));
    return table;
  }

  /** How many calls each method ({@code "RoomService/ListRooms"}, ...) received, auth failures included. */
  Map<String, Long> counts() {
    Map<String, Long> snapshot = new java.util.TreeMap<>();
    counters.forEach((k, v) -> snapshot.put(k, v.sum()));
    return snapshot;
  }

  void resetCounts() {
    counters.clear();
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      String path = exchange.getRequestURI().getPath();
      boolean post = "POST".equals(exchange.getRequestMethod());
      Method<?> method = post && path.startsWith(PREFIX) ? METHODS.get(path.substring(PREFIX.length())) : null;
      String name = method == null ? "" : path.substring(PREFIX.length() + LIVEKIT.length());
      if (method != null) {
        // Counted before auth, as documented: a test sees the calls its client made with bad credentials too.
        counters.computeIfAbsent(name, k -> new LongAdder()).increment();
        // Latency on the way in: the call is applied only after it.
        pause(faults.requestDelayOf(name));
      }
      AuthVerifier.Grants grants;
      try {
        grants = auth.verify(
            exchange.getRequestHeaders().getFirst("Authorization"),
            queryParameter(exchange.getRequestURI().getRawQuery(), "access_token"));
      } catch (AuthVerifier.Unauthorized e) {
        sendPlain(exchange, 401, e.getMessage());
        return;
      }
      try {
        if (!post) {
          throw TwirpError.badRoute(
              "unsupported method \"" + exchange.getRequestMethod() + "\" (only POST is allowed)");
        }
        if (method == null) {
          throw TwirpError.badRoute("no handler for path \"" + path + "\"");
        }
        serve(exchange, name, method, grants, body);
      } catch (TwirpError e) {
        sendError(exchange, e);
      } catch (RuntimeException e) {
        log.warn("twirp handler failed path={}", path, e);
        sendError(exchange, new TwirpError("internal", e.toString()));
      }
    }
  }

  private void serve(HttpExchange exchange, String name, Method<?> method, AuthVerifier.Grants grants, byte[] body)
      throws IOException {
    String header = exchange.getRequestHeaders().getFirst("Content-Type");
    String contentType = mediaType(header);
    boolean json;
    if ("application/json".equals(contentType)) {
      json = true;
    } else if ("application/protobuf".equals(contentType)) {
      json = false;
    } else {
      throw TwirpError.badRoute("unexpected Content-Type: \"" + (header == null ? "" : header) + "\"");
    }
    Message request = parse(method.prototype(), body, json);
    Message response = null;
    TwirpError failure = null;
    try {
      response = method.invoke(engine, grants, request);
    } catch (TwirpError e) {
      failure = e;
    }
    // The call took effect (or was refused) whatever happens to its answer now.
    if (loseAnswer(exchange, name)) {
      return;
    }
    pause(faults.answerDelayOf(name));
    if (failure != null) {
      throw failure;
    }
    if (json) {
      send(exchange, 200, "application/json", JSON_OUT.print(response).getBytes(StandardCharsets.UTF_8));
    } else {
      send(exchange, 200, "application/protobuf", response.toByteArray());
    }
  }

  /**
   * Loses the answer of an applied call when the fault is armed.
   *
   * @return whether the answer was lost (nothing more may be sent)
   */
  private boolean loseAnswer(HttpExchange exchange, String name) throws IOException {
    LostAnswer lost = faults.lostAnswerOf(name);
    if (lost == LostAnswer.NONE) {
      return false;
    }
    log.info("answer lost (fault) method={} how={}", name, lost);
    switch (lost) {
      // Closing the exchange without response headers closes the connection: the caller only ever sees its own
      // timeout (or, after the hold, the connection closing).
      case TIMEOUT -> faults.holdLostAnswer(name);
      // livekit/psrpc errors.go: ErrNoResponse and ErrRequestTimedOut, answered through Twirp's code mapping.
      case UNAVAILABLE -> sendError(exchange, TwirpError.unavailable("no response from servers"));
      case DEADLINE_EXCEEDED -> sendError(exchange, new TwirpError("deadline_exceeded", "request timed out"));
      default -> throw new IllegalStateException("unknown lost answer " + lost);
    }
    return true;
  }

  /** Waits out a latency fault; an interrupt (the emulator closing) ends the wait early. */
  private static void pause(java.time.Duration delay) {
    if (delay.isZero()) {
      return;
    }
    try {
      TimeUnit.NANOSECONDS.sleep(delay.toNanos());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The request message. An empty protobuf body is the default message; an empty JSON body is not JSON, and Twirp's
   * Go server rejects it as malformed like any other undecodable body.
   */
  private static Message parse(Message prototype, byte[] body, boolean json) {
    try {
      if (json) {
        String text = new String(body, StandardCharsets.UTF_8);
        if (text.isBlank()) {
          throw new InvalidProtocolBufferException("empty body");
        }
        Message.Builder builder = prototype.newBuilderForType();
        JSON_IN.merge(text, builder);
        return builder.build();
      }
      return prototype.getParserForType().parseFrom(body);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new TwirpError("malformed", "the " + (json ? "json" : "protobuf") + " request could not be decoded");
    }
  }

  /** The first value of a query parameter, decoded, or null. */
  private static @Nullable String queryParameter(@Nullable String rawQuery, String name) {
    if (rawQuery == null) {
      return null;
    }
    for (String pair : rawQuery.split("&")) {
      int equals = pair.indexOf('=');
      try {
        String key = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
        if (key.equals(name)) {
          return equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
        }
      } catch (IllegalArgumentException badEscape) {
        // Go's url.ParseQuery skips a pair it cannot decode.
      }
    }
    return null;
  }

  private static String mediaType(String header) {
    if (header == null) {
      return "";
    }
    int semicolon = header.indexOf(';');
    return (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
  }

  static void sendError(HttpExchange exchange, TwirpError error) throws IOException {
    // Twirp writes "code" first, then "msg".
    Map<String, String> body = new LinkedHashMap<>();
    body.put("code", error.code());
    body.put("msg", error.getMessage());
    byte[] json = Json.write(body);
    send(exchange, error.httpStatus(), "application/json", json);
  }

  static void sendPlain(HttpExchange exchange, int status, String text) throws IOException {
    send(exchange, status, "text/plain; charset=utf-8", (text + "\n").getBytes(StandardCharsets.UTF_8));
  }

  static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
