package dev.meet.testkit.livekit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.exceptions.TokenExpiredException;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.livekit.server.WebhookReceiver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitModels.Room;
import livekit.LivekitWebhook.WebhookEvent;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs the dispatcher against real HTTP receivers and checks every webhook only the way a LiveKit user would: with
 * the SDK's {@link WebhookReceiver}.
 */
class WebhookDispatcherTest {

  private static final String KEY = "APIwebhooktest";
  private static final String SECRET = "webhook-test-secret-0123456789abcdefghij";
  private static final Duration BASE = Duration.ofMillis(20);
  private static final Duration IDLE = Duration.ofSeconds(10);
  private static final String EV_ID = "EV_[23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz]{12}";

  private final Faults faults = new Faults();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private Receiver receiver;

  @BeforeEach
  void startReceiver() throws IOException {
    receiver = receiver();
  }

  @AfterEach
  void closeEverything() throws Exception {
    for (AutoCloseable closeable : closeables) {
      closeable.close();
    }
  }

  // --- wire format -------------------------------------------------------------------------------------------------

  @Test
  void postsProtobufJsonWithABareSignedTokenThatWebhookReceiverAccepts() throws Exception {
    WebhookDispatcher dispatcher = dispatcher(receiver.uri());
    WebhookEvent event = egressEvent("egress_updated", "EG_format", EgressStatus.EGRESS_ACTIVE, 0);
    long before = Instant.now().getEpochSecond();

    dispatcher.dispatch("EG_format", event);
    dispatcher.awaitIdle(IDLE);

    assertThat(receiver.requests()).hasSize(1);
    Received request = receiver.requests().get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/webhook");
    assertThat(request.contentType()).isEqualTo("application/webhook+json");
    assertThat(request.userAgent()).isEqualTo("LiveKit");
    assertThat(request.authorization()).doesNotStartWith("Bearer");

    WebhookEvent received = request.verified();
    assertThat(received.getId()).matches(EV_ID);
    assertThat(received.getCreatedAt()).isBetween(before, Instant.now().getEpochSecond());
    assertThat(received)
        .isEqualTo(event.toBuilder().setId(received.getId()).setCreatedAt(received.getCreatedAt()).build());
  }

  @Test
  void bodyIsCompactProtobufJsonWithCamelCaseNamesEnumNamesAndInt64AsStrings() throws Exception {
    WebhookDispatcher dispatcher = dispatcher(receiver.uri());

    dispatcher.dispatch("EG_json", egressEvent("egress_updated", "EG_json", EgressStatus.EGRESS_ACTIVE, 0));
    dispatcher.awaitIdle(IDLE);

    String body = receiver.requests().get(0).text();
    assertThat(body)
        .startsWith("{\"event\":\"egress_updated\",")
        .contains("\"egressInfo\":{\"egressId\":\"EG_json\"")
        .contains("\"status\":\"EGRESS_ACTIVE\"")
        .contains("\"startedAt\":\"1700000000123456789\"")
        .containsPattern("\"createdAt\":\"\\d+\"")
        .doesNotContain("\n", ": ", "endedAt", "egress_info", "numDropped");
  }

  @Test
  void tokenCarriesOnlyIssuerTimesAndBodyHashAndExpiresFiveMinutesAfterIssue() throws Exception {
    WebhookDispatcher dispatcher = dispatcher(receiver.uri());

    dispatcher.dispatch("room-1", roomEvent("room_started", "room-1"));
    dispatcher.awaitIdle(IDLE);

    Received request = receiver.requests().get(0);
    DecodedJWT token = JWT.require(Algorithm.HMAC256(SECRET)).build().verify(request.authorization());
    assertThat(token.getAlgorithm()).isEqualTo("HS256");
    assertThat(token.getClaims().keySet()).containsExactlyInAnyOrder("iss", "exp", "nbf", "iat", "sha256");
    assertThat(token.getIssuer()).isEqualTo(KEY);
    assertThat(token.getNotBeforeAsInstant()).isEqualTo(token.getIssuedAtAsInstant());
    assertThat(Duration.between(token.getNotBeforeAsInstant(), token.getExpiresAtAsInstant()))
        .isEqualTo(Duration.ofMinutes(5));
    assertThat(token.getClaim("sha256").asString()).isEqualTo(sha256Base64(request.body()));
  }

