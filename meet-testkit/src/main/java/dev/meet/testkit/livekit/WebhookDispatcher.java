package dev.meet.testkit.livekit;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLHandshakeException;
import livekit.LivekitWebhook.WebhookEvent;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the emulator's webhooks the way a LiveKit server does, so that a receiver (and LiveKit's own
 * {@code WebhookReceiver}) cannot tell them from real ones, including when deliveries fail.
 *
 * <p>What it reproduces, as read in {@code livekit/protocol}'s {@code webhook} package ({@code notifier.go},
 * {@code resource_url_notifier.go}, {@code resource_queue.go}, {@code consts.go}), its {@code auth/accesstoken.go},
 * {@code utils/protojson} and {@code hashicorp/go-retryablehttp} v0.7.8 (the retrying HTTP client it uses):
 *
 * <ul>
 *   <li><b>Wire format.</b> {@code POST} of the protobuf JSON of the {@code WebhookEvent} (JSON field names, enum
 *       names, 64-bit integers as strings, unpopulated fields left out), {@code Content-Type:
 *       application/webhook+json}, {@code User-Agent: LiveKit}, and a bare HS256 JWT (no {@code Bearer }) in
 *       {@code Authorization} with {@code iss} = API key, {@code iat} = {@code nbf} = now, {@code exp} = now + 5
 *       minutes and {@code sha256} = standard base64 of the SHA-256 of the body.
 *   <li><b>Queues.</b> Each target URL has its own notifier, and each notifier one FIFO queue per resource (the
 *       egress id, else the room name): events of one resource go out one at a time in order, resources and targets
 *       never wait for each other. An event that waited more than 30 s in its queue is dropped before it is sent.
 *   <li><b>Retries.</b> The body and the token are built once per event and reused on every retry. A connection error,
 *       429 and any 5xx except 501 are retried up to 4 times (5 attempts), waiting {@code retryBase * 2^n} (capped at
 *       30 s) before retry {@code n + 1}, or what {@code Retry-After} says on a 429 or 503. Other answers end the
 *       event; after the last attempt it is dropped.
 * </ul>
 *
 * <p>Not reproduced: JSON key order and escaping (Go's protojson writes fields in declaration order and adds random
 * whitespace on purpose; this writes them in field-number order through protobuf-java's {@link JsonFormat}); both
 * are the same JSON to any parser, and the signature covers the exact bytes either way.
 *
 * <p>Like LiveKit, a request has no timeout (resource_url_notifier.go sets the HTTP client's timeout only when
 * {@code ClientTimeout} is configured, and LiveKit's server configures none): a receiver that accepts the
 * connection and never answers holds its queue (and only its queue) until it answers or the emulator closes.
 *
 * <p>Faults are read from {@link Faults} while running: a dropped or delayed event name when the event is
 * dispatched, duplication and token corruption when its delivery to a target starts.
 *
 * <p>Nothing here blocks a thread: requests are asynchronous and retries and delays are timers, so a slow target
 * costs no more than a fast one.
 */
final class WebhookDispatcher implements AutoCloseable {

  /** How many times LiveKit retries a failed delivery (go-retryablehttp's {@code RetryMax} default). */
  static final int MAX_RETRIES = 4;

  /** The longest wait between two attempts (go-retryablehttp's {@code RetryWaitMax} default). */
  static final Duration MAX_RETRY_WAIT = Duration.ofSeconds(30);

  /** How long an event may wait in its queue before LiveKit drops it unsent ({@code MaxAge}). */
  static final Duration MAX_AGE = Duration.ofSeconds(30);

  /** How long the webhook token is valid ({@code SetValidFor(5 * time.Minute)}). */
  static final Duration TOKEN_VALIDITY = Duration.ofMinutes(5);

  static final String CONTENT_TYPE = "application/webhook+json";
  static final String USER_AGENT = "LiveKit";

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** LiveKit's ids are 12 characters of shortuuid's base-57 alphabet after the prefix ({@code utils/guid}). */
  private static final String ID_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

  private static final int ID_LENGTH = 12;
  private static final JsonFormat.Printer JSON = JsonFormat.printer().omittingInsignificantWhitespace();
  private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);

  private final List<URI> targets;
  private final String apiKey;
  private final String apiSecret;
  private final Duration retryBase;
  private final Duration maxAge;
  private final Faults faults;
  private final SecureRandom random = new SecureRandom();
  private final ScheduledThreadPoolExecutor timers;
  private final ExecutorService httpExecutor;
  private final HttpClient http;
  private final List<WebhookDelivery> deliveries = new ArrayList<>();

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition idle = lock.newCondition();
  // Guarded by lock: the FIFO queues that hold something, and every event-to-target delivery not yet finished
  // (queued, in flight, waiting for a retry or delayed by a fault).
  private final Map<LaneKey, Lane> lanes = new HashMap<>();
  private int outstanding;
  private boolean closed;

  /**
   * @param targets the webhook URLs; every event goes to each of them
   * @param apiKey the key named in the token's {@code iss}
   * @param apiSecret the secret that signs the token
   * @param retryBase the wait before the first retry, doubled for each further one (LiveKit: 1 s)
   * @param faults read while sending, so faults armed later apply to later events
   */
  WebhookDispatcher(List<URI> targets, String apiKey, String apiSecret, Duration retryBase, Faults faults) {
    this(targets, apiKey, apiSecret, retryBase, faults, MAX_AGE);
  }

  /** As the public constructor, with a shorter {@code maxAge} so tests can reach the age limit quickly. */
  WebhookDispatcher(
      List<URI> targets, String apiKey, String apiSecret, Duration retryBase, Faults faults, Duration maxAge) {
    Objects.requireNonNull(targets, "targets");
    this.apiKey = requireNonBlank(apiKey, "apiKey");
    this.apiSecret = requireNonBlank(apiSecret, "apiSecret");
    this.retryBase = Objects.requireNonNull(retryBase, "retryBase");
    if (retryBase.isNegative()) {
      throw new IllegalArgumentException("retryBase must not be negative, was " + retryBase);
    }
    this.faults = Objects.requireNonNull(faults, "faults");
    this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
    this.targets = new CopyOnWriteArrayList<>();
    targets.forEach(this::addTarget);

    timers = new ScheduledThreadPoolExecutor(1, daemonThreads("livekit-webhook-timer"));
    timers.setRemoveOnCancelPolicy(true);
    httpExecutor = Executors.newFixedThreadPool(2, daemonThreads("livekit-webhook-http"));
    http =
        HttpClient.newBuilder()
            // LiveKit's Go client speaks HTTP/1.1 to http:// URLs; the JDK's default HTTP/2 would add h2c upgrade
            // headers that real LiveKit never sends.
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .executor(httpExecutor)
            .build();
  }

  /** Adds a webhook URL; events dispatched from now on go to it too. */
  void addTarget(URI target) {
    Objects.requireNonNull(target, "target");
    String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("webhook target must be an http(s) URL, was " + target);
    }
    targets.add(target);
  }

  /**
   * Queues {@code event} for every target and returns at once. Fills {@code id} ({@code EV_} + 12 random characters)
   * and {@code createdAt} (epoch seconds) when they are unset, as LiveKit's server does before queueing.
   *
   * @param queueKey the FIFO queue the event joins: the egress id for egress events, else the room name (see
   *     {@link #queueKeyOf(WebhookEvent)})
   */
  void dispatch(String queueKey, WebhookEvent event) {
    Objects.requireNonNull(queueKey, "queueKey");
    Objects.requireNonNull(event, "event");
    Payload payload = payloadOf(complete(event));
    if (faults.isDropped(payload.event())) {
      log.info("dropped webhook (fault) event={} id={} queue={}", payload.event(), payload.id(), queueKey);
      return;
    }
    Duration delay = faults.delayOf(payload.event());
    List<Unit> toStart = new ArrayList<>();
    lock.lock();
    try {
      if (closed) {
        log.debug("webhook dispatcher closed, not sending event={} id={}", payload.event(), payload.id());
        return;
      }
      for (URI target : targets) {
        outstanding++;
        if (delay.isZero()) {
          Lane lane = lanes.computeIfAbsent(new LaneKey(target, queueKey), Lane::new);
          Unit unit = new Unit(payload, target, lane);
          lane.queue.add(unit);
          if (!lane.busy) {
            Unit next = nextOf(lane);
            if (next != null) {
              toStart.add(next);
            }
          }
        } else {
          // Out of its queue: nothing waits for it, and it waits for nothing.
          Unit unit = new Unit(payload, target, null);
          schedule(() -> startChain(unit), delay);
        }
      }
    } finally {
      lock.unlock();
    }
    if (!delay.isZero()) {
      log.info(
          "delaying webhook (fault) event={} id={} queue={} delay={}", payload.event(), payload.id(), queueKey, delay);
    }
    toStart.forEach(this::startChain);
  }

  /**
   * The queue LiveKit puts an event in ({@code webhook.EventKey}): the egress id, else the ingress id, the room
   * name, the participant identity, the track sid, else {@code "default"}.
   */
  static String queueKeyOf(WebhookEvent event) {
    if (event.hasEgressInfo()) {
      return event.getEgressInfo().getEgressId();
    }
    if (event.hasIngressInfo()) {
      return event.getIngressInfo().getIngressId();
    }
    if (event.hasRoom()) {
      return event.getRoom().getName();
    }
    if (event.hasParticipant()) {
      return event.getParticipant().getIdentity();
    }
    if (event.hasTrack()) {
      return event.getTrack().getSid();
    }
    return "default";
  }

  /** Every attempt so far, in the order the attempts finished. */
  List<WebhookDelivery> deliveries() {
    synchronized (deliveries) {
      return List.copyOf(deliveries);
    }
  }

  /** Forgets the recorded attempts (deliveries still running keep being recorded). */
  void clearDeliveries() {
    synchronized (deliveries) {
      deliveries.clear();
    }
  }

  /**
   * Waits until nothing is queued, in flight, waiting for a retry or delayed.
   *
   * @throws IllegalStateException when deliveries are still pending after {@code timeout}
   */
  void awaitIdle(Duration timeout) throws InterruptedException {
    long remaining = timeout.toNanos();
    lock.lock();
    try {
      while (outstanding > 0) {
        if (remaining <= 0) {
          throw new IllegalStateException(
              outstanding + " webhook deliveries still pending after " + timeout);
        }
        remaining = idle.awaitNanos(remaining);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Stops sending: queued, delayed and retrying events are dropped, answers still on their way are ignored. */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      lanes.clear();
      outstanding = 0;
      idle.signalAll();
    } finally {
      lock.unlock();
    }
    timers.shutdownNow();
    httpExecutor.shutdownNow();
  }

  // ---------------------------------------------------------------------------------------------------------------

  private WebhookEvent complete(WebhookEvent event) {
    if (!event.getId().isEmpty() && event.getCreatedAt() != 0) {
      return event;
    }
    WebhookEvent.Builder builder = event.toBuilder();
    if (builder.getId().isEmpty()) {
      builder.setId(newEventId());
    }
    if (builder.getCreatedAt() == 0) {
      builder.setCreatedAt(Instant.now().getEpochSecond());
    }
    return builder.build();
  }

  private String newEventId() {
    StringBuilder id = new StringBuilder("EV_");
    for (int i = 0; i < ID_LENGTH; i++) {
      id.append(ID_ALPHABET.charAt(random.nextInt(ID_ALPHABET.length())));
    }
    return id.toString();
  }

  private static Payload payloadOf(WebhookEvent event) {
    try {
      return new Payload(event.getEvent(), event.getId(), JSON.print(event).getBytes(StandardCharsets.UTF_8));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("webhook event cannot be written as JSON: " + e.getMessage(), e);
    }
  }

  /** Takes the next event off {@code lane}, dropping those that waited too long; guarded by lock. */
  private @Nullable Unit nextOf(Lane lane) {
    while (true) {
      Unit unit = lane.queue.poll();
      if (unit == null) {
        lane.busy = false;
        lanes.remove(lane.key, lane);
        return null;
      }
      Duration waited = Duration.ofNanos(System.nanoTime() - unit.enqueuedAt);
      if (waited.compareTo(maxAge) > 0) {
        log.info(
            "dropped webhook reason=age event={} id={} target={} queueDuration={}",
            unit.payload.event(),
            unit.payload.id(),
            unit.target,
            waited);
        finishedLocked();
        continue;
      }
      lane.busy = true;
      return unit;
    }
  }

  private void finishedLocked() {
    if (closed) {
      return;
    }
    outstanding--;
    if (outstanding == 0) {
      idle.signalAll();
    }
  }

  /** One event to one target: its attempts, twice over when duplication is armed. */
  private void startChain(Unit unit) {
    unit.chainsLeft = faults.duplicateWebhooks() ? 2 : 1;
    unit.authorization = authorization(unit.payload.body(), faults.webhookToken());
    unit.attempt = 0;
    send(unit);
  }

  private void send(Unit unit) {
    if (isClosed()) {
      return;
    }
    unit.attempt++;
    HttpRequest request = request(unit.target, Objects.requireNonNull(unit.authorization), unit.payload.body());
    try {
      // Async: the JDK completes sendAsync on the common pool (a new thread per task on small machines); our own
      // threads keep the work bounded and named.
      http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
          .whenCompleteAsync((response, error) -> attempted(unit, response, error), httpExecutor);
    } catch (RuntimeException e) {
      attempted(unit, null, e);
    }
  }

  /** One delivery attempt's request: no timeout, as LiveKit's notifier sets none. */
  static HttpRequest request(URI target, String authorization, byte[] body) {
    return HttpRequest.newBuilder(target)
        .header("Authorization", authorization)
        .header("Content-Type", CONTENT_TYPE)
        .header("User-Agent", USER_AGENT)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  private void attempted(Unit unit, @Nullable HttpResponse<Void> response, @Nullable Throwable error) {
    if (isClosed()) {
      return;
    }
    try {
      Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      int status = response == null ? -1 : response.statusCode();
      record(unit, status, cause);
      if (shouldRetry(status, cause) && unit.attempt <= MAX_RETRIES) {
        Duration wait = backoff(unit.attempt - 1, response);
        log.debug(
            "retrying webhook event={} id={} target={} status={} attempt={} wait={}",
            unit.payload.event(),
            unit.payload.id(),
            unit.target,
            status,
            unit.attempt,
            wait);
        schedule(() -> send(unit), wait);
        return;
      }
      if (status >= 200 && status < 300) {
        log.info(
            "sent webhook event={} id={} target={} status={} attempts={}",
            unit.payload.event(),
            unit.payload.id(),
            unit.target,
            status,
            unit.attempt);
      } else {
        log.warn(
            "failed to send webhook event={} id={} target={} status={} attempts={} error={}",
            unit.payload.event(),
            unit.payload.id(),
            unit.target,
            status,
            unit.attempt,
            cause == null ? "" : cause.toString());
      }
      unit.chainsLeft--;
      if (unit.chainsLeft > 0) {
        unit.attempt = 0;
        send(unit);
        return;
      }
    } catch (RuntimeException e) {
      // A bug here must not leave awaitIdle() waiting forever.
      log.error("webhook delivery failed unexpectedly event={} id={}", unit.payload.event(), unit.payload.id(), e);
    }
    finished(unit);
  }

  private void finished(Unit unit) {
    Unit next = null;
    lock.lock();
    try {
      finishedLocked();
      if (unit.lane != null && !closed) {
        next = nextOf(unit.lane);
      }
    } finally {
      lock.unlock();
    }
    if (next != null) {
      startChain(next);
    }
  }

  private void record(Unit unit, int status, @Nullable Throwable error) {
    WebhookDelivery delivery =
        new WebhookDelivery(
            unit.payload.event(),
            unit.payload.id(),
            unit.target,
            status,
            unit.attempt,
            Instant.now(),
            error == null ? null : error.toString(),
            unit.payload.body());
    synchronized (deliveries) {
      deliveries.add(delivery);
    }
  }

  /**
   * go-retryablehttp's {@code DefaultRetryPolicy}: connection errors (but not TLS certificate failures), 429, and
   * 5xx other than 501.
   */
  private static boolean shouldRetry(int status, @Nullable Throwable error) {
    if (error != null) {
      return error instanceof IOException && !isCertificateFailure(error);
    }
    return status == 429 || (status >= 500 && status != 501);
  }

  private static boolean isCertificateFailure(Throwable error) {
    if (!(error instanceof SSLHandshakeException)) {
      return false;
    }
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof CertificateException || t instanceof CertPathValidatorException) {
        return true;
      }
    }
    return false;
  }

  /** go-retryablehttp's {@code DefaultBackoff}: {@code Retry-After} on 429/503, else {@code base * 2^retry}. */
  private Duration backoff(int retry, @Nullable HttpResponse<Void> response) {
    if (response != null && (response.statusCode() == 429 || response.statusCode() == 503)) {
      Optional<Duration> retryAfter = retryAfter(response.headers().firstValue("Retry-After").orElse(""));
      if (retryAfter.isPresent()) {
        return retryAfter.get();
      }
    }
    if (retry >= 62) {
      return MAX_RETRY_WAIT;
    }
    long nanos = retryBase.toNanos();
    long factor = 1L << retry;
    if (nanos > Long.MAX_VALUE / factor) {
      return MAX_RETRY_WAIT;
    }
    Duration wait = Duration.ofNanos(nanos * factor);
    return wait.compareTo(MAX_RETRY_WAIT) > 0 ? MAX_RETRY_WAIT : wait;
  }

  /** {@code Retry-After} as seconds or an HTTP date; a date in the past means now, anything else is ignored. */
  static Optional<Duration> retryAfter(String header) {
    if (header.isEmpty()) {
      return Optional.empty();
    }
    try {
      long seconds = Long.parseLong(header);
      return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant until = ZonedDateTime.parse(header, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration wait = Duration.between(Instant.now(), until);
        return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
      } catch (DateTimeParseException notADate) {
        return Optional.empty();
      }
    }
  }

  /**
   * The {@code Authorization} header: LiveKit's token ({@code iss}, {@code exp}, {@code nbf}, {@code iat},
   * {@code sha256}, in that order and nothing else: no {@code video} or {@code sip} claims as the SDK's
   * {@code AccessToken} would add), or the armed corruption of it.
   */
  private String authorization(byte[] body, WebhookTokenFault fault) {
    Instant now = Instant.now();
    String bodyHash = sha256Base64(body);
    switch (fault) {
      case NONE:
        return token(apiSecret, now, bodyHash);
      case BAD_SIGNATURE:
        return token(apiSecret + "-not-the-secret", now, bodyHash);
      case EXPIRED:
        // Well beyond LiveKit's one minute of verification leeway.
        return token(apiSecret, now.minus(TOKEN_VALIDITY).minus(Duration.ofMinutes(5)), bodyHash);
      case BEARER_PREFIX:
        return "Bearer " + token(apiSecret, now, bodyHash);
      case WRONG_BODY_HASH:
        byte[] other = new byte[body.length + 1];
        System.arraycopy(body, 0, other, 0, body.length);
        other[body.length] = '\n';
        return token(apiSecret, now, sha256Base64(other));
    }
    throw new IllegalArgumentException("unknown token fault " + fault);
  }

  private String token(String secret, Instant issuedAt, String bodyHash) {
    return JWT.create()
        .withIssuer(apiKey)
        .withExpiresAt(Date.from(issuedAt.plus(TOKEN_VALIDITY)))
        .withNotBefore(Date.from(issuedAt))
        .withIssuedAt(Date.from(issuedAt))
        .withClaim("sha256", bodyHash)
        .sign(Algorithm.HMAC256(secret));
  }

  private static String sha256Base64(byte[] body) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private void schedule(Runnable task, Duration delay) {
    try {
      timers.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      if (!isClosed()) {
        throw e;
      }
    }
  }

  private boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  private static String requireNonBlank(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    return value;
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** The bytes of one event, built once so every target, retry and duplicate gets exactly the same ones. */
  private record Payload(String event, String id, byte[] body) {}

  private record LaneKey(URI target, String queueKey) {}

  /** One target's FIFO queue for one resource. */
  private static final class Lane {
    final LaneKey key;
    final ArrayDeque<Unit> queue = new ArrayDeque<>();
    boolean busy;

    Lane(LaneKey key) {
      this.key = key;
    }
  }

  /** The delivery of one event to one target; touched by one thread at a time (each step hands over to the next). */
  private static final class Unit {
    final Payload payload;
    final URI target;
    final @Nullable Lane lane;
    final long enqueuedAt = System.nanoTime();
    @Nullable String authorization;
    int chainsLeft;
    int attempt;

    Unit(Payload payload, URI target, @Nullable Lane lane) {
      this.payload = payload;
      this.target = target;
      this.lane = lane;
    }
  }
}
