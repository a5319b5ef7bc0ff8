package dev.meet.core.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.meet.core.webhooks.TestReceiver.Answer;
import dev.meet.core.webhooks.local.LocalWebhookOutbox;
import dev.meet.core.webhooks.local.LocalWebhookTargetStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The dispatcher against real HTTP receivers on loopback. */
class WebhookDeliveryTest {

  static final String API_KEY = "meet-test-key";

  static WebhookSettings fastSettings() {
    return WebhookSettings.of(API_KEY)
        .withAttemptTimeout(Duration.ofSeconds(2))
        .withLease(Duration.ofSeconds(4))
        .withRetry(new RetryPolicy(Duration.ofMillis(40), Duration.ofMillis(200), Duration.ofHours(1)))
        .withPollInterval(Duration.ofMillis(50));
  }

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final CountingWebhookObserver seen = new CountingWebhookObserver();
  private final LocalWebhookTargetStore store = LocalWebhookTargetStore.inMemory();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private TestReceiver receiver() {
    TestReceiver receiver = TestReceiver.start();
    toClose.add(receiver);
    return receiver;
  }

  private WebhookDispatcher dispatcher(WebhookOutbox outbox, WebhookTargets targets, WebhookSettings settings) {
    WebhookDispatcher dispatcher = new WebhookDispatcher(settings, outbox, targets, seen, Clock.systemUTC());
    toClose.add(dispatcher);
    dispatcher.start();
    return dispatcher;
  }

  private WebhookDispatcher dispatcherTo(String fixedUrl) {
    return dispatcher(LocalWebhookOutbox.inMemory(), new WebhookTargets(store, fixedUrl, Clock.systemUTC()),
        fastSettings());
  }

  static WebhookEvent recordingEvent(String recordingNo, WebhookEventType type, String roomName, double duration) {
    var recording = WebhookJsonTest.recording(roomName, duration);
    String id = recording.recordingId().replace("a1b2c3d4e5", String.format("%010d", Integer.parseInt(recordingNo)));
    var renamed = new dev.meet.core.Recording(id, recording.roomId(), roomName, recording.status(), "grid", null,
        null, recording.startDate(), recording.endDate(), duration, recording.size(), null, null, null);
    return WebhookEvent.recording(type, renamed, System.currentTimeMillis());
  }

  static WebhookEvent roomEvent(String roomId, WebhookEventType type) {
    return WebhookEvent.room(type, roomId, roomId, System.currentTimeMillis());
  }

  @Test
  void anEventArrivesWithItsExactBodySignedOverTimestampDotBody() {
    TestReceiver receiver = receiver();
    WebhookDispatcher dispatcher = dispatcherTo(receiver.url());
    WebhookEvent event = recordingEvent("1", WebhookEventType.RECORDING_ENDED, "Réunion / 会議", 12.0);

    dispatcher.publish(event);

    await().until(() -> receiver.requests().size() == 1);
    TestReceiver.Request request = receiver.requests().get(0);
    assertThat(request.rawBody()).isEqualTo(event.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(request.header("Content-Type")).isEqualTo("application/json");
    assertThat(request.header(WebhookDispatcher.EVENT_ID_HEADER)).isEqualTo(event.eventId());
    long timestamp = Long.parseLong(request.header("X-Timestamp"));
    assertThat(new WebhookSigner(API_KEY).verify(timestamp, request.body(), request.header("X-Signature"))).isTrue();
  }

  @Test
  void everyAttemptCarriesAFreshTimestampAndSignatureWhileTheBodyStays() {
    TestReceiver receiver = receiver().answering(r -> Answer.status(500));
    WebhookDispatcher dispatcher = dispatcherTo(receiver.url());
    dispatcher.publish(roomEvent("room-1", WebhookEventType.MEETING_STARTED));
    await().until(() -> receiver.requests().size() >= 3);
    receiver.answering(r -> Answer.status(200));

    List<TestReceiver.Request> attempts = receiver.requests().subList(0, 3);
    assertThat(attempts).extracting(TestReceiver.Request::body).containsOnly(attempts.get(0).body());
    assertThat(attempts).extracting(r -> r.header("X-Timestamp")).doesNotHaveDuplicates();
    assertThat(attempts).allSatisfy(r -> assertThat(new WebhookSigner(API_KEY)
        .verify(Long.parseLong(r.header("X-Timestamp")), r.body(), r.header("X-Signature"))).isTrue());
    await().until(() -> seen.delivered.size() == 1);
  }

  @Test
  void eventsOfOneRecordingArriveInOrderEvenWhenAttemptsFailAtRandom() {
    Set<String> failedOnce = ConcurrentHashMap.newKeySet();
    TestReceiver receiver = receiver().answering(r ->
        failedOnce.add(r.header(WebhookDispatcher.EVENT_ID_HEADER)) && Math.random() < 0.6
            ? Answer.status(503) : Answer.status(204));
    WebhookDispatcher dispatcher = dispatcherTo(receiver.url());
    List<String> publishedA = new ArrayList<>();
    List<String> publishedB = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      WebhookEvent a = recordingEvent("1", WebhookEventType.RECORDING_UPDATED, "A", i);
      WebhookEvent b = recordingEvent("2", WebhookEventType.RECORDING_UPDATED, "B", i);
      dispatcher.publish(a);
      dispatcher.publish(b);
      publishedA.add(a.eventId());
      publishedB.add(b.eventId());
    }

    await().until(() -> seen.delivered.size() == 16);

    List<String> deliveredIds = seen.delivered.stream().map(d -> d.event().eventId()).toList();
    assertThat(deliveredIds.stream().filter(publishedA::contains).toList()).isEqualTo(publishedA);
    assertThat(deliveredIds.stream().filter(publishedB::contains).toList()).isEqualTo(publishedB);
  }