  @Test
  void keepsAnIdAndCreatedAtThatAreAlreadySet() throws Exception {
    WebhookDispatcher dispatcher = dispatcher(receiver.uri());
    WebhookEvent event = roomEvent("room_finished", "room-1").toBuilder().setId("EV_given").setCreatedAt(42).build();

    dispatcher.dispatch("room-1", event);
    dispatcher.awaitIdle(IDLE);

    assertThat(receiver.requests().get(0).verified()).isEqualTo(event);
  }

  @Test
  void givesEveryEventItsOwnId() throws Exception {
    WebhookDispatcher dispatcher = dispatcher(receiver.uri());

    for (int i = 0; i < 20; i++) {
      dispatcher.dispatch("room-1", roomEvent("participant_joined", "room-1"));
    }
    dispatcher.awaitIdle(IDLE);

    assertThat(receiver.requests().stream().map(r -> r.verified().getId()).distinct()).hasSize(20);
  }

  @Test
  void queueKeyIsTheEgressIdElseTheRoomNameLikeLiveKitsEventKey() {
    assertThat(WebhookDispatcher.queueKeyOf(egressEvent("egress_ended", "EG_1", EgressStatus.EGRESS_COMPLETE, 0)))
        .isEqualTo("EG_1");
    assertThat(WebhookDispatcher.queueKeyOf(roomEvent("room_started", "room-7"))).isEqualTo("room-7");
    assertThat(
            WebhookDispatcher.queueKeyOf(
                WebhookEvent.newBuilder()
                    .setEvent("participant_left")
                    .setParticipant(ParticipantInfo.newBuilder().setIdentity("alice"))
                    .build()))
        .isEqualTo("alice");
    assertThat(WebhookDispatcher.queueKeyOf(WebhookEvent.newBuilder().setEvent("x").build())).isEqualTo("default");
  }

