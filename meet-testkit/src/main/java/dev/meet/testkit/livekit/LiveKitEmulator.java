package dev.meet.testkit.livekit;

import com.google.protobuf.Message;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitModels.Room;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A LiveKit server with an egress service, emulated in-process: the real LiveKit server SDK talks to it over HTTP
 * exactly as it talks to LiveKit (Twirp RoomService and Egress, protobuf or JSON, JWT auth and grants), and it sends
 * signed webhooks with LiveKit's delivery semantics.
 *
 * <pre>{@code
 * try (LiveKitEmulator livekit = LiveKitEmulator.builder()
 *     .webhookUrl(URI.create("http://127.0.0.1:6080/livekit/webhook"))
 *     .build()
 *     .start()) {
 *   livekit.addParticipant("room-1", "alice", true);
 *   EgressServiceClient egress = EgressServiceClient.createClient(livekit.url(), livekit.apiKey(), livekit.apiSecret());
 *   ...
 * }
 * }</pre>
 *
 * <p>Besides the Twirp API it serves a control API under {@code /emulator/} (see docs/testkit.md) that mirrors the
 * methods of this class: simulated participants, closing rooms, forcing egress states, fault switches, delivered
 * webhooks and request counters.
 */
public final class LiveKitEmulator implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LiveKitEmulator.class);

  private final EmulatorSettings settings;
  private final Faults faults = new Faults();
  private final ScheduledExecutorService scheduler;
  private final ExecutorService httpExecutor;
  private final ExecutorService mediaExecutor;
  private final WebhookDispatcher webhooks;
  private final LiveKitEngine engine;
  private final TwirpHandler twirp;
  private final ControlApiHandler control;
  private final Object serverLock = new Object();
  private @Nullable HttpServer server;
  private int port;
  private boolean closed;

  private LiveKitEmulator(EmulatorSettings settings) {
    this.settings = settings;
    this.scheduler = Executors.newScheduledThreadPool(2, daemonThreads("livekit-emulator-egress"));
    this.httpExecutor = Executors.newCachedThreadPool(daemonThreads("livekit-emulator-http"));
    this.mediaExecutor = Executors.newCachedThreadPool(daemonThreads("livekit-emulator-media"));
    this.webhooks =
        new WebhookDispatcher(
            settings.webhookUrls(), settings.apiKey(), settings.apiSecret(), settings.webhookRetryBase(), faults);
    MediaWriter media = new MediaWriter(settings.outputDirectory(), settings.defaultS3());
    this.engine = new LiveKitEngine(settings, faults, webhooks, media, mediaExecutor, scheduler);
    this.twirp = new TwirpHandler(new AuthVerifier(settings.apiKey(), settings.apiSecret()), engine, faults);
    this.control = new ControlApiHandler(this);
    this.port = settings.port();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts listening.
   *
   * @return this emulator
   * @throws UncheckedIOException when the port cannot be bound
   */
  public LiveKitEmulator start() {
    synchronized (serverLock) {
      if (closed) {
        throw new IllegalStateException("this emulator is closed");
      }
      if (server != null) {
        throw new IllegalStateException("this emulator is already started on port " + port);
      }
      bind(port);
      log.info("LiveKit emulator listening url={} apiKey={} webhooks={}", url(), settings.apiKey(), settings.webhookUrls());
      return this;
    }
  }

  private void bind(int requestedPort) {
    try {
      HttpServer http = HttpServer.create(new InetSocketAddress(settings.host(), requestedPort), 128);
      http.createContext("/twirp/", twirp);
      http.createContext("/emulator/", control);
      http.createContext("/", exchange -> {
        try (exchange) {
          TwirpHandler.sendError(exchange, TwirpError.badRoute("no handler for path \"" + exchange.getRequestURI().getPath() + "\""));
        }
      });
      http.setExecutor(httpExecutor);
      http.start();
      server = http;
      port = http.getAddress().getPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + settings.host() + ":" + requestedPort, e);
    }
  }

  /** The base URL to give the LiveKit SDK, e.g. {@code http://127.0.0.1:38211}. */
  public String url() {
    return "http://" + settings.host() + ":" + port;
  }

  public int port() {
    return port;
  }

  public String apiKey() {
    return settings.apiKey();
  }

  public String apiSecret() {
    return settings.apiSecret();
  }

  /** The directory egress files without upload settings are written to. */
  public Path outputDirectory() {
    return settings.outputDirectory();
  }

  /** The fault switches; they apply from the next request or webhook on. */
  public Faults faults() {
    return faults;
  }

  // ------------------------------------------------------------------ rooms and participants

  /** Creates a room as {@code CreateRoom} does (idempotent). */
  public Room createRoom(String room) {
    return engine.createRoom(livekit.LivekitRoom.CreateRoomRequest.newBuilder().setName(room).build());
  }

  /** The rooms that exist now. */
  public List<Room> rooms() {
    return engine.listRooms(List.of());
  }

  /**
   * Joins a simulated participant, creating the room if absent (room_started, participant_joined). A publisher
   * publishes a camera track; an egress becomes ACTIVE only once its room has a publisher.
   */
  public ParticipantInfo addParticipant(String room, String identity, boolean publisher) {
    return engine.join(room, identity, null, publisher);
  }

  /** The participant leaves (participant_left). */
  public void removeParticipant(String room, String identity) {
    engine.removeParticipant(room, identity);
  }

  /** Ends the room's meeting: participants leave, running egresses end with "Source closed", room_finished. */
  public void closeRoom(String room) {
    engine.closeRoom(room);
  }

  /** What was sent to SendData, UpdateRoomMetadata, MutePublishedTrack and UpdateSubscriptions, in order. */
  public List<Message> adminMessages() {
    return engine.adminMessages();
  }

  // ------------------------------------------------------------------ egress

  public Optional<EgressInfo> egress(String egressId) {
    return engine.egress(egressId);
  }

  public List<EgressInfo> egresses() {
    return engine.egresses();
  }

  /**
   * Drives an egress as the real egress service would on its own: {@code EGRESS_ACTIVE} (from STARTING, even without
   * a publisher), {@code EGRESS_ENDING} (from ACTIVE), {@code EGRESS_COMPLETE} (writes the file now),
   * {@code EGRESS_LIMIT_REACHED} (from ACTIVE, writes the file), {@code EGRESS_FAILED}, {@code EGRESS_ABORTED} (from
   * STARTING, "Start signal not received").
   *
   * @param error the error text of FAILED/ABORTED, or null for LiveKit's usual one
   */
  public EgressInfo forceEgressStatus(String egressId, EgressStatus status, @Nullable String error) {
    return engine.force(egressId, status, error);
  }

  public EgressInfo forceEgressStatus(String egressId, EgressStatus status) {
    return forceEgressStatus(egressId, status, null);
  }

  // ------------------------------------------------------------------ webhooks and counters

  /** Every webhook delivery attempt so far, in the order they finished. */
  public List<WebhookDelivery> webhookDeliveries() {
    return webhooks.deliveries();
  }

  /** The delivery attempts of one event name, e.g. {@code egress_ended}. */
  public List<WebhookDelivery> webhookDeliveries(String event) {
    return webhooks.deliveries().stream().filter(d -> d.event().equals(event)).toList();
  }

  public void clearWebhookDeliveries() {
    webhooks.clearDeliveries();
  }

  /** Also sends webhooks to this URL from now on (a receiver whose port is known only after the emulator started). */
  public void addWebhookUrl(URI url) {
    webhooks.addTarget(Objects.requireNonNull(url, "url"));
  }

  /** Waits until no webhook is queued, in flight, delayed or waiting for a retry. */
  public void awaitWebhooksIdle(Duration timeout) throws InterruptedException {
    webhooks.awaitIdle(timeout);
  }

  /** Calls received per method, keyed like {@code "RoomService/ListRooms"} or {@code "Egress/StopEgress"}. */
  public Map<String, Long> requestCounts() {
    return twirp.counts();
  }

  public long requestCount(String method) {
    return twirp.counts().getOrDefault(method, 0L);
  }

  public void resetRequestCounts() {
    twirp.resetCounts();
  }

  // ------------------------------------------------------------------ outage

  /** Stops listening, so calls fail with "connection refused", until {@link #endOutage()}. State is kept. */
  public void startOutage() {
    synchronized (serverLock) {
      if (server != null) {
        server.stop(0);
        server = null;
        log.info("LiveKit emulator outage started port={}", port);
      }
    }
  }

  /** Listens again on the same port. */
  public void endOutage() {
    synchronized (serverLock) {
      if (server == null && !closed) {
        bind(port);
        log.info("LiveKit emulator outage ended port={}", port);
      }
    }
  }

  /** Whether the emulator is not listening (not started, in an outage, or closed). */
  public boolean isDown() {
    synchronized (serverLock) {
      return server == null;
    }
  }

  /** An outage of the given length, ended by a timer (what the control API's outage call uses). */
  void outageFor(Duration duration) {
    startOutage();
    scheduler.schedule(() -> {
      try {
        endOutage();
      } catch (RuntimeException e) {
        log.warn("LiveKit emulator could not listen again after its outage port={}", port, e);
      }
    }, duration.toMillis(), TimeUnit.MILLISECONDS);
  }

  LiveKitEngine engine() {
    return engine;
  }

  @Override
  public void close() {
    synchronized (serverLock) {
      if (closed) {
        return;
      }
      closed = true;
      if (server != null) {
        server.stop(0);
        server = null;
      }
    }
    webhooks.close();
    scheduler.shutdownNow();
    httpExecutor.shutdownNow();
    mediaExecutor.shutdownNow();
  }

  private static ThreadFactory daemonThreads(String name) {
    AtomicInteger counter = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, name + "-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** Settings of an emulator; every one has a default that suits tests. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port;
    private String apiKey = "devkey";
    private String apiSecret = "secret";
    private final List<URI> webhookUrls = new ArrayList<>();
    private Duration activationDelay = Duration.ofMillis(1500);
    private Duration endingDelay = Duration.ofMillis(500);
    private Duration startSignalTimeout = Duration.ofSeconds(30);
    private Duration webhookRetryBase = Duration.ofSeconds(1);
    private @Nullable Path outputDirectory;
    private @Nullable S3Target defaultS3;

    private Builder() {}

    /** The address to listen on; {@code 127.0.0.1} by default. */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** The port; 0 (the default) picks a free one. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** The API key and its secret; {@code devkey} / {@code secret} by default, like {@code livekit-server --dev}. */
    public Builder credentials(String apiKey, String apiSecret) {
      this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
      this.apiSecret = Objects.requireNonNull(apiSecret, "apiSecret");
      return this;
    }

    /** Adds a webhook target (repeatable). */
    public Builder webhookUrl(URI url) {
      webhookUrls.add(Objects.requireNonNull(url, "url"));
      return this;
    }

    /** How long an egress stays STARTING before it becomes ACTIVE (given a publisher); 1.5 s by default. */
    public Builder activationDelay(Duration delay) {
      this.activationDelay = delay;
      return this;
    }

    /** How long an egress stays ENDING before it completes; 500 ms by default. */
    public Builder endingDelay(Duration delay) {
      this.endingDelay = delay;
      return this;
    }

    /** How long an egress may stay STARTING before it aborts ("Start signal not received"); 30 s by default. */
    public Builder startSignalTimeout(Duration timeout) {
      this.startSignalTimeout = timeout;
      return this;
    }

    /** The first webhook retry backoff, doubled on each further retry; 1 s by default like LiveKit. */
    public Builder webhookRetryBase(Duration base) {
      this.webhookRetryBase = base;
      return this;
    }

    /** Where files without upload settings go; a fresh temporary directory by default. */
    public Builder outputDirectory(Path directory) {
      this.outputDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /** The egress's own S3 storage for files without upload settings (instead of the output directory). */
    public Builder defaultS3(S3Target target) {
      this.defaultS3 = Objects.requireNonNull(target, "target");
      return this;
    }

    public LiveKitEmulator build() {
      Path output = outputDirectory;
      if (output == null) {
        try {
          output = Files.createTempDirectory("livekit-emulator-");
        } catch (IOException e) {
          throw new UncheckedIOException("cannot create the emulator's output directory", e);
        }
      }
      return new LiveKitEmulator(
          new EmulatorSettings(
              host,
              port,
              apiKey,
              apiSecret,
              webhookUrls,
              activationDelay,
              endingDelay,
              startSignalTimeout,
              webhookRetryBase,
              output,
              defaultS3));
    }
  }
}
