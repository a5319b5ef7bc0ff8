package dev.meet.benchmarks;

import com.sun.net.httpserver.HttpServer;
import dev.meet.core.Recording;
import dev.meet.core.engine.RecordingManager;
import dev.meet.core.RecordingStatus;
import dev.meet.core.StartOptions;
import dev.meet.core.WebhookOutcome;
import dev.meet.testkit.livekit.LiveKitEmulator;
import io.livekit.server.EgressServiceClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EncodedFileOutput;
import livekit.LivekitEgress.EncodedFileType;
import livekit.LivekitEgress.EncodingOptionsPreset;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import retrofit2.Response;

/**
 * Benchmark 5: from the start call to an ACTIVE recording, against the LiveKit emulator with zero egress delay (the
 * egress becomes active as soon as it is asked to), so what remains is what the software costs.
 *
 * <ul>
 *   <li>{@code liveKitAlone} (the baseline): the LiveKit SDK's StartRoomCompositeEgress, then waiting for the
 *       egress's ACTIVE webhook on a bare HTTP endpoint that only looks for the egress id in the body;
 *   <li>{@code meetStart}: {@link RecordingManager#start} on the same kind of endpoint handing each webhook to
 *       {@link RecordingManager#handleWebhook}: room check, lock, StartRoomCompositeEgress, stored recording, lock bound
 *       to the egress, then the webhooks verified and applied until the ACTIVE signal ends the wait.
 * </ul>
 *
 * <p>Each start is in a fresh room with one publisher, so no start waits for another's lock. What we add on top of
 * LiveKit is {@code meetStart - liveKitAlone}. Each subject has an emulator of its own, so neither receives the
 * other's webhooks.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
@State(Scope.Benchmark)
public class StartToActiveBenchmark {

  private static final Pattern EGRESS_ID = Pattern.compile("\"egressId\":\"(EG_[A-Za-z0-9]+)\"");

  @Param({"memory", "redis-s3"})
  public String backend;

  private LiveKitEmulator ours;
  private LiveKitEmulator bare;
  private Endpoint oursEndpoint;
  private Endpoint bareEndpoint;
  private Backend providers;
  private RecordingManager manager;
  private EgressServiceClient egress;
  private final Map<String, CompletableFuture<Void>> active = new ConcurrentHashMap<>();
  private final AtomicLong rooms = new AtomicLong();
  private String oursRoom = "";
  private String bareRoom = "";
  private long liveKitCallsBefore;
  private long starts;

  @Setup(Level.Trial)
  public void setUp() {
    providers = Backend.start(backend);
    oursEndpoint = new Endpoint(body -> manager.handleWebhook(body.bytes, body.authorization).httpStatus());
    bareEndpoint = new Endpoint(body -> {
      String json = new String(body.bytes, StandardCharsets.UTF_8);
      Matcher id = EGRESS_ID.matcher(json);
      if (id.find() && json.contains("\"EGRESS_ACTIVE\"")) {
        active.computeIfAbsent(id.group(1), k -> new CompletableFuture<>()).complete(null);
      }
      return 200;
    });
    ours = emulator(oursEndpoint.url());
    bare = emulator(bareEndpoint.url());
    manager = providers.newManager(ours, b -> b.startTimeout(Duration.ofSeconds(10)));
    egress = EgressServiceClient.createClient(bare.url(), bare.apiKey(), bare.apiSecret());
  }

  private static LiveKitEmulator emulator(URI webhook) {
    return LiveKitEmulator.builder()
        .activationDelay(Duration.ZERO)
        .webhookUrl(webhook)
        .build()
        .start();
  }

  /** A fresh room with a publisher for the next start, in each emulator. */
  @Setup(Level.Invocation)
  public void nextRoom() {
    long n = rooms.incrementAndGet();
    oursRoom = "room-" + n;
    bareRoom = "room-" + n;
    ours.addParticipant(oursRoom, "alice", true);
    bare.addParticipant(bareRoom, "alice", true);
  }

  @Benchmark
  public Recording meetStart() {
    Recording recording = manager.start(oursRoom, StartOptions.defaults());
    if (recording.status() != RecordingStatus.ACTIVE) {
      throw new IllegalStateException("start returned " + recording.status());
    }
    starts++;
    return recording;
  }

  @Benchmark
  public EgressInfo liveKitAlone() throws Exception {
    EncodedFileOutput file = EncodedFileOutput.newBuilder()
        .setFileType(EncodedFileType.MP4)
        .setFilepath("recordings/" + bareRoom + "/" + bareRoom + "--0123456789")
        .build();
    Response<EgressInfo> response = egress.startRoomCompositeEgress(bareRoom, file, "grid",
        EncodingOptionsPreset.H264_720P_30, null).execute();
    EgressInfo info = response.body();
    if (!response.isSuccessful() || info == null) {
      throw new IllegalStateException("StartRoomCompositeEgress failed: " + response.code());
    }
    active.computeIfAbsent(info.getEgressId(), k -> new CompletableFuture<>()).get(10, TimeUnit.SECONDS);
    active.remove(info.getEgressId());
    return info;
  }

  @Setup(Level.Iteration)
  public void countCalls() {
    liveKitCallsBefore = LockCollectorBenchmark.totalCalls(ours);
    starts = 0;
  }

  @TearDown(Level.Iteration)
  public void reportCalls() {
    if (starts > 0) {
      Facts.print("StartToActiveBenchmark.meetStart", "backend", backend, "starts", starts,
          "liveKitCallsPerStart", (double) (LockCollectorBenchmark.totalCalls(ours) - liveKitCallsBefore) / starts);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    manager.close();
    ours.close();
    bare.close();
    oursEndpoint.close();
    bareEndpoint.close();
    providers.close();
  }

  /** A webhook as received: raw bytes and the Authorization header. */
  record Received(byte[] bytes, String authorization) {}

  /** A JDK HTTP endpoint on a free loopback port answering each webhook with the handler's status. */
  static final class Endpoint implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
      Thread thread = new Thread(runnable, "bench-webhook-endpoint");
      thread.setDaemon(true);
      return thread;
    });

    Endpoint(Function<Received, Integer> handler) {
      try {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      server.createContext("/livekit/webhook", exchange -> {
        try (exchange; InputStream in = exchange.getRequestBody()) {
          byte[] body = in.readAllBytes();
          String authorization = exchange.getRequestHeaders().getFirst("Authorization");
          int status = handler.apply(new Received(body, authorization == null ? "" : authorization));
          exchange.sendResponseHeaders(status, -1);
        }
      });
      server.setExecutor(executor);
      server.start();
    }

    URI url() {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/livekit/webhook");
    }

    @Override
    public void close() {
      server.stop(0);
      executor.shutdownNow();
    }
  }
}
