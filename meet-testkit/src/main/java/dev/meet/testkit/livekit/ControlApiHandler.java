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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import livekit.LivekitEgress.EgressStatus;
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

  /** Applies the switches present in the body; absent ones stay as they are. */
  private static void applyFaults(Faults faults, JsonNode json) {
    if (json.has("duplicateWebhooks")) {
      faults.duplicateWebhooks(json.get("duplicateWebhooks").asBoolean());
    }
    if (json.has("egressStuckInStarting")) {
      faults.egressStuckInStarting(json.get("egressStuckInStarting").asBoolean());
    }
    if (json.has("stopEgressUnavailable")) {
      faults.stopEgressUnavailable(json.get("stopEgressUnavailable").asBoolean());
    }
    if (json.has("startEgressNotEnoughCpu")) {
      faults.startEgressNotEnoughCpu(json.get("startEgressNotEnoughCpu").asBoolean());
    }
    if (json.has("webhookToken")) {
      faults.webhookToken(WebhookTokenFault.valueOf(json.get("webhookToken").asText()));
    }
    json.path("dropEvents").forEach(event -> faults.dropEvent(event.asText()));
    json.path("delayEventsMillis").fields().forEachRemaining(
        e -> faults.delayEvent(e.getKey(), Duration.ofMillis(e.getValue().asLong())));
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
