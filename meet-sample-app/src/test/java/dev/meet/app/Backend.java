package dev.meet.app;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One running backend (the real application on a free port) and a real HTTP client against it. Settings are passed
 * as command-line arguments with OpenVidu's variable names, as an operator would set them.
 */
public final class Backend implements AutoCloseable {

  public static final String API_KEY = "test-api-key-0123456789";
  static final JsonMapper JSON = JsonMapper.builder().build();

  private final ConfigurableApplicationContext context;
  private volatile String key = API_KEY;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final String root;
  final String api;

  private Backend(ConfigurableApplicationContext context) {
    this.context = context;
    String port = context.getEnvironment().getProperty("local.server.port");
    this.root = "http://127.0.0.1:" + port;
    this.api = root + context.getEnvironment().getProperty("meet.backend.api-prefix", "/meet/api/v1");
  }

  /**
   * Starts the backend with these settings (name → value) on a free port.
   *
   * @param extra configuration classes added to the application's (test tuning through the starter's customizers)
   */
  public static Backend start(Map<String, String> settings, Class<?>... extra) {
    List<String> args = new ArrayList<>();
    args.add("--server.port=0");
    settings.forEach((name, value) -> args.add("--" + name + "=" + value));
    ConfigurableApplicationContext context = new SpringApplicationBuilder(MeetBackendApplication.class)
        .sources(extra).run(args.toArray(String[]::new));
    return new Backend(context);
  }

  /** The key sent when a call names none. */
  public Backend useKey(String apiKey) {
    this.key = apiKey;
    return this;
  }

  public ConfigurableApplicationContext context() {
    return context;
  }

  public <T> T bean(Class<T> type) {
    return context.getBean(type);
  }

  public String webhookUrl() {
    return root + "/livekit/webhook";
  }

  // ------------------------------------------------------------------------------------------ HTTP

  public Response get(String path, String... headers) {
    return send(HttpRequest.newBuilder(uri(path)).GET(), headers);
  }

  public Response delete(String path, String... headers) {
    return send(HttpRequest.newBuilder(uri(path)).DELETE(), headers);
  }

  public Response post(String path, String json, String... headers) {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)), headers);
  }

  /** With the API key unless the headers carry their own X-API-KEY (or "X-API-KEY" → "" to send none). */
  public Response send(HttpRequest.Builder request, String... headers) {
    boolean ownKey = false;
    for (int i = 0; i < headers.length; i += 2) {
      if (headers[i].equalsIgnoreCase("X-API-KEY")) {
        ownKey = true;
        if (headers[i + 1].isEmpty()) {
          continue;
        }
      }
      request.header(headers[i], headers[i + 1]);
    }
    if (!ownKey) {
      request.header("X-API-KEY", key);
    }
    try {
      HttpResponse<byte[]> response = http.send(request.timeout(Duration.ofSeconds(60)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      return new Response(response);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private URI uri(String path) {
    return URI.create(path.startsWith("http") ? path : api + path);
  }

  @Override
  public void close() {
    context.close();
  }

  /** An answer: status, headers, body. */
  public record Response(HttpResponse<byte[]> raw) {
    public int status() {
      return raw.statusCode();
    }

    public byte[] bytes() {
      return raw.body();
    }

    public String text() {
      return new String(raw.body(), java.nio.charset.StandardCharsets.UTF_8);
    }

    public JsonNode json() {
      return JSON.readTree(raw.body());
    }

    public String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    @Override
    public String toString() {
      return status() + " " + text();
    }
  }
}
