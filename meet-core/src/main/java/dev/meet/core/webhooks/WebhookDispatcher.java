package dev.meet.core.webhooks;

import dev.meet.core.webhooks.WebhookOutbox.Claim;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.Semaphore;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events from a {@link WebhookOutbox} to their {@link WebhookTargets}: at least once, in order per
 * {@link Delivery#stream() stream} (one target × one recording, or one target × one room), streams in parallel,
 * each attempt signed afresh and bounded by a timeout, retried with backoff on connection errors, timeouts, 429 and
 * 5xx (honouring {@code Retry-After}) until the retry budget is spent, then kept as failed for an operator to
 * inspect and redeliver.
 *
 * <p>Attempts are asynchronous (the JDK's {@link HttpClient}), so a receiver that hangs holds one of
 * {@link WebhookSettings#maxInFlight()} slots for at most the attempt timeout and no thread; a stream that waits for
 * a retry holds nothing. One dispatcher thread claims due streams; several instances sharing a Redis outbox share
 * the work, and a stream claimed by an instance that dies is taken over when its lease runs out.
 *
 * <pre>{@code
 * WebhookDispatcher dispatcher = new WebhookDispatcher(WebhookSettings.of(apiKey), outbox, targets,
 *     WebhookObserver.NONE, Clock.systemUTC());
 * dispatcher.start();
 * dispatcher.publish(WebhookEvent.recording(WebhookEventType.RECORDING_ENDED, recording, clock.millis()));
 * }</pre>
 */
public final class WebhookDispatcher implements AutoCloseable {

  /** The {@code event} of a test send. */
  public static final String TEST_EVENT = "webhookTest";

  /** Sent with every attempt: the event's id, the same on every attempt and every target. */
  public static final String EVENT_ID_HEADER = "X-Event-Id";

  /** Events kept in memory while the outbox cannot be reached, before new ones are refused. */
  static final int MAX_BACKLOG = 10_000;

  private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);

  private final WebhookSettings settings;
  private final WebhookOutbox outbox;
  private final WebhookTargets targets;
  private final WebhookObserver observer;
  private final Clock clock;
  private final WebhookSigner signer;
  private final HttpClient http;
  private final Semaphore wakeUp = new Semaphore(0);
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Deque<WebhookEvent> backlog = new ArrayDeque<>();
  private final Thread loop;
  private volatile boolean closing;
  private volatile boolean outboxDown;

  public WebhookDispatcher(WebhookSettings settings, WebhookOutbox outbox, WebhookTargets targets,
      WebhookObserver observer, Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.outbox = Objects.requireNonNull(outbox, "outbox");
    this.targets = Objects.requireNonNull(targets, "targets");
    this.observer = Objects.requireNonNull(observer, "observer");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.signer = new WebhookSigner(settings.apiKey());
    this.http = HttpClient.newBuilder()
        .connectTimeout(settings.attemptTimeout())
        // A redirect is an answer, not a delivery: following it would re-send a signed body to a place nobody
        // configured.
        .followRedirects(HttpClient.Redirect.NEVER)
        // Plain HTTP/1.1: the JDK's default h2c upgrade attempt confuses some receivers.
        .version(HttpClient.Version.HTTP_1_1)
        .build();
    this.loop = new Thread(this::run, "meet-webhook-dispatcher");
    this.loop.setDaemon(true);
  }

  /** Starts delivering. */
  public void start() {
    if (closing) {
      throw new IllegalStateException("the webhook dispatcher is closed");
    }
    loop.start();
    log.info("webhook dispatcher started attemptTimeoutMs={} leaseMs={} retryBudget={} maxInFlight={}",
        settings.attemptTimeout().toMillis(), settings.lease().toMillis(), settings.retry().budget(),
        settings.maxInFlight());
  }

  /**
   * Queues an event for every target that wants it. When the outbox or the targets cannot be reached the event is
   * kept in memory (up to {@value #MAX_BACKLOG} events, in order) and queued when they can.
   *
   * @return the deliveries created: empty when no target wants the event, or while it waits in memory
   * @throws WebhookException when the outbox or targets are unreachable and the in-memory backlog is full
   */
  public List<Delivery> publish(WebhookEvent event) {
    Objects.requireNonNull(event, "event");
    requireOpen();
    synchronized (backlog) {
      if (backlog.isEmpty()) {
        try {
          List<Delivery> deliveries = queue(event);
          Observers.quietly(() -> observer.eventProduced(event.type(), deliveries.size()));
          return deliveries;
        } catch (WebhookException e) {
          log.warn("webhook outbox or targets unreachable, event kept in memory eventId={} event={} reason={}",
              event.eventId(), event.type().value(), e.getMessage());
        }
      }
      if (backlog.size() >= MAX_BACKLOG) {
        throw new WebhookException("webhook outbox or targets unreachable and " + MAX_BACKLOG
            + " events wait in memory already; event " + event.type().value() + " " + event.eventId()
            + " not queued");
      }
      backlog.addLast(event);
      return List.of();
    }
  }

  /** Fans the event out to the targets that want it and appends the deliveries; nothing changes when it throws. */
  private List<Delivery> queue(WebhookEvent event) {
    long now = clock.millis();
    List<Delivery> deliveries = new ArrayList<>();
    for (WebhookTarget target : targets.all()) {
      if (target.accepts(event)) {
        deliveries.add(Delivery.pending(target.webhookId(), event, now));
      }
    }
    if (!deliveries.isEmpty()) {
      outbox.append(deliveries);
      wakeUp.release();
    }
    return deliveries;
  }

  /**
   * A target's deliveries, newest first: pending, failed, and recent delivered ones.
   *
   * @throws IllegalArgumentException when {@code limit} is not positive
   */
  public List<Delivery> deliveries(String webhookId, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    return outbox.deliveries(webhookId, limit);
  }

  /** One delivery. */
  public Optional<Delivery> delivery(String deliveryId) {
    return outbox.get(deliveryId);
  }

  /**
   * Sends a failed delivery again, after what is pending in its stream, with a fresh retry budget.
   *
   * @return the pending delivery, or empty when there is no failed delivery with that id
   */
  public Optional<Delivery> redeliver(String deliveryId) {
    Optional<Delivery> again = outbox.redeliver(deliveryId, clock.millis());
    again.ifPresent(d -> {
      log.info("webhook redelivery requested deliveryId={} webhookId={} eventId={}", d.deliveryId(),
          d.webhookId(), d.event().eventId());
      wakeUp.release();
    });
    return again;
  }

  /** The outbox's backlog (every instance's), for gauges: pending deliveries and the oldest one's age. */
  public OutboxStats stats() {
    return outbox.stats();
  }

  /**
   * Sends a signed test event ({@code {"event":"webhookTest","creationDate":..,"data":{"webhookId":..}}}) to a
   * target now, outside the outbox, once, and says what happened.
   *
   * @return empty when there is no target with that id
   */
  public Optional<WebhookTestResult> test(String webhookId) {
    Optional<WebhookTarget> target = targets.find(webhookId);
    if (target.isEmpty()) {
      return Optional.empty();
    }
    long now = clock.millis();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("event", TEST_EVENT);
    body.put("creationDate", now);
    body.put("data", Map.of("webhookId", webhookId));
    Outcome outcome = send(target.get(), WebhookJson.write(body), "test-" + now, now).join();
    return Optional.of(new WebhookTestResult(outcome.delivered(), outcome.statusCode(),
        outcome.delivered() ? null : outcome.error(), clock.millis() - now));
  }

  /**
   * Stops claiming, and waits up to the attempt timeout for attempts in progress to be settled. What is not settled
   * stays leased and is taken over by another instance, or by this one after a restart, when the lease runs out.
   */
  @Override
  public void close() {
    if (closing) {
      return;
    }
    closing = true;
    wakeUp.release();
    try {
      if (loop.isAlive()) {
        loop.join(settings.attemptTimeout().toMillis() + 1_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    int left = inFlight.get();
    synchronized (backlog) {
      if (!backlog.isEmpty()) {
        log.warn("webhook dispatcher closed with events never appended to the outbox events={}", backlog.size());
      }
    }
    log.info("webhook dispatcher closed attemptsUnsettled={}", left);
  }

  private void run() {
    while (!closing) {
      try {
        flushBacklog();
        while (!closing && inFlight.get() < settings.maxInFlight()) {
          Optional<Claim> claim = outbox.claim(clock.millis(), settings.lease());
          if (outboxDown) {
            outboxDown = false;
            log.info("webhook outbox reachable again");
          }
          if (claim.isEmpty()) {
            break;
          }
          inFlight.incrementAndGet();
          attempt(claim.get());
        }
      } catch (WebhookException e) {
        if (!outboxDown) {
          outboxDown = true;
          log.warn("webhook outbox unreachable, deliveries wait reason={}", e.getMessage());
        }
      } catch (RuntimeException e) {
        log.error("webhook dispatcher loop failed, continuing", e);
      }
      try {
        // Woken at once by publish, redelivery and every settled attempt; otherwise polls for retries coming due
        // and for what other instances appended.
        if (wakeUp.tryAcquire(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS)) {
          wakeUp.drainPermits();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    // Give attempts in progress their timeout to settle.
    long deadline = System.nanoTime() + settings.attemptTimeout().toNanos();
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      try {
        wakeUp.tryAcquire(50, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void flushBacklog() {
    synchronized (backlog) {
      while (!backlog.isEmpty()) {
        WebhookEvent event = backlog.peekFirst();
        List<Delivery> deliveries = queue(event);
        backlog.removeFirst();
        Observers.quietly(() -> observer.eventProduced(event.type(), deliveries.size()));
        if (backlog.isEmpty()) {
          log.info("webhook events kept in memory are in the outbox now");
        }
      }
    }
  }

  private void attempt(Claim claim) {
    Delivery delivery = claim.delivery();
    long attemptAt = clock.millis();
    Optional<WebhookTarget> target;
    try {
      target = targets.find(delivery.webhookId());
    } catch (WebhookException e) {
      // The lease runs out and the stream is claimed again: nothing lost, nothing sent.
      log.warn("webhook targets unreachable, attempt postponed deliveryId={} reason={}", delivery.deliveryId(),
          e.getMessage());
      done();
      return;
    }
    if (target.isEmpty() || !target.get().enabled()) {
      String why = target.isEmpty() ? "webhook deleted" : "webhook disabled";
      settle(claim, delivery.failed(null, null, why));
      done();
      return;
    }
    send(target.get(), delivery.event().body(), delivery.event().eventId(), attemptAt)
        .whenComplete((outcome, unexpected) -> {
          try {
            if (unexpected != null) {
              log.error("webhook attempt failed unexpectedly deliveryId={}", delivery.deliveryId(), unexpected);
            } else {
              settle(claim, next(delivery, outcome, attemptAt));
            }
          } finally {
            done();
          }
        });
  }

  private void done() {
    inFlight.decrementAndGet();
    wakeUp.release();
  }

  private Delivery next(Delivery delivery, Outcome outcome, long attemptAt) {
    if (outcome.delivered()) {
      return delivery.delivered(attemptAt, outcome.statusCode());
    }
    if (!outcome.retryable()) {
      return delivery.failed(attemptAt, outcome.statusCode(), outcome.error());
    }
    Duration delay = settings.retry().delay(delivery.attempts() + 1, outcome.retryAfter(),
        () -> ThreadLocalRandom.current().nextDouble());
    long nextAt = clock.millis() + delay.toMillis();
    if (nextAt > delivery.enqueuedAt() + settings.retry().budget().toMillis()) {
      return delivery.failed(attemptAt, outcome.statusCode(), "retry budget of " + settings.retry().budget()
          + " spent; last error: " + outcome.error());
    }
    return delivery.retryAt(attemptAt, nextAt, outcome.statusCode(), outcome.error());
  }

  private void settle(Claim claim, Delivery outcome) {
    boolean settled;
    try {
      settled = outbox.settle(claim, outcome);
    } catch (WebhookException e) {
      // The lease runs out and the head is attempted again: at least once.
      log.warn("webhook outcome not recorded, will be attempted again deliveryId={} reason={}",
          outcome.deliveryId(), e.getMessage());
      return;
    }
    if (!settled) {
      log.warn("webhook lease lost before the outcome was recorded deliveryId={} webhookId={}",
          outcome.deliveryId(), outcome.webhookId());
      return;
    }
    long now = clock.millis();
    switch (outcome.status()) {
      case DELIVERED -> {
        log.debug("webhook delivered deliveryId={} webhookId={} event={} attempts={}", outcome.deliveryId(),
            outcome.webhookId(), outcome.event().type().value(), outcome.attempts());
        Observers.quietly(() -> observer.delivered(outcome, Duration.ofMillis(now - outcome.enqueuedAt())));
      }
      case PENDING -> {
        log.info("webhook attempt failed, will retry deliveryId={} webhookId={} event={} attempts={} "
                + "nextAttemptInMs={} error=\"{}\"", outcome.deliveryId(), outcome.webhookId(),
            outcome.event().type().value(), outcome.attempts(), outcome.nextAttemptAt() - now, outcome.lastError());
        Observers.quietly(() -> observer.retried(outcome,
            Duration.ofMillis(Math.max(0, outcome.nextAttemptAt() - now))));
      }
      case FAILED -> {
        log.warn("webhook delivery failed and is kept for redelivery deliveryId={} webhookId={} event={} "
                + "attempts={} error=\"{}\"", outcome.deliveryId(), outcome.webhookId(),
            outcome.event().type().value(), outcome.attempts(), outcome.lastError());
        Observers.quietly(() -> observer.failed(outcome));
      }
    }
  }

  private CompletableFuture<Outcome> send(WebhookTarget target, String body, String eventId, long timestamp) {
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(target.uri())
          .timeout(settings.attemptTimeout())
          .header("Content-Type", "application/json")
          .header("User-Agent", "meet-webhooks")
          .header(WebhookSigner.TIMESTAMP_HEADER, Long.toString(timestamp))
          .header(WebhookSigner.SIGNATURE_HEADER, signer.sign(timestamp, body))
          .header(EVENT_ID_HEADER, eventId)
          .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
          .build();
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(new Outcome(false, false, null, null, "bad URL: " + e.getMessage()));
    }
    CompletableFuture<HttpResponse<Void>> exchange = http.sendAsync(request, HttpResponse.BodyHandlers.discarding());
    // Bounds the whole attempt, answer body included (the request timeout covers only the headers). Cancelling the
    // client's future aborts the exchange and closes its connection; orTimeout would only complete the future and
    // leave the request open at a receiver that hangs.
    CompletableFuture.delayedExecutor(settings.attemptTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .execute(() -> exchange.cancel(true));
    return exchange.handle((response, failure) -> failure == null ? answered(response) : unanswered(failure));
  }

  private Outcome answered(HttpResponse<Void> response) {
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return new Outcome(true, false, status, null, null);
    }
    boolean retryable = status == 429 || status >= 500;
    return new Outcome(false, retryable, status, retryable ? retryAfter(response.headers()) : null,
        "HTTP " + status);
  }

  private Outcome unanswered(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    String error;
    if (cause instanceof CancellationException || cause instanceof HttpTimeoutException) {
      error = "timeout after " + settings.attemptTimeout().toMillis() + " ms";
    } else if (cause instanceof ConnectException) {
      error = "connection refused or unreachable" + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    } else if (cause instanceof IOException) {
      error = "connection error: " + cause;
    } else {
      error = "error: " + cause;
    }
    return new Outcome(false, true, null, null, error);
  }

  /** Retry-After as seconds or an HTTP date; null when absent or unreadable. */
  @Nullable Duration retryAfter(HttpHeaders headers) {
    Optional<String> value = headers.firstValue("Retry-After").map(String::strip);
    if (value.isEmpty() || value.get().isEmpty()) {
      return null;
    }
    try {
      long seconds = Long.parseLong(value.get());
      return seconds < 0 ? null : Duration.ofSeconds(seconds);
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(value.get(), DateTimeFormatter.RFC_1123_DATE_TIME);
        return Duration.ofMillis(Math.max(0, at.toInstant().toEpochMilli() - clock.millis()));
      } catch (DateTimeParseException notDate) {
        return null;
      }
    }
  }

  private void requireOpen() {
    if (closing) {
      throw new IllegalStateException("the webhook dispatcher is closed");
    }
  }

  private record Outcome(boolean delivered, boolean retryable, @Nullable Integer statusCode,
      @Nullable Duration retryAfter, @Nullable String error) { }

  /** Observer calls never break delivery. */
  private static final class Observers {
    static void quietly(Runnable call) {
      try {
        call.run();
      } catch (RuntimeException e) {
        log.warn("webhook observer failed, ignored", e);
      }
    }
  }
}