  @Test
  void rejectsATargetThatIsNotAnHttpUrl() {
    WebhookDispatcher dispatcher = dispatcher(receiver.uri());

    assertThatThrownBy(() -> dispatcher.addTarget(URI.create("ftp://127.0.0.1/webhook")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http");
  }

  // --- queues ------------------------------------------------------------------------------------------------------

  @Test
  void deliversEachQueueInOrderWhileQueuesRunInParallelAndSomeAttemptsFail() throws Exception {
    Set<String> failedOnce = ConcurrentHashMap.newKeySet();
    receiver.respond(
        r -> {
          EgressInfo egress = r.parsed().getEgressInfo();
          boolean failFirst = Integer.parseInt(egress.getDetails()) % 4 == 0;
          return failFirst && failedOnce.add(egress.getEgressId() + "/" + egress.getDetails()) ? 503 : 200;
        });
    WebhookDispatcher dispatcher = dispatcher(receiver.uri());
    List<String> queues = List.of("EG_a", "EG_b", "EG_c");

    for (int seq = 0; seq < 15; seq++) {
      for (String queue : queues) {
        dispatcher.dispatch(queue, egressEvent("egress_updated", queue, EgressStatus.EGRESS_ACTIVE, seq));
      }
    }
    dispatcher.awaitIdle(IDLE);

    for (String queue : queues) {
      List<Integer> sent =
          receiver.requests().stream()
              .filter(r -> r.status() == 200)
              .map(r -> r.verified().getEgressInfo())
              .filter(egress -> egress.getEgressId().equals(queue))
              .map(egress -> Integer.parseInt(egress.getDetails()))
              .collect(Collectors.toList());
      assertThat(sent).as(queue).containsExactlyElementsOf(IntStream.range(0, 15).boxed().toList());
    }
    assertThat(receiver.requests()).hasSize(3 * 15 + 3 * 4);
  }

  @Test
  void aQueueWaitingForItsReceiverHoldsBackOnlyItsOwnLaterEvents() throws Exception {
    CountDownLatch slowArrived = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    receiver.respond(
        r -> {
          if (r.parsed().getEgressInfo().getEgressId().equals("EG_slow")) {
            slowArrived.countDown();
            block(release);
          }
          return 200;
        });
    WebhookDispatcher dispatcher = dispatcher(receiver.uri());

    dispatcher.dispatch("EG_slow", egressEvent("egress_started", "EG_slow", EgressStatus.EGRESS_STARTING, 0));
    dispatcher.dispatch("EG_slow", egressEvent("egress_updated", "EG_slow", EgressStatus.EGRESS_ACTIVE, 1));
    assertThat(slowArrived.await(5, TimeUnit.SECONDS)).isTrue();
    for (int seq = 0; seq < 3; seq++) {
      dispatcher.dispatch("EG_fast", egressEvent("egress_updated", "EG_fast", EgressStatus.EGRESS_ACTIVE, seq));
    }

    await().atMost(IDLE).until(() -> receiver.requestsFor("EG_fast").size() == 3);
    assertThat(receiver.requestsFor("EG_slow")).isEmpty(); // the first is still being answered
    release.countDown();
    dispatcher.awaitIdle(IDLE);
    assertThat(receiver.requestsFor("EG_slow"))
        .extracting(r -> r.verified().getEvent())
        .containsExactly("egress_started", "egress_updated");
  }

  @Test
  void aDeliveryHasNoTimeoutAsLiveKitSetsNone() {
    // A receiver that never answers holds its queue for good, as with LiveKit: nothing gives up on it.
    assertThat(WebhookDispatcher.request(receiver.uri(), "token", new byte[] {'{', '}'}).timeout()).isEmpty();
  }

  @Test
  void aTargetThatRefusesConnectionsDoesNotHoldBackAnotherTarget() throws Exception {
    URI refusing = refusingTarget();
    WebhookDispatcher dispatcher = dispatcher(List.of(refusing, receiver.uri()), Duration.ofMillis(100));

    for (int seq = 0; seq < 3; seq++) {
      dispatcher.dispatch("EG_1", egressEvent("egress_updated", "EG_1", EgressStatus.EGRESS_ACTIVE, seq));
    }

    await().atMost(IDLE).until(() -> receiver.requests().size() == 3);
    // The refusing target needs 1.5 s of backoff per event; it is still on its first.
    assertThat(dispatcher.deliveries().stream().filter(d -> d.target().equals(refusing)).count()).isLessThan(5);
    dispatcher.close();
  }

  // --- retries -----------------------------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(ints = {500, 502, 503, 504, 429})
  void retriesAServerErrorOrTooManyRequestsWithTheSameBytesIdAndToken(int status) throws Exception {
    receiver.respondInTurn(status, status);
    WebhookDispatcher dispatcher = dispatcher(receiver.uri());

    dispatcher.dispatch("EG_retry", egressEvent("egress_ended", "EG_retry", EgressStatus.EGRESS_COMPLETE, 0));
    dispatcher.awaitIdle(IDLE);

    List<Received> requests = receiver.requests();
    assertThat(requests).extracting(Received::status).containsExactly(status, status, 200);
    assertThat(requests).extracting(Received::text).containsOnly(requests.get(0).text());
    assertThat(requests).extracting(Received::authorization).containsOnly(requests.get(0).authorization());
    assertThat(requests.get(2).verified().getId()).matches(EV_ID);
    List<WebhookDelivery> deliveries = dispatcher.deliveries();
    assertThat(deliveries).extracting(WebhookDelivery::attempt).containsExactly(1, 2, 3);
    assertThat(deliveries).extracting(WebhookDelivery::statusCode).containsExactly(status, status, 200);
    assertThat(deliveries).extracting(WebhookDelivery::id).containsOnly(requests.get(0).verified().getId());
    assertThat(deliveries).extracting(WebhookDelivery::delivered).containsExactly(false, false, true);
    assertThat(deliveries.get(2).body()).isEqualTo(requests.get(0).body());
  }

  @Test
  void retriesWhenTheConnectionIsRefusedAndGivesUpAfterFourRetries() throws Exception {
    URI refusing = refusingTarget();
    WebhookDispatcher dispatcher = dispatcher(refusing);

    dispatcher.dispatch("room-1", roomEvent("room_started", "room-1"));
    dispatcher.awaitIdle(IDLE);

    List<WebhookDelivery> deliveries = dispatcher.deliveries();
    assertThat(deliveries).extracting(WebhookDelivery::attempt).containsExactly(1, 2, 3, 4, 5);
    assertThat(deliveries).extracting(WebhookDelivery::statusCode).containsOnly(-1);
    assertThat(deliveries).allSatisfy(d -> assertThat(d.error()).isNotBlank());
    assertThat(deliveries).extracting(WebhookDelivery::target).containsOnly(refusing);
    assertThat(deliveries).extracting(WebhookDelivery::id).containsOnly(deliveries.get(0).id());
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 401, 403, 404, 409, 501})
  void doesNotRetryAClientErrorOrNotImplementedAndMovesOnToTheNextEvent(int status) throws Exception {
    receiver.respondInTurn(status);
    WebhookDispatcher dispatcher = dispatcher(receiver.uri());

    dispatcher.dispatch("EG_1", egressEvent("egress_started", "EG_1", EgressStatus.EGRESS_STARTING, 0));
    dispatcher.dispatch("EG_1", egressEvent("egress_updated", "EG_1", EgressStatus.EGRESS_ACTIVE, 1));
    dispatcher.awaitIdle(IDLE);

    assertThat(receiver.requests())
        .extracting(r -> r.verified().getEvent(), Received::status)
        .containsExactly(
            tuple("egress_started", status),
            tuple("egress_updated", 200));
    assertThat(dispatcher.deliveries()).extracting(WebhookDelivery::attempt).containsExactly(1, 1);
  }

  @Test
  void givesUpAfterFiveAttemptsAndThenSendsTheNextEventOfTheQueue() throws Exception {
    receiver.respond(r -> r.parsed().getEvent().equals("egress_updated") ? 503 : 200);
    WebhookDispatcher dispatcher = dispatcher(receiver.uri());

    dispatcher.dispatch("EG_1", egressEvent("egress_updated", "EG_1", EgressStatus.EGRESS_ACTIVE, 0));
    dispatcher.dispatch("EG_1", egressEvent("egress_ended", "EG_1", EgressStatus.EGRESS_COMPLETE, 1));
    dispatcher.awaitIdle(IDLE);

    assertThat(receiver.requests())
        .extracting(r -> r.parsed().getEvent())
        .containsExactly(
            "egress_updated", "egress_updated", "egress_updated", "egress_updated", "egress_updated", "egress_ended");
    assertThat(dispatcher.deliveries())
        .extracting(WebhookDelivery::event, WebhookDelivery::attempt)
        .containsExactly(
            tuple("egress_updated", 1),
            tuple("egress_updated", 2),
            tuple("egress_updated", 3),
            tuple("egress_updated", 4),
            tuple("egress_updated", 5),
            tuple("egress_ended", 1));
  }

  @Test
  void waitsTwiceAsLongBeforeEachFurtherRetry() throws Exception {
    receiver.respond(r -> 500);
    Duration base = Duration.ofMillis(40);
    WebhookDispatcher dispatcher = dispatcher(List.of(receiver.uri()), base);

    dispatcher.dispatch("room-1", roomEvent("room_started", "room-1"));
    dispatcher.awaitIdle(IDLE);

    List<Received> requests = receiver.requests();
    assertThat(requests).hasSize(5);
    for (int retry = 0; retry < 4; retry++) {
      Duration gap = Duration.ofNanos(requests.get(retry + 1).arrivedNanos() - requests.get(retry).arrivedNanos());
      assertThat(gap).as("wait before retry %d", retry + 1).isGreaterThanOrEqualTo(base.multipliedBy(1L << retry));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {429, 503})
  void aRetryAfterHeaderOverridesTheBackoff(int status) throws Exception {
    receiver.respondInTurn(status);
    receiver.retryAfter("0");
    WebhookDispatcher dispatcher = dispatcher(List.of(receiver.uri()), Duration.ofMinutes(10));

    dispatcher.dispatch("room-1", roomEvent("room_started", "room-1"));
    dispatcher.awaitIdle(IDLE);

    assertThat(receiver.requests()).extracting(Received::status).containsExactly(status, 200);
  }

  @Test
  void readsRetryAfterAsSecondsOrAnHttpDate() {
    assertThat(WebhookDispatcher.retryAfter("120")).contains(Duration.ofSeconds(120));
    assertThat(WebhookDispatcher.retryAfter("-1")).isEmpty();
    assertThat(WebhookDispatcher.retryAfter("soon")).isEmpty();
    assertThat(WebhookDispatcher.retryAfter("")).isEmpty();
    assertThat(WebhookDispatcher.retryAfter("Fri, 31 Dec 1999 23:59:59 GMT")).contains(Duration.ZERO);
    String inAnHour =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.now().plusSeconds(3600).atOffset(ZoneOffset.UTC));
    assertThat(WebhookDispatcher.retryAfter(inAnHour).orElseThrow()).isBetween(
        Duration.ofMinutes(58), Duration.ofMinutes(60));
  }

  @Test
  void dropsAnEventThatWaitedInItsQueueLongerThanTheMaximumAge() throws Exception {
    receiver.respond(r -> r.parsed().getEvent().equals("egress_updated") ? 503 : 200);
    WebhookDispatcher dispatcher =
        track(
            new WebhookDispatcher(
                List.of(receiver.uri()), KEY, SECRET, Duration.ofMillis(50), faults, Duration.ofMillis(200)));

    // The first event's five attempts take 750 ms of backoff, far past the second one's maximum age.
    dispatcher.dispatch("EG_1", egressEvent("egress_updated", "EG_1", EgressStatus.EGRESS_ACTIVE, 0));
    dispatcher.dispatch("EG_1", egressEvent("egress_ended", "EG_1", EgressStatus.EGRESS_COMPLETE, 1));
    dispatcher.awaitIdle(IDLE);
    dispatcher.dispatch("EG_1", egressEvent("egress_ended", "EG_1", EgressStatus.EGRESS_COMPLETE, 2));
    dispatcher.awaitIdle(IDLE);

    assertThat(receiver.requests())
        .extracting(r -> r.parsed().getEgressInfo().getDetails())
        .containsExactly("0", "0", "0", "0", "0", "2");
    assertThat(dispatcher.deliveries())
        .extracting(WebhookDelivery::event)
        .containsExactly(
            "egress_updated", "egress_updated", "egress_updated", "egress_updated", "egress_updated", "egress_ended");
  }

  // --- faults ------------------------------------------------------------------------------------------------------

  @Test
  void aDroppedEventIsNeverSentNorRecorded() throws Exception {
    faults.dropEvent("egress_updated");
    WebhookDispatcher dispatcher = dispatcher(receiver.uri());

    dispatcher.dispatch("EG_1", egressEvent("egress_updated", "EG_1", EgressStatus.EGRESS_ACTIVE, 0));
    dispatcher.dispatch("EG_1", egressEvent("egress_ended", "EG_1", EgressStatus.EGRESS_COMPLETE, 1));
    dispatcher.awaitIdle(IDLE);

    assertThat(receiver.requests()).extracting(r -> r.verified().getEvent()).containsExactly("egress_ended");
    assertThat(dispatcher.deliveries()).extracting(WebhookDelivery::event).containsExactly("egress_ended");
  }

  @Test
  void duplicationDeliversEveryEventTwiceWithTheSameBytesAndId() throws Exception {
    faults.duplicateWebhooks(true);
    WebhookDispatcher dispatcher = dispatcher(receiver.uri());

    dispatcher.dispatch("EG_1", egressEvent("egress_ended", "EG_1", EgressStatus.EGRESS_COMPLETE, 0));
    dispatcher.awaitIdle(IDLE);

    List<Received> requests = receiver.requests();
    assertThat(requests).hasSize(2);
    assertThat(requests.get(1).body()).isEqualTo(requests.get(0).body());
    assertThat(requests.get(1).verified().getId()).isEqualTo(requests.get(0).verified().getId());
    assertThat(dispatcher.deliveries()).extracting(WebhookDelivery::attempt).containsExactly(1, 1);
  }

  @Test
  void duplicationRepeatsTheWholeRetryChain() throws Exception {
    faults.duplicateWebhooks(true);
    receiver.respondInTurn(503, 200, 503);
    WebhookDispatcher dispatcher = dispatcher(receiver.uri());

    dispatcher.dispatch("EG_1", egressEvent("egress_ended", "EG_1", EgressStatus.EGRESS_COMPLETE, 0));
    dispatcher.awaitIdle(IDLE);

    assertThat(dispatcher.deliveries())
        .extracting(WebhookDelivery::attempt, WebhookDelivery::statusCode)
        .containsExactly(
            tuple(1, 503),
            tuple(2, 200),
            tuple(1, 503),
            tuple(2, 200));
  }

  @Test
  void aDelayedEventLeavesItsQueueAndIsOvertakenByLaterEvents() throws Exception {
    faults.delayEvent("egress_updated", Duration.ofSeconds(1));
    WebhookDispatcher dispatcher = dispatcher(receiver.uri());

    dispatcher.dispatch("EG_1", egressEvent("egress_started", "EG_1", EgressStatus.EGRESS_STARTING, 0));
    dispatcher.dispatch("EG_1", egressEvent("egress_updated", "EG_1", EgressStatus.EGRESS_ACTIVE, 1));
    dispatcher.dispatch("EG_1", egressEvent("egress_ended", "EG_1", EgressStatus.EGRESS_COMPLETE, 2));
    dispatcher.awaitIdle(IDLE);

    assertThat(receiver.requests())
        .extracting(r -> r.verified().getEvent())
        .containsExactly("egress_started", "egress_ended", "egress_updated");
  }

  @Test
  void aBadSignatureTokenIsRejectedByWebhookReceiver() throws Exception {
    Received request = sendWithTokenFault(WebhookTokenFault.BAD_SIGNATURE);

    assertThatThrownBy(request::verified).isInstanceOf(SignatureVerificationException.class);
    DecodedJWT token = JWT.decode(request.authorization());
    assertThat(token.getIssuer()).isEqualTo(KEY);
    assertThat(token.getClaim("sha256").asString()).isEqualTo(sha256Base64(request.body()));
  }

  @Test
  void anExpiredTokenIsRejectedByWebhookReceiver() throws Exception {
    Received request = sendWithTokenFault(WebhookTokenFault.EXPIRED);

    assertThatThrownBy(request::verified).isInstanceOf(TokenExpiredException.class);
    DecodedJWT token = JWT.decode(request.authorization());
    // Past LiveKit's own one minute of leeway too.
    assertThat(token.getExpiresAtAsInstant()).isBefore(Instant.now().minus(Duration.ofMinutes(1)));
    assertThatCode(
            () -> JWT.require(Algorithm.HMAC256(SECRET)).acceptLeeway(3600).build().verify(request.authorization()))
        .doesNotThrowAnyException();
  }

  @Test
  void aBearerPrefixedTokenIsRejectedByWebhookReceiverThoughTheTokenItselfIsValid() throws Exception {
    Received request = sendWithTokenFault(WebhookTokenFault.BEARER_PREFIX);

    assertThat(request.authorization()).startsWith("Bearer ");
    assertThatThrownBy(request::verified).isInstanceOf(RuntimeException.class);
    assertThatCode(() -> new WebhookReceiver(KEY, SECRET).receive(request.text(), request.authorization().substring(7)))
        .doesNotThrowAnyException();
  }

  @Test
  void aTokenWithTheWrongBodyHashIsRejectedByWebhookReceiverThoughItsSignatureIsValid() throws Exception {
    Received request = sendWithTokenFault(WebhookTokenFault.WRONG_BODY_HASH);

    assertThatThrownBy(request::verified)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sha256");
    assertThatCode(() -> JWT.require(Algorithm.HMAC256(SECRET)).withIssuer(KEY).build().verify(request.authorization()))
        .doesNotThrowAnyException();
  }

  @Test
  void faultsArmedLaterApplyToLaterEventsOnly() throws Exception {
    WebhookDispatcher dispatcher = dispatcher(receiver.uri());
    dispatcher.dispatch("room-1", roomEvent("room_started", "room-1"));
    dispatcher.awaitIdle(IDLE);

    faults.webhookToken(WebhookTokenFault.BAD_SIGNATURE);
    dispatcher.dispatch("room-1", roomEvent("room_finished", "room-1"));
    dispatcher.awaitIdle(IDLE);

    assertThatCode(receiver.requests().get(0)::verified).doesNotThrowAnyException();
    assertThatThrownBy(receiver.requests().get(1)::verified).isInstanceOf(SignatureVerificationException.class);
  }

  // --- targets, idleness, closing ----------------------------------------------------------------------------------

  @Test
  void sendsEveryEventToEveryTargetIncludingOnesAddedLater() throws Exception {
    Receiver second = receiver();
    Receiver third = receiver();
    WebhookDispatcher dispatcher = dispatcher(List.of(receiver.uri(), second.uri()), BASE);
    dispatcher.dispatch("room-1", roomEvent("room_started", "room-1"));
    dispatcher.awaitIdle(IDLE);

    dispatcher.addTarget(third.uri());
    dispatcher.dispatch("room-1", roomEvent("room_finished", "room-1"));
    dispatcher.awaitIdle(IDLE);

    assertThat(receiver.requests()).extracting(r -> r.verified().getEvent())
        .containsExactly("room_started", "room_finished");
    assertThat(second.requests()).extracting(r -> r.verified().getEvent())
        .containsExactly("room_started", "room_finished");
    assertThat(third.requests()).extracting(r -> r.verified().getEvent()).containsExactly("room_finished");
    assertThat(second.requests().get(1).body()).isEqualTo(receiver.requests().get(1).body());
    assertThat(third.requests().get(0).body()).isEqualTo(receiver.requests().get(1).body());
  }

  @Test
  void awaitIdleFailsWhenDeliveriesAreStillPendingAfterTheTimeout() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    receiver.respond(
        r -> {
          block(release);
          return 200;
        });
    WebhookDispatcher dispatcher = dispatcher(receiver.uri());
    dispatcher.dispatch("room-1", roomEvent("room_started", "room-1"));

    assertThatThrownBy(() -> dispatcher.awaitIdle(Duration.ofMillis(50)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("1 webhook deliveries still pending");
    release.countDown();
    dispatcher.awaitIdle(IDLE);
    assertThat(dispatcher.deliveries()).hasSize(1);
  }

  @Test
  void awaitIdleWaitsForRetriesAndDelayedEvents() throws Exception {
    receiver.respondInTurn(503, 503);
    faults.delayEvent("room_finished", Duration.ofSeconds(1));
    WebhookDispatcher dispatcher = dispatcher(receiver.uri());

    dispatcher.dispatch("room-1", roomEvent("room_started", "room-1"));
    dispatcher.dispatch("room-1", roomEvent("room_finished", "room-1"));
    dispatcher.awaitIdle(IDLE);

    assertThat(dispatcher.deliveries())
        .extracting(WebhookDelivery::event, WebhookDelivery::statusCode)
        .containsExactly(
            tuple("room_started", 503),
            tuple("room_started", 503),
            tuple("room_started", 200),
            tuple("room_finished", 200));
  }

  @Test
  void closingDropsPendingEventsAndIgnoresLaterOnes() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch arrived = new CountDownLatch(1);
    receiver.respond(
        r -> {
          arrived.countDown();
          block(release);
          return 200;
        });
    WebhookDispatcher dispatcher = dispatcher(receiver.uri());
    dispatcher.dispatch("room-1", roomEvent("room_started", "room-1"));
    dispatcher.dispatch("room-1", roomEvent("participant_joined", "room-1"));
    assertThat(arrived.await(5, TimeUnit.SECONDS)).isTrue();

    dispatcher.close();
    dispatcher.dispatch("room-1", roomEvent("room_finished", "room-1"));

    assertThatCode(() -> dispatcher.awaitIdle(Duration.ZERO)).doesNotThrowAnyException();
    release.countDown();
    assertThat(dispatcher.deliveries()).isEmpty();
  }

  @Test
  void clearDeliveriesForgetsWhatWasRecorded() throws Exception {
    WebhookDispatcher dispatcher = dispatcher(receiver.uri());
    dispatcher.dispatch("room-1", roomEvent("room_started", "room-1"));
    dispatcher.awaitIdle(IDLE);

    dispatcher.clearDeliveries();

    assertThat(dispatcher.deliveries()).isEmpty();
  }

  // --- helpers -----------------------------------------------------------------------------------------------------

  private Received sendWithTokenFault(WebhookTokenFault fault) throws Exception {
    faults.webhookToken(fault);
    WebhookDispatcher dispatcher = dispatcher(receiver.uri());
    dispatcher.dispatch("EG_1", egressEvent("egress_ended", "EG_1", EgressStatus.EGRESS_COMPLETE, 0));
    dispatcher.awaitIdle(IDLE);
    assertThat(receiver.requests()).hasSize(1);
    return receiver.requests().get(0);
  }

  private WebhookDispatcher dispatcher(URI target) {
    return dispatcher(List.of(target), BASE);
  }

  private WebhookDispatcher dispatcher(List<URI> targets, Duration retryBase) {
    return track(new WebhookDispatcher(targets, KEY, SECRET, retryBase, faults));
  }

  private <T extends AutoCloseable> T track(T closeable) {
    closeables.add(closeable);
    return closeable;
  }

  private Receiver receiver() throws IOException {
    return track(new Receiver());
  }

  private static WebhookEvent egressEvent(String event, String egressId, EgressStatus status, int seq) {
    return WebhookEvent.newBuilder()
        .setEvent(event)
        .setRoom(Room.newBuilder().setSid("RM_webhooktest").setName("room-1"))
        .setEgressInfo(
            EgressInfo.newBuilder()
                .setEgressId(egressId)
                .setRoomId("RM_webhooktest")
                .setRoomName("room-1")
                .setStatus(status)
                .setStartedAt(1_700_000_000_123_456_789L)
                .setDetails(Integer.toString(seq)))
        .build();
  }

  private static WebhookEvent roomEvent(String event, String roomName) {
    return WebhookEvent.newBuilder()
        .setEvent(event)
        .setRoom(Room.newBuilder().setSid("RM_webhooktest").setName(roomName).setCreationTime(1_700_000_000L))
        .build();
  }

  /** A URL on the loopback interface where nothing listens: every connection is refused. */
  private static URI refusingTarget() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    return URI.create("http://127.0.0.1:" + port + "/webhook");
  }