  @Test
  void aReceiverThatIsDownThenUpGetsEverythingInOrder() {
    TestReceiver first = TestReceiver.start();
    int port = first.port();
    String url = first.url();
    first.close();
    WebhookDispatcher dispatcher = dispatcherTo(url);
    List<String> published = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      published.add(dispatcher.publish(roomEvent("room-1", WebhookEventType.PARTICIPANT_JOINED)).get(0)
          .event().eventId());
    }
    await().until(() -> seen.retried.size() >= 3);
    assertThat(seen.retried.get(0).lastError()).contains("connection");

    TestReceiver back = TestReceiver.startOn(port);
    toClose.add(back);

    await().until(() -> seen.delivered.size() == 3);
    assertThat(back.requests()).extracting(r -> r.header(WebhookDispatcher.EVENT_ID_HEADER))
        .containsExactlyElementsOf(published);
  }

  @Test
  void aHangingReceiverTimesOutWithoutDelayingAnotherReceiver() throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    TestReceiver hanging = receiver().answering(r -> new Answer(204, Map.of(), () -> {
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }));
    TestReceiver healthy = receiver();
    WebhookTargets targets = new WebhookTargets(store, hanging.url(), Clock.systemUTC());
    targets.create(new WebhookTargetSpec(healthy.url(), null, null, true)).orElseThrow();
    WebhookDispatcher dispatcher = dispatcher(LocalWebhookOutbox.inMemory(), targets, fastSettings());

    dispatcher.publish(roomEvent("room-1", WebhookEventType.MEETING_STARTED));
    dispatcher.publish(roomEvent("room-2", WebhookEventType.MEETING_STARTED));

    await().until(() -> seen.delivered.size() == 2);
    assertThat(seen.delivered).allSatisfy(d -> assertThat(d.webhookId()).isNotEqualTo(WebhookTargets.FIXED_ID));
    assertThat(hanging.requests()).as("the hanging receiver got both, still unanswered").hasSize(2);
    assertThat(seen.retried).as("its attempts have not timed out yet").isEmpty();

    await().atMost(Duration.ofSeconds(10)).until(() -> seen.retried.size() >= 2);
    assertThat(seen.retried).allSatisfy(d -> assertThat(d.lastError()).isEqualTo("timeout after 2000 ms"));
    release.countDown();
  }

  @Test
  void anAttemptWhoseAnswerStallsTimesOutAndClosesItsConnection() throws Exception {
    CountDownLatch closedByClient = new CountDownLatch(1);
    try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Thread stalling = new Thread(() -> {
        try (java.net.Socket socket = server.accept()) {
          java.io.InputStream in = socket.getInputStream();
          String head = "";
          while (!head.endsWith("\r\n\r\n")) {
            head += (char) in.read();
          }
          java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)")
              .matcher(head);
          in.readNBytes(length.find() ? Integer.parseInt(length.group(1)) : 0);
          // Headers promising a body that never comes: only the attempt timeout can end this.
          socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n".getBytes(
              java.nio.charset.StandardCharsets.US_ASCII));
          socket.getOutputStream().flush();
          while (in.read() != -1) {
            // read() returns -1 only when the client closes the connection
          }
          closedByClient.countDown();
        } catch (java.io.IOException e) {
          closedByClient.countDown();
        }
      });
      stalling.setDaemon(true);
      stalling.start();
      WebhookDispatcher dispatcher = dispatcherTo("http://127.0.0.1:" + server.getLocalPort() + "/webhook");

      dispatcher.publish(roomEvent("room-1", WebhookEventType.MEETING_STARTED));

      await().atMost(Duration.ofSeconds(10)).until(() -> !seen.retried.isEmpty());
      assertThat(seen.retried.get(0).lastError()).isEqualTo("timeout after 2000 ms");
      assertThat(closedByClient.await(5, TimeUnit.SECONDS)).as("the connection was closed by the client").isTrue();
    }
  }

  @Test
  void aClientErrorIsNotRetriedButKeptAsFailedAndCanBeRedelivered() {
    TestReceiver receiver = receiver().answering(r -> Answer.status(404));
    WebhookDispatcher dispatcher = dispatcherTo(receiver.url());
    Delivery delivery = dispatcher.publish(roomEvent("room-1", WebhookEventType.MEETING_ENDED)).get(0);

    await().until(() -> seen.failed.size() == 1);
    Delivery failed = dispatcher.delivery(delivery.deliveryId()).orElseThrow();
    assertThat(failed.status()).isEqualTo(DeliveryStatus.FAILED);
    assertThat(failed.attempts()).isEqualTo(1);
    assertThat(failed.lastStatusCode()).isEqualTo(404);
    assertThat(failed.lastError()).isEqualTo("HTTP 404");
    assertThat(dispatcher.deliveries(WebhookTargets.FIXED_ID, 10)).containsExactly(failed);

    receiver.answering(r -> Answer.status(200));
    assertThat(dispatcher.redeliver(delivery.deliveryId())).isPresent();

    await().until(() -> seen.delivered.size() == 1);
    assertThat(receiver.requests()).hasSize(2);
    assertThat(dispatcher.delivery(delivery.deliveryId()).orElseThrow().status())
        .isEqualTo(DeliveryStatus.DELIVERED);
    assertThat(dispatcher.redeliver(delivery.deliveryId())).as("only failed ones").isEmpty();
  }

  @Test
  void aDeliveryIsFailedWhenTheRetryBudgetIsSpent() {
    TestReceiver receiver = receiver().answering(r -> Answer.status(502));
    WebhookDispatcher dispatcher = dispatcher(LocalWebhookOutbox.inMemory(),
        new WebhookTargets(store, receiver.url(), Clock.systemUTC()),
        fastSettings().withRetry(new RetryPolicy(Duration.ofMillis(40), Duration.ofMillis(80),
            Duration.ofMillis(400))));

    dispatcher.publish(roomEvent("room-1", WebhookEventType.MEETING_ENDED));

    await().until(() -> seen.failed.size() == 1);
    Delivery failed = seen.failed.get(0);
    assertThat(failed.attempts()).isGreaterThan(2);
    assertThat(failed.lastError()).startsWith("retry budget of PT0.4S spent; last error: HTTP 502");
  }

  @Test
  void retryAfterIsHonoured() {
    TestReceiver receiver = receiver().answering(r -> new Answer(429, Map.of("Retry-After", "1"), () -> { }));
    WebhookDispatcher dispatcher = dispatcherTo(receiver.url());

    dispatcher.publish(roomEvent("room-1", WebhookEventType.MEETING_STARTED));

    await().until(() -> seen.retried.size() == 1);
    Delivery retried = seen.retried.get(0);
    assertThat(retried.nextAttemptAt() - retried.lastAttemptAt()).isGreaterThanOrEqualTo(1_000);
    assertThat(retried.lastStatusCode()).isEqualTo(429);
  }

  @Test
  void retryAfterIsReadAsSecondsOrAnHttpDateAndIgnoredWhenUnreadable() {
    Clock fixed = Clock.fixed(java.time.Instant.parse("2026-11-29T08:00:00Z"), java.time.ZoneOffset.UTC);
    WebhookDispatcher dispatcher = new WebhookDispatcher(fastSettings(), LocalWebhookOutbox.inMemory(),
        new WebhookTargets(store, null, fixed), seen, fixed);
    java.util.function.Function<String, Duration> read = value -> dispatcher.retryAfter(
        java.net.http.HttpHeaders.of(Map.of("Retry-After", List.of(value)), (a, b) -> true));

    assertThat(read.apply("7")).isEqualTo(Duration.ofSeconds(7));
    assertThat(read.apply("Sun, 29 Nov 2026 08:01:30 GMT")).isEqualTo(Duration.ofSeconds(90));
    assertThat(read.apply("Sun, 29 Nov 2026 07:00:00 GMT")).isEqualTo(Duration.ZERO);
    assertThat(read.apply("soon")).isNull();
    assertThat(read.apply("-3")).isNull();
  }

  @Test
  void onlyTargetsThatWantAnEventGetIt() {
    TestReceiver receiver = receiver();
    WebhookTargets targets = new WebhookTargets(store, null, Clock.systemUTC());
    WebhookTarget endedOnly = targets.create(new WebhookTargetSpec(receiver.url(), List.of("meetingEnded"), null,
        true)).orElseThrow();
    WebhookTarget roomTwo = targets.create(new WebhookTargetSpec(receiver.url(), null, "room-2", true))
        .orElseThrow();
    targets.create(new WebhookTargetSpec(receiver.url(), null, null, false)).orElseThrow();
    WebhookDispatcher dispatcher = dispatcher(LocalWebhookOutbox.inMemory(), targets, fastSettings());

    assertThat(dispatcher.publish(roomEvent("room-1", WebhookEventType.MEETING_STARTED))).isEmpty();
    assertThat(dispatcher.publish(roomEvent("room-1", WebhookEventType.MEETING_ENDED)))
        .extracting(Delivery::webhookId).containsExactly(endedOnly.webhookId());
    assertThat(dispatcher.publish(roomEvent("room-2", WebhookEventType.MEETING_ENDED)))
        .extracting(Delivery::webhookId).containsExactlyInAnyOrder(endedOnly.webhookId(), roomTwo.webhookId());
    assertThat(seen.produced).hasValue(3);
  }

  @Test
  void pendingDeliveriesOfADeletedOrDisabledWebhookFailSayingWhy() {
    TestReceiver receiver = receiver().answering(r -> Answer.status(503));
    WebhookTargets targets = new WebhookTargets(store, null, Clock.systemUTC());
    WebhookTarget deleted = targets.create(new WebhookTargetSpec(receiver.url(), null, null, true)).orElseThrow();
    WebhookTarget disabled = targets.create(new WebhookTargetSpec(receiver.url(), null, null, true)).orElseThrow();
    WebhookDispatcher dispatcher = dispatcher(LocalWebhookOutbox.inMemory(), targets, fastSettings());
    dispatcher.publish(roomEvent("room-1", WebhookEventType.MEETING_STARTED));
    await().until(() -> seen.retried.size() >= 2);

    targets.delete(deleted.webhookId());
    targets.update(disabled.webhookId(), new WebhookTargetSpec(receiver.url(), null, null, false));

    await().until(() -> seen.failed.size() == 2);
    assertThat(seen.failed).extracting(Delivery::webhookId, Delivery::lastError).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple(deleted.webhookId(), "webhook deleted"),
        org.assertj.core.groups.Tuple.tuple(disabled.webhookId(), "webhook disabled"));
  }

  @Test
  void anEventPublishedWhileTheOutboxIsUnreachableIsAppendedWhenItIsBack() {
    TestReceiver receiver = receiver();
    FlakyOutbox outbox = new FlakyOutbox(LocalWebhookOutbox.inMemory());
    WebhookDispatcher dispatcher = dispatcher(outbox, new WebhookTargets(store, receiver.url(), Clock.systemUTC()),
        fastSettings());
    outbox.down = true;
    WebhookEvent first = roomEvent("room-1", WebhookEventType.PARTICIPANT_JOINED);
    WebhookEvent second = roomEvent("room-1", WebhookEventType.PARTICIPANT_LEFT);

    dispatcher.publish(first);
    dispatcher.publish(second);
    assertThat(receiver.requests()).isEmpty();
    outbox.down = false;

    await().until(() -> receiver.requests().size() == 2);
    assertThat(receiver.requests()).extracting(TestReceiver.Request::event)
        .containsExactly("participantJoined", "participantLeft");
  }

  @Test
  void anEventPublishedWhileTheTargetsAreUnreachableIsQueuedWhenTheyAreBack() {
    TestReceiver receiver = receiver();
    java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean(true);
    WebhookTargetStore flaky = new WebhookTargetStore() {
      @Override
      public List<WebhookTarget> list() {
        if (down.get()) {
          throw new WebhookException("targets unreachable (test)");
        }
        return store.list();
      }

      @Override
      public Optional<WebhookTarget> get(String webhookId) {
        return store.get(webhookId);
      }

      @Override
      public boolean create(WebhookTarget target, int maxTargets) {
        return store.create(target, maxTargets);
      }

      @Override
      public boolean update(WebhookTarget target) {
        return store.update(target);
      }

      @Override
      public boolean delete(String webhookId) {
        return store.delete(webhookId);
      }
    };
    WebhookDispatcher dispatcher = dispatcher(LocalWebhookOutbox.inMemory(),
        new WebhookTargets(flaky, receiver.url(), Clock.systemUTC()), fastSettings());

    assertThat(dispatcher.publish(roomEvent("room-1", WebhookEventType.MEETING_STARTED))).isEmpty();
    assertThat(seen.produced).hasValue(0);
    down.set(false);

    await().until(() -> receiver.requests().size() == 1);
    assertThat(seen.produced).hasValue(1);
  }

  @Test
  void aTestSendSaysWhatTheReceiverAnswered() {
    TestReceiver receiver = receiver().answering(r -> Answer.status(401));
    WebhookDispatcher dispatcher = dispatcherTo(receiver.url());

    WebhookTestResult result = dispatcher.test(WebhookTargets.FIXED_ID).orElseThrow();

    assertThat(result.delivered()).isFalse();
    assertThat(result.statusCode()).isEqualTo(401);
    assertThat(receiver.requests().get(0).body()).startsWith("{\"event\":\"webhookTest\",\"creationDate\":");
    assertThat(dispatcher.test("wh_unknown")).isEmpty();
  }

  @Test
  void aClosedDispatcherRefusesToPublish() {
    WebhookDispatcher dispatcher = dispatcherTo(null);
    dispatcher.close();

    assertThatThrownBy(() -> dispatcher.publish(roomEvent("room-1", WebhookEventType.MEETING_STARTED)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }

  /** An outbox whose store can be made unreachable, as a test double of the SPI. */
  static final class FlakyOutbox implements WebhookOutbox {
    private final WebhookOutbox delegate;
    volatile boolean down;

    FlakyOutbox(WebhookOutbox delegate) {
      this.delegate = delegate;
    }

    private void check() {
      if (down) {
        throw new WebhookException("store unreachable (test)");
      }
    }

    @Override
    public void append(List<Delivery> deliveries) {
      check();
      delegate.append(deliveries);
    }

    @Override
    public Optional<Claim> claim(long now, Duration lease) {
      check();
      return delegate.claim(now, lease);
    }

    @Override
    public boolean settle(Claim claim, Delivery outcome) {
      check();
      return delegate.settle(claim, outcome);
    }

    @Override
    public Optional<Delivery> get(String deliveryId) {
      return delegate.get(deliveryId);
    }

    @Override
    public List<Delivery> deliveries(String webhookId, int limit) {
      return delegate.deliveries(webhookId, limit);
    }

    @Override
    public Optional<Delivery> redeliver(String deliveryId, long now) {
      return delegate.redeliver(deliveryId, now);
    }

    @Override
    public OutboxStats stats() {
      return delegate.stats();
    }
  }
}
