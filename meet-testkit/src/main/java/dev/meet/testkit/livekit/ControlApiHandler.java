package dev.meet.testkit.livekit;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import livekit.LivekitEgress.EgressStatus;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The emulator's control API ({@code /emulator/...}): what a test or a shell script uses to play the parts of
 * participants and of the egress service, arm faults and read what was delivered. Documented in docs/testkit.md.
 */
final class ControlApiHandler implements HttpHandler {

  private static final Logger log = LoggerFactory.getLogger(ControlApiHandler.class);
  // camelCase like LiveKit's webhook bodies: what a test reading JSON expects.
  private static final JsonFormat.Printer PROTO_JSON = JsonFormat.printer();

  private final LiveKitEmulator emulator;

  ControlApiHandler(LiveKitEmulator emulator) {
    this.emulator = emulator;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      try {
        route(exchange, body);
      } catch (TwirpError e) {
        TwirpHandler.sendError(exchange, e);
      } catch (IOException | IllegalArgumentException e) {
        TwirpHandler.sendError(exchange, TwirpError.invalidArgument(String.valueOf(e.getMessage())));
      } catch (RuntimeException e) {
        log.warn("control API call failed path={}", exchange.getRequestURI().getPath(), e);
        TwirpHandler.sendError(exchange, new TwirpError("internal", e.toString()));
      }
    }
  }

  private void route(HttpExchange exchange, byte[] body) throws IOException {
    String method = exchange.getRequestMethod();
    String[] parts = exchange.getRequestURI().getPath().substring("/emulator/".length()).split("/");
    String resource = parts[0];
    switch (resource) {
      case "rooms" -> rooms(exchange, method, parts, body);
      case "egress" -> egress(exchange, method, parts, body);
      case "webhooks" -> webhooks(exchange, method);
      case "faults" -> faults(exchange, method, body);
      case "requests" -> requests(exchange, method);
      case "outage" -> outage(exchange, method, body);
      default -> throw notFound(exchange);
    }
  }

  private void rooms(HttpExchange exchange, String method, String[] parts, byte[] body) throws IOException {
    if (parts.length == 1 && method.equals("GET")) {
      sendProtoList(exchange, emulator.rooms());
    } else if (parts.length == 3 && parts[2].equals("participants") && method.equals("POST")) {
      JsonNode json = Json.read(body);
      String identity = requiredText(json, "identity");
      String name = json.hasNonNull("name") ? json.get("name").asText() : null;
      boolean publisher = json.path("publisher").asBoolean(false);
      sendProto(exchange, 201, emulator.engine().join(parts[1], identity, name, publisher));
    } else if (parts.length == 4 && parts[2].equals("participants") && method.equals("DELETE")) {
      emulator.removeParticipant(parts[1], parts[3]);
      TwirpHandler.send(exchange, 204, "application/json", new byte[0]);
    } else if (parts.length == 3 && parts[2].equals("close") && method.equals("POST")) {
      emulator.closeRoom(parts[1]);
      TwirpHandler.send(exchange, 204, "application/json", new byte[0]);
    } else {
      throw notFound(exchange);
    }
  }

  private void egress(HttpExchange exchange, String method, String[] parts, byte[] body) throws IOException {
    if (parts.length == 1 && method.equals("GET")) {
      sendProtoList(exchange, emulator.egresses());
    } else if (parts.length == 2 && method.equals("GET")) {
      sendProto(exchange, 200, emulator.egress(parts[1]).orElseThrow(() -> TwirpError.notFound("egress does not exist")));
    } else if (parts.length == 3 && parts[2].equals("state") && method.equals("POST")) {
      JsonNode json = Json.read(body);
      String status = requiredText(json, "status");
      EgressStatus target;
      try {
        target = EgressStatus.valueOf(status.startsWith("EGRESS_") ? status : "EGRESS_" + status);
      } catch (IllegalArgumentException e) {
        throw TwirpError.invalidArgument("unknown status: " + status);
      }
      String error = json.hasNonNull("error") ? json.get("error").asText() : null;
      sendProto(exchange, 200, emulator.forceEgressStatus(parts[1], target, error));
    } else {
      throw notFound(exchange);
    }
  }

  private void webhooks(HttpExchange exchange, String method) throws IOException {
    if (method.equals("GET")) {
      List<Map<String, Object>> attempts = new ArrayList<>();
      for (WebhookDelivery delivery : emulator.webhookDeliveries()) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("event", delivery.event());
        row.put("id", delivery.id());
        row.put("target", delivery.target().toString());
        row.put("statusCode", delivery.statusCode());
        row.put("attempt", delivery.attempt());
        row.put("at", delivery.at().toString());
        if (delivery.error() != null) {
          row.put("error", delivery.error());
        }
        attempts.add(row);
      }
      TwirpHandler.send(exchange, 200, "application/json", Json.write(attempts));
    } else if (method.equals("DELETE")) {
      emulator.clearWebhookDeliveries();
      TwirpHandler.send(exchange, 204, "application/json", new byte[0]);
    } else {
      throw notFound(exchange);
    }
  }

  private void faults(HttpExchange exchange, String method, byte[] body) throws IOException {
    Faults faults = emulator.faults();
    switch (method) {
      case "GET" -> { }
      case "DELETE" -> faults.reset();
      case "PUT", "POST" -> applyFaults(faults, Json.read(body));
      default -> throw notFound(exchange);
    }
    TwirpHandler.send(exchange, 200, "application/json", Json.write(describe(faults)));
  }

  private static final Set<String> FAULT_FIELDS = Set.of(
      "duplicateWebhooks", "egressStuckInStarting", "stopEgressUnavailable", "startEgressNotEnoughCpu",
      "webhookToken", "dropEvents", "delayEventsMillis", "delayRequestMillis", "delayAnswerMillis", "loseAnswers");

  /**
   * Applies the switches present in the body; absent ones stay as they are. The whole body is checked first, so a
   * bad one changes nothing, and a misspelt switch is an error rather than a fault silently not armed.
   */
  private static void applyFaults(Faults faults, JsonNode json) {
    if (!json.isObject()) {
      throw TwirpError.invalidArgument("the faults must be a JSON object");
    }
    json.fieldNames().forEachRemaining(field -> {
      if (!FAULT_FIELDS.contains(field)) {
        throw TwirpError.invalidArgument("unknown fault: " + field + " (known: " + new TreeSet<>(FAULT_FIELDS) + ")");
      }
    });
    @Nullable Boolean duplicate = optionalBoolean(json, "duplicateWebhooks");
    @Nullable Boolean stuck = optionalBoolean(json, "egressStuckInStarting");
    @Nullable Boolean stopUnavailable = optionalBoolean(json, "stopEgressUnavailable");
    @Nullable Boolean notEnoughCpu = optionalBoolean(json, "startEgressNotEnoughCpu");
    @Nullable WebhookTokenFault token = null;
    if (json.has("webhookToken")) {
      JsonNode value = json.get("webhookToken");
      try {
        token = WebhookTokenFault.valueOf(value.asText());
      } catch (IllegalArgumentException e) {
        throw TwirpError.invalidArgument("webhookToken must be one of "
            + Arrays.toString(WebhookTokenFault.values()) + ", was " + value);
      }
    }
    List<String> drop = new ArrayList<>();
    if (json.has("dropEvents")) {
      JsonNode events = json.get("dropEvents");
      if (!events.isArray()) {
        throw TwirpError.invalidArgument("dropEvents must be an array of event names, was " + events);
      }
      for (JsonNode event : events) {
        if (!event.isTextual() || event.asText().isBlank()) {
          throw TwirpError.invalidArgument("dropEvents must be an array of event names, was " + events);
        }
        drop.add(event.asText());
      }
    }
    Map<String, Duration> delay = new LinkedHashMap<>();
    if (json.has("delayEventsMillis")) {
      JsonNode delays = json.get("delayEventsMillis");
      if (!delays.isObject()) {
        throw TwirpError.invalidArgument("delayEventsMillis must map event names to milliseconds, was " + delays);
      }
      delays.properties().forEach(e -> {
        if (!e.getValue().canConvertToLong() || !e.getValue().isIntegralNumber() || e.getValue().asLong() < 0) {
          throw TwirpError.invalidArgument(
              "delayEventsMillis." + e.getKey() + " must be a number of milliseconds >= 0, was " + e.getValue());
        }
        delay.put(e.getKey(), Duration.ofMillis(e.getValue().asLong()));
      });
    }
    Map<String, Duration> requestDelays = methodDelays(json, "delayRequestMillis");
    Map<String, Duration> answerDelays = methodDelays(json, "delayAnswerMillis");
    Map<String, LostAnswer> lost = new LinkedHashMap<>();
    if (json.has("loseAnswers")) {
      JsonNode answers = json.get("loseAnswers");
      if (!answers.isObject()) {
        throw TwirpError.invalidArgument("loseAnswers must map Twirp methods to " + Arrays.toString(LostAnswer.values())
            + ", was " + answers);
      }
      answers.properties().forEach(e -> {
        requireMethod("loseAnswers", e.getKey());
        try {
          lost.put(e.getKey(), LostAnswer.valueOf(e.getValue().asText()));
        } catch (IllegalArgumentException bad) {
          throw TwirpError.invalidArgument("loseAnswers." + e.getKey() + " must be one of "
              + Arrays.toString(LostAnswer.values()) + ", was " + e.getValue());
        }
      });
    }
    if (duplicate != null) {
      faults.duplicateWebhooks(duplicate);
    }
    if (stuck != null) {
      faults.egressStuckInStarting(stuck);
    }
    if (stopUnavailable != null) {
      faults.stopEgressUnavailable(stopUnavailable);
    }
    if (notEnoughCpu != null) {
      faults.startEgressNotEnoughCpu(notEnoughCpu);
    }
    if (token != null) {
      faults.webhookToken(token);
    }
    drop.forEach(faults::dropEvent);
    delay.forEach(faults::delayEvent);
    requestDelays.forEach(faults::delayRequest);
    answerDelays.forEach(faults::delayAnswer);
    lost.forEach(faults::loseAnswer);
  }

  /** A map of Twirp method (or {@code *}) to milliseconds, checked; 0 removes the method's delay. */
  private static Map<String, Duration> methodDelays(JsonNode json, String field) {
    Map<String, Duration> delays = new LinkedHashMap<>();
    if (!json.has(field)) {
      return delays;
    }
    JsonNode value = json.get(field);
    if (!value.isObject()) {
      throw TwirpError.invalidArgument(field + " must map Twirp methods to milliseconds, was " + value);
    }
    value.properties().forEach(e -> {
      requireMethod(field, e.getKey());
      JsonNode millis = e.getValue();
      if (!millis.isIntegralNumber() || !millis.canConvertToLong() || millis.asLong() < 0) {
        throw TwirpError.invalidArgument(
            field + "." + e.getKey() + " must be a number of milliseconds >= 0, was " + millis);
      }
      delays.put(e.getKey(), Duration.ofMillis(millis.asLong()));
    });
    return delays;
  }

  private static void requireMethod(String field, String method) {
    if (!method.equals(Faults.ANY_METHOD) && !TwirpHandler.METHOD_NAMES.contains(method)) {
      throw TwirpError.invalidArgument(field + ": unknown Twirp method " + method + " (known: " + Faults.ANY_METHOD
          + ", " + TwirpHandler.METHOD_NAMES + ")");
    }
  }

  private static @Nullable Boolean optionalBoolean(JsonNode json, String field) {
    if (!json.has(field)) {
      return null;
    }
    JsonNode value = json.get(field);
    if (!value.isBoolean()) {
      throw TwirpError.invalidArgument(field + " must be true or false, was " + value);
    }
    return value.asBoolean();
  }

  private static Map<String, Object> describe(Faults faults) {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("duplicateWebhooks", faults.duplicateWebhooks());
    state.put("webhookToken", faults.webhookToken().name());
    state.put("egressStuckInStarting", faults.egressStuckInStarting());
    state.put("stopEgressUnavailable", faults.stopEgressUnavailable());
    state.put("startEgressNotEnoughCpu", faults.startEgressNotEnoughCpu());
    state.put("dropEvents", faults.droppedEvents());
    state.put("delayEventsMillis", faults.delayedEventsMillis());
    state.put("delayRequestMillis", faults.requestDelaysMillis());
    state.put("delayAnswerMillis", faults.answerDelaysMillis());
    Map<String, String> lost = new java.util.TreeMap<>();
    faults.lostAnswers().forEach((method, how) -> lost.put(method, how.name()));
    state.put("loseAnswers", lost);
    return state;
  }

  private void requests(HttpExchange exchange, String method) throws IOException {
    if (method.equals("GET")) {
      TwirpHandler.send(exchange, 200, "application/json", Json.write(emulator.requestCounts()));
    } else if (method.equals("DELETE")) {
      emulator.resetRequestCounts();
      TwirpHandler.send(exchange, 204, "application/json", new byte[0]);
    } else {
      throw notFound(exchange);
    }
  }

  private void outage(HttpExchange exchange, String method, byte[] body) throws IOException {
    if (!method.equals("POST")) {
      throw notFound(exchange);
    }
    long millis = Json.read(body).path("millis").asLong(0);
    if (millis <= 0) {
      throw TwirpError.invalidArgument("millis must be a positive number of milliseconds");
    }
    // Answer first: once the outage starts, nothing listens any more.
    TwirpHandler.send(exchange, 202, "application/json", Json.write(Map.of("millis", millis)));
    exchange.close();
    emulator.outageFor(Duration.ofMillis(millis));
  }

  private static String requiredText(JsonNode json, String field) {
    JsonNode value = json.get(field);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw TwirpError.invalidArgument(field + " is required");
    }
    return value.asText();
  }

  private static TwirpError notFound(HttpExchange exchange) {
    return TwirpError.badRoute(
        "no control call " + exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
  }

  private static void sendProto(HttpExchange exchange, int status, MessageOrBuilder message) throws IOException {
    TwirpHandler.send(exchange, status, "application/json", print(message).getBytes(StandardCharsets.UTF_8));
  }

  private static void sendProtoList(HttpExchange exchange, List<? extends MessageOrBuilder> messages)
      throws IOException {
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < messages.size(); i++) {
      json.append(i == 0 ? "" : ",").append(print(messages.get(i)));
    }
    TwirpHandler.send(exchange, 200, "application/json", json.append(']').toString().getBytes(StandardCharsets.UTF_8));
  }

  private static String print(MessageOrBuilder message) {
    try {
      return PROTO_JSON.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }
}