  private static String sha256Base64(byte[] body) throws Exception {
    return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(body));
  }

  private static void block(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("test latch never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** One request as the receiver saw it, and the status it answered. */
  record Received(
      String method,
      String path,
      @Nullable String authorization,
      @Nullable String contentType,
      @Nullable String userAgent,
      byte[] body,
      long arrivedNanos,
      int status) {

    String text() {
      return new String(body, UTF_8);
    }

    /** The event as a LiveKit user's code gets it: verified by the SDK's own receiver, or an exception. */
    WebhookEvent verified() {
      return new WebhookReceiver(KEY, SECRET).receive(text(), authorization);
    }

    /** The event without checking its token, for deciding how to answer. */
    WebhookEvent parsed() {
      WebhookEvent.Builder builder = WebhookEvent.newBuilder();
      try {
        JsonFormat.parser().merge(text(), builder);
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException(e);
      }
      return builder.build();
    }

    Received answered(int answer) {
      return new Received(method, path, authorization, contentType, userAgent, body, arrivedNanos, answer);
    }
  }

  /** A real HTTP webhook endpoint that records every request and answers what it is told to. */
  static final class Receiver implements AutoCloseable {
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final HttpServer server;
    private final List<Received> requests = new CopyOnWriteArrayList<>();
    private volatile ToIntFunction<Received> responder = r -> 200;
    private volatile @Nullable String retryAfter;

    Receiver() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/", this::handle);
      server.setExecutor(executor);
      server.start();
    }

    URI uri() {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/webhook");
    }

    void respond(ToIntFunction<Received> responder) {
      this.responder = responder;
    }

    /** Answers the first requests with these statuses, then 200. */
    void respondInTurn(int... statuses) {
      AtomicInteger next = new AtomicInteger();
      respond(
          r -> {
            int index = next.getAndIncrement();
            return index < statuses.length ? statuses[index] : 200;
          });
    }

    void retryAfter(String value) {
      this.retryAfter = value;
    }

    List<Received> requests() {
      return List.copyOf(requests);
    }

    List<Received> requestsFor(String egressId) {
      return requests().stream()
          .filter(r -> r.parsed().getEgressInfo().getEgressId().equals(egressId))
          .collect(Collectors.toList());
    }

    private void handle(HttpExchange exchange) throws IOException {
      try {
        long arrived = System.nanoTime();
        byte[] body = exchange.getRequestBody().readAllBytes();
        Map<String, List<String>> headers = exchange.getRequestHeaders();
        Received request =
            new Received(
                exchange.getRequestMethod(),
                exchange.getRequestURI().getPath(),
                first(headers, "Authorization"),
                first(headers, "Content-Type"),
                first(headers, "User-Agent"),
                body,
                arrived,
                0);
        int status = responder.applyAsInt(request);
        requests.add(request.answered(status));
        String retry = retryAfter;
        if (retry != null) {
          exchange.getResponseHeaders().set("Retry-After", retry);
        }
        exchange.sendResponseHeaders(status, -1);
      } finally {
        exchange.close();
      }
    }

    private static @Nullable String first(Map<String, List<String>> headers, String name) {
      List<String> values = headers.get(name);
      return values == null || values.isEmpty() ? null : values.get(0);
    }

    @Override
    public void close() {
      server.stop(0);
      executor.shutdownNow();
    }
  }
}
