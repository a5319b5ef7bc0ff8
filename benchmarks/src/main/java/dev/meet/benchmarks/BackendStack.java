package dev.meet.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meet.testkit.livekit.LiveKitEmulator;
import dev.meet.testkit.livekit.S3Target;
import dev.meet.testkit.s3.S3Server;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;

/**
 * What benchmark 6 runs against, all on this machine: the standalone backend as its own process
 * ({@link BackendProcess}), configured through OpenVidu Meet's environment variables onto a real Redis
 * ({@link BenchRedis}), an in-process s3proxy bucket and the LiveKit emulator (zero egress delays, its egress writing
 * into the same bucket with its own storage configuration, its webhooks sent to the backend). Plus the load
 * generator's HTTP client: the JDK's, HTTP/1.1 with keep-alive, one connection per concurrent request.
 *
 * <p>One stack per JVM, started by the first benchmark that asks and stopped when the JVM exits: in a normal run every
 * benchmark has a JVM (a JMH fork) and so a fresh backend of its own; {@link BackendHttpRun} and the smoke test, which
 * run every benchmark in one JVM, start the backend once.
 */
final class BackendStack implements AutoCloseable {

  static final String API_KEY = "bench-api-key-0123456789abcdef";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> TERMINAL = Set.of("complete", "failed", "aborted", "limit_reached");
  private static @Nullable BackendStack shared;

  final BenchRedis redis;
  final S3Server s3;
  final LiveKitEmulator livekit;
  final BackendProcess backend;
  final Path dataDir;
  final String api;
  private final HttpClient http;
  private final AtomicLong names = new AtomicLong();
  /** API requests sent so far. */
  final AtomicLong requests = new AtomicLong();
  /** Recordings started and not deleted yet. */
  private final ConcurrentLinkedQueue<String> recordings = new ConcurrentLinkedQueue<>();

  private BackendStack() {
    // The emulator answers through the JDK's HTTP server, which leaves Nagle's algorithm on unless told: a small
    // answer written in two parts (CreateRoom's) then waits for the client's delayed ACK, about 40 ms. LiveKit's own
    // server (Go) sets TCP_NODELAY, so the emulator should not add that wait to every POST /rooms. Read once, when the
    // JDK's server configuration is first loaded: before the emulator starts.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    redis = BenchRedis.start();
    s3 = S3Server.startPrivate();
    livekit = LiveKitEmulator.builder()
        .defaultS3(new S3Target(s3.endpoint(), s3.region(), s3.accessKey(), s3.secretKey(), s3.bucket(), true))
        .activationDelay(Duration.ZERO)
        .endingDelay(Duration.ZERO)
        .build()
        .start();
    try {
      dataDir = Files.createTempDirectory("meet-bench-backend-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("MEET_API_KEY", API_KEY);
    environment.put("LIVEKIT_URL", livekit.url());
    environment.put("LIVEKIT_API_KEY", livekit.apiKey());
    environment.put("LIVEKIT_API_SECRET", livekit.apiSecret());
    environment.put("MEET_REDIS_URL", redis.uri());
    environment.put("MEET_S3_BUCKET", s3.bucket());
    environment.put("MEET_S3_SERVICE_ENDPOINT", s3.endpoint().toString());
    environment.put("MEET_S3_ACCESS_KEY", s3.accessKey());
    environment.put("MEET_S3_SECRET_KEY", s3.secretKey());
    environment.put("MEET_AWS_REGION", s3.region());
    environment.put("MEET_S3_WITH_PATH_STYLE_ACCESS", "true");
    environment.put("MEET_DATA_DIR", dataDir.toString());
    // Every Redis key and channel under this run's prefix, so a shared Redis is left as it was (BenchRedis.close).
    List<String> arguments = List.of(
        "--meet.redis.key-prefix=" + redis.prefix() + "lock:",
        "--meet.redis.channel=" + redis.prefix() + "signals",
        "--meet.webhooks.redis-prefix=" + redis.prefix() + "webhooks");
    // Kept after the run only in MEET_BENCH_BACKEND_LOG_DIR (run.sh points it at its output directory).
    String logDir = System.getenv("MEET_BENCH_BACKEND_LOG_DIR");
    Path log = (logDir == null || logDir.isBlank() ? dataDir : Path.of(logDir.trim()))
        .resolve("backend-" + ProcessHandle.current().pid() + ".log");
    try {
      backend = BackendProcess.start(environment, arguments, log);
    } catch (RuntimeException e) {
      closeQuietly(livekit, s3, redis);
      throw e;
    }
    api = backend.root() + "/meet/api/v1";
    livekit.addWebhookUrl(URI.create(backend.root() + "/livekit/webhook"));
    http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  /**
   * This JVM's stack, started on the first call and then warmed up for {@code MEET_BENCH_BACKEND_WARMUP} seconds
   * (default 0) by ten clients mixing every operation, so the measurements see a server that has been serving for a
   * while (JIT-compiled) rather than one that just started; the recordings made meanwhile are deleted.
   */
  static synchronized BackendStack get() {
    if (shared == null) {
      BackendStack stack = new BackendStack();
      Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "bench-stack-stop"));
      shared = stack;
      String warmUp = System.getenv("MEET_BENCH_BACKEND_WARMUP");
      if (warmUp != null && !warmUp.isBlank() && Integer.parseInt(warmUp.trim()) > 0) {
        stack.warmUp(Duration.ofSeconds(Integer.parseInt(warmUp.trim())), 10);
      }
    }
    return shared;
  }

  private void warmUp(Duration duration, int clients) {
    long deadline = System.nanoTime() + duration.toNanos();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<Object>> done = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        done.add(pool.submit(() -> {
          for (int round = 0; System.nanoTime() < deadline; round++) {
            String room = createRoom();
            getRoom(room);
            listRecordings();
            deleteRoom(room);
            if (round % 4 == 0) {
              stopRecording(startRecording(createRoomWithPublisher()));
            }
          }
          return null;
        }));
      }
      for (Future<Object> client : done) {
        client.get();
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("warming the backend up failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      pool.shutdownNow();
    }
    deleteRecordings();
  }

  /** Waits until each of these recordings has ended (complete, failed, aborted or limit_reached). */
  void awaitEnded(List<String> ids) {
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
        .until(() -> ids.stream().allMatch(id -> TERMINAL.contains(recordingStatus(id))));
  }

  /**
   * Deletes every recording started so far, once each has ended (the egress ends at once in the emulator), so the
   * next benchmark lists only its own: a listing reads every recording of its filter.
   */
  void deleteRecordings() {
    List<String> ids = new ArrayList<>();
    for (String id; (id = recordings.poll()) != null; ) {
      ids.add(id);
    }
    awaitEnded(ids);
    for (int from = 0; from < ids.size(); from += 50) {
      call(request("/recordings?recordingIds=" + String.join(",", ids.subList(from, Math.min(ids.size(), from + 50))))
          .DELETE(), 200);
    }
  }

  // ------------------------------------------------------------------------------------------ the API

  /** {@code POST /rooms}; the new room's id. */
  String createRoom() {
    JsonNode room = call(post("/rooms", "{\"roomName\":\"bench " + names.incrementAndGet() + "\"}"), 201);
    return room.get("roomId").asText();
  }

  /** A new room with a publishing participant in it (what a start needs). */
  String createRoomWithPublisher() {
    String roomId = createRoom();
    livekit.addParticipant(roomId, "alice", true);
    return roomId;
  }

  JsonNode getRoom(String roomId) {
    return call(request("/rooms/" + roomId).GET(), 200);
  }

  JsonNode deleteRoom(String roomId) {
    return call(request("/rooms/" + roomId).DELETE(), 200);
  }

  JsonNode listRecordings() {
    return call(request("/recordings").GET(), 200);
  }

  /** {@code POST /recordings}: answers when the recording is active; its id. */
  String startRecording(String roomId) {
    String id = call(post("/recordings", "{\"roomId\":\"" + roomId + "\"}"), 201).get("recordingId").asText();
    recordings.add(id);
    return id;
  }

  JsonNode stopRecording(String recordingId) {
    return call(post("/recordings/" + recordingId + "/stop", ""), 202);
  }

  String recordingStatus(String recordingId) {
    return call(request("/recordings/" + recordingId).GET(), 200).get("status").asText();
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(api + path))
        .timeout(Duration.ofSeconds(30))
        .header("X-API-KEY", API_KEY);
  }

  private HttpRequest.Builder post(String path, String json) {
    return request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json));
  }

  /** Sends it and checks the status: anything else fails the benchmark, with the answer in the message. */
  private JsonNode call(HttpRequest.Builder request, int expected) {
    HttpRequest built = request.build();
    HttpResponse<byte[]> response;
    requests.incrementAndGet();
    try {
      response = http.send(built, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(built.method() + " " + built.uri() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    String body = new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
    if (response.statusCode() != expected) {
      throw new IllegalStateException(built.method() + " " + built.uri() + " answered " + response.statusCode()
          + " (expected " + expected + "): " + body);
    }
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + body, e);
    }
  }

  @Override
  public void close() {
    closeQuietly(backend, livekit, s3, redis);
    Backend.deleteTree(dataDir);
  }

  private static void closeQuietly(AutoCloseable... closeables) {
    for (AutoCloseable closeable : closeables) {
      try {
        closeable.close();
      } catch (Exception e) {
        // stopping a benchmark's servers: the next one goes on regardless
      }
    }
  }
}
