package dev.meet.core.livekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpServer;
import dev.meet.core.RecordingEncoding;
import dev.meet.core.RecordingStatus;
import dev.meet.core.livekit.WebhookRejectedException.Reason;
import dev.meet.core.storage.MediaTarget;
import dev.meet.testkit.livekit.LiveKitEmulator;
import dev.meet.testkit.livekit.WebhookTokenFault;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import livekit.LivekitEgress.EncodedFileOutput;
import livekit.LivekitEgress.EncodingOptionsPreset;
import livekit.LivekitWebhook.WebhookEvent;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Webhooks as the LiveKit emulator signs and sends them (exactly as LiveKit does), received by a real HTTP server, and
 * tokens crafted with java-jwt for each way a request can be forged or damaged.
 */
class LiveKitWebhookVerifierTest {

  private static final String KEY = "devkey";
  private static final String SECRET = "secret";
  private static final Duration LEEWAY = Duration.ofSeconds(60);
  private static final AtomicInteger ROOMS = new AtomicInteger();

  private static HttpServer receiver;
  private static final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
  private static LiveKitEmulator emulator;

  private final LiveKitWebhookVerifier verifier = new LiveKitWebhookVerifier(KEY, SECRET, LEEWAY);

  /** One webhook request exactly as it arrived. */
  private record Delivery(byte[] body, @Nullable String authorization) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  @BeforeAll
  static void start() throws IOException {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    receiver.createContext("/livekit/webhook", exchange -> {
      try (exchange; InputStream in = exchange.getRequestBody()) {
        deliveries.add(new Delivery(in.readAllBytes(), exchange.getRequestHeaders().getFirst("Authorization")));
        exchange.sendResponseHeaders(200, -1);
      }
    });
    receiver.start();
    emulator = LiveKitEmulator.builder().credentials(KEY, SECRET).build().start();
    emulator.addWebhookUrl(
        URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/livekit/webhook"));
  }

  @AfterAll
  static void stop() {
    emulator.close();
    receiver.stop(0);
  }

  @AfterEach
  void resetFaults() {
    emulator.faults().reset();
  }

  private static String newRoom() {
    return "webhook-room-" + ROOMS.incrementAndGet() + "-" + System.nanoTime();
  }

  /** The webhook LiveKit sent about this room for this event, once it has arrived. */
  private static Delivery awaitDelivery(String room, String event) {
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
        .until(() -> find(room, event) != null);
    return find(room, event);
  }

  private static @Nullable Delivery find(String room, String event) {
    return deliveries.stream()
        .filter(d -> d.text().contains("\"" + room + "\"") && d.text().contains("\"event\":\"" + event + "\""))
        .findFirst()
        .orElse(null);
  }

  private static Delivery participantJoined() {
    String room = newRoom();
    emulator.addParticipant(room, "alice", true);
    return awaitDelivery(room, "participant_joined");
  }

  // ------------------------------------------------------------------ what LiveKit sends

  @Test
  void aWebhookLiveKitSentVerifiesAndYieldsItsEvent() {
    String room = newRoom();
    emulator.addParticipant(room, "alice", true);
    Delivery delivery = awaitDelivery(room, "participant_joined");

    WebhookEvent event = verifier.verify(delivery.body(), delivery.authorization());

    assertThat(event.getEvent()).isEqualTo("participant_joined");
    assertThat(event.getRoom().getName()).isEqualTo(room);
    assertThat(event.getParticipant().getIdentity()).isEqualTo("alice");
    assertThat(event.getId()).startsWith("EV_");
  }

  @Test
  void anEgressWebhookLiveKitSentCarriesTheEgress() {
    String room = newRoom();
    emulator.addParticipant(room, "alice", true);
    EgressState started;
    try (LiveKitSdkGateway gateway = new LiveKitSdkGateway(new LiveKitSettings(emulator.url(), KEY, SECRET))) {
      started = gateway.startRoomComposite(room, new MediaTarget(room + "/file", null), null,
          RecordingEncoding.DEFAULT);
    }
    Delivery delivery = awaitDelivery(room, "egress_started");

    WebhookEvent event = verifier.verify(delivery.body(), delivery.authorization());

    assertThat(event.getEgressInfo().getEgressId()).isEqualTo(started.egressId());
    assertThat(event.getEgressInfo().getStatus()).isEqualTo(EgressStatus.EGRESS_STARTING);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "BAD_SIGNATURE, BAD_SIGNATURE",
      "EXPIRED, EXPIRED",
      "BEARER_PREFIX, MALFORMED_TOKEN",
      "WRONG_BODY_HASH, BODY_MISMATCH"
  })
  void aWebhookWithADamagedTokenIsRejectedWithItsReason(WebhookTokenFault fault, Reason reason) {
    emulator.faults().webhookToken(fault);
    String room = newRoom();
    emulator.addParticipant(room, "alice", true);
    Delivery delivery = awaitDelivery(room, "participant_joined");

    assertRejected(() -> verifier.verify(delivery.body(), delivery.authorization()), reason);
  }

  @Test
  void aBodyAlteredAfterSigningIsRejected() {
    Delivery delivery = participantJoined();
    byte[] tampered = delivery.text().replace("alice", "mallory").getBytes(StandardCharsets.UTF_8);

    assertRejected(() -> verifier.verify(tampered, delivery.authorization()), Reason.BODY_MISMATCH);
  }

  @Test
  void theSameJsonWithDifferentBytesIsRejectedBecauseTheHashCoversTheRawBytes() {
    Delivery delivery = participantJoined();
    byte[] reformatted = (delivery.text() + "\n").getBytes(StandardCharsets.UTF_8);

    assertRejected(() -> verifier.verify(reformatted, delivery.authorization()), Reason.BODY_MISMATCH);
  }

  @Test
  void aWebhookFromAnotherLiveKitIsRejectedByAVerifierWithOtherCredentials() {
    Delivery delivery = participantJoined();
    LiveKitWebhookVerifier otherDeployment = new LiveKitWebhookVerifier("otherkey", "othersecret");

    assertRejected(() -> otherDeployment.verify(delivery.body(), delivery.authorization()), Reason.WRONG_ISSUER);
  }

  // ------------------------------------------------------------------ forged and damaged requests

  @Test
  void aTokenSignedWithAnotherSecretIsRejected() {
    byte[] body = sampleBody();

    assertRejected(() -> verifier.verify(body, token(body).sign(Algorithm.HMAC256("another-secret"))),
        Reason.BAD_SIGNATURE);
  }

  @Test
  void aTokenIssuedForAnotherApiKeyIsRejected() {
    byte[] body = sampleBody();

    assertRejected(() -> verifier.verify(body, token(body).withIssuer("otherkey").sign(hs256())),
        Reason.WRONG_ISSUER);
  }

  @Test
  void aTokenWithoutIssuerIsRejected() {
    byte[] body = sampleBody();
    String unissued = JWT.create().withClaim("sha256", sha256(body))
        .withExpiresAt(Instant.now().plusSeconds(300)).sign(hs256());

    assertRejected(() -> verifier.verify(body, unissued), Reason.WRONG_ISSUER);
  }

  @Test
  void aTokenExpiredBeyondTheLeewayIsRejected() {
    byte[] body = sampleBody();
    Instant now = Instant.now();
    String expired = token(body, now.minusSeconds(400), now.minus(LEEWAY).minusSeconds(30)).sign(hs256());

    assertRejected(() -> verifier.verify(body, expired), Reason.EXPIRED);
  }

  @Test
  void aTokenExpiredWithinTheLeewayIsAccepted() {
    byte[] body = sampleBody();
    Instant now = Instant.now();
    String justExpired = token(body, now.minusSeconds(330), now.minus(LEEWAY).plusSeconds(30)).sign(hs256());

    assertThat(verifier.verify(body, justExpired).getEvent()).isEqualTo("egress_updated");
  }

  @Test
  void aLongerLeewayAcceptsATokenTheDefaultRejects() {
    byte[] body = sampleBody();
    Instant now = Instant.now();
    String expired = token(body, now.minusSeconds(400), now.minusSeconds(90)).sign(hs256());

    assertThat(new LiveKitWebhookVerifier(KEY, SECRET, Duration.ofMinutes(2)).verify(body, expired).getEvent())
        .isEqualTo("egress_updated");
    assertRejected(() -> new LiveKitWebhookVerifier(KEY, SECRET).verify(body, expired), Reason.EXPIRED);
  }

  @Test
  void aTokenNotValidYetBeyondTheLeewayIsRejected() {
    byte[] body = sampleBody();
    Instant later = Instant.now().plus(LEEWAY).plusSeconds(30);
    String early = token(body, later, later.plusSeconds(300)).sign(hs256());

    assertRejected(() -> verifier.verify(body, early), Reason.NOT_YET_VALID);
  }

  @Test
  void aTokenFromAClockSlightlyAheadIsAccepted() {
    byte[] body = sampleBody();
    Instant ahead = Instant.now().plusSeconds(20);
    String early = token(body, ahead, ahead.plusSeconds(300)).sign(hs256());

    assertThat(verifier.verify(body, early).getEvent()).isEqualTo("egress_updated");
  }

  @Test
  void aTokenSignedWithAnotherAlgorithmIsRejected() {
    byte[] body = sampleBody();

    assertRejected(() -> verifier.verify(body, token(body).sign(Algorithm.HMAC512(SECRET))), Reason.BAD_SIGNATURE);
  }

  @Test
  void anUnsignedTokenIsRejected() {
    byte[] body = sampleBody();

    assertRejected(() -> verifier.verify(body, token(body).sign(Algorithm.none())), Reason.BAD_SIGNATURE);
  }

  @Test
  void aTokenWithoutBodyHashIsRejected() {
    byte[] body = sampleBody();
    String unhashed = JWT.create().withIssuer(KEY).withNotBefore(Instant.now())
        .withExpiresAt(Instant.now().plusSeconds(300)).sign(hs256());

    assertRejected(() -> verifier.verify(body, unhashed), Reason.BODY_MISMATCH);
  }

  @Test
  void aTokenSignedWithHs384AndTheRightSecretIsRejectedBecauseLiveKitSignsWithHs256() {
    byte[] body = sampleBody();

    assertRejected(() -> verifier.verify(body, token(body).sign(Algorithm.HMAC384(SECRET))), Reason.BAD_SIGNATURE);
  }

  @Test
  void anRs256TokenIsRejectedSoNoAlgorithmConfusionIsPossible() throws Exception {
    byte[] body = sampleBody();
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair pair = generator.generateKeyPair();
    String rs256 = token(body).sign(
        Algorithm.RSA256((RSAPublicKey) pair.getPublic(), (RSAPrivateKey) pair.getPrivate()));

    assertRejected(() -> verifier.verify(body, rs256), Reason.BAD_SIGNATURE);
  }

  @Test
  void aTokenWithoutExpiryIsRejectedEvenWhenCorrectlySigned() {
    byte[] body = sampleBody();
    String eternal = JWT.create().withIssuer(KEY).withNotBefore(Instant.now()).withClaim("sha256", sha256(body))
        .sign(hs256());

    assertThatThrownBy(() -> verifier.verify(body, eternal))
        .isInstanceOfSatisfying(WebhookRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_TOKEN))
        .hasMessageContaining("no exp claim");
  }

  @Test
  void aTokenWhoseExpiryIsNullIsRejectedBecauseItWouldNeverExpire() {
    byte[] body = sampleBody();
    String eternal = JWT.create().withIssuer(KEY).withNotBefore(Instant.now()).withNullClaim("exp")
        .withClaim("sha256", sha256(body)).sign(hs256());

    assertRejected(() -> verifier.verify(body, eternal), Reason.MALFORMED_TOKEN);
  }

  @Test
  void aTokenWhoseNotBeforeIsNullIsRejected() {
    byte[] body = sampleBody();
    String undated = JWT.create().withIssuer(KEY).withNullClaim("nbf")
        .withExpiresAt(Instant.now().plusSeconds(300)).withClaim("sha256", sha256(body)).sign(hs256());

    assertRejected(() -> verifier.verify(body, undated), Reason.MALFORMED_TOKEN);
  }

  @Test
  void anUnsignedTokenWithAnOutOfRangeExpiryIsRejectedNotThrown() {
    byte[] body = sampleBody();
    String forged = JWT.create().withPayload(java.util.Map.of("iss", KEY, "exp", Long.MAX_VALUE,
        "nbf", Long.MAX_VALUE, "sha256", sha256(body))).sign(Algorithm.HMAC256("not-the-secret"));

    assertRejected(() -> verifier.verify(body, forged), Reason.MALFORMED_TOKEN);
  }

  @Test
  void aTokenWithoutNotBeforeIsRejectedEvenWhenCorrectlySigned() {
    byte[] body = sampleBody();
    String undated = JWT.create().withIssuer(KEY).withExpiresAt(Instant.now().plusSeconds(300))
        .withClaim("sha256", sha256(body)).sign(hs256());

    assertThatThrownBy(() -> verifier.verify(body, undated))
        .isInstanceOfSatisfying(WebhookRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_TOKEN))
        .hasMessageContaining("no nbf claim");
  }

  @Test
  void duringKeyRotationWebhooksSignedByEitherKeyVerify() {
    byte[] body = sampleBody();
    LiveKitWebhookVerifier rotating =
        new LiveKitWebhookVerifier(Map.of(KEY, SECRET, "newkey", "new-secret"), LEEWAY);
    String byOld = token(body).sign(hs256());
    String byNew = token(body).withIssuer("newkey").sign(Algorithm.HMAC256("new-secret"));

    assertThat(rotating.verify(body, byOld).getEvent()).isEqualTo("egress_updated");
    assertThat(rotating.verify(body, byNew).getEvent()).isEqualTo("egress_updated");
    assertThat(rotating.apiKeys()).containsExactlyInAnyOrder(KEY, "newkey");
  }

  @Test
  void duringKeyRotationEachKeyIsCheckedWithItsOwnSecretOnly() {
    byte[] body = sampleBody();
    LiveKitWebhookVerifier rotating =
        new LiveKitWebhookVerifier(Map.of(KEY, SECRET, "newkey", "new-secret"), LEEWAY);
    // Issued as the new key but signed with the old key's secret: a secret may not vouch for another key.
    String crossed = token(body).withIssuer("newkey").sign(hs256());

    assertRejected(() -> rotating.verify(body, crossed), Reason.BAD_SIGNATURE);
  }

  @Test
  void aWebhookFromARealLiveKitVerifiesWithTheRotatingVerifier() {
    Delivery delivery = participantJoined();
    LiveKitWebhookVerifier rotating =
        new LiveKitWebhookVerifier(Map.of("retiredkey", "retired-secret", KEY, SECRET), LEEWAY);

    assertThat(rotating.verify(delivery.body(), delivery.authorization()).getEvent())
        .isEqualTo("participant_joined");
  }

  @Test
  void aRequestWithoutAuthorizationIsRejected() {
    assertRejected(() -> verifier.verify(sampleBody(), null), Reason.MISSING_TOKEN);
  }

  @Test
  void aRequestWithABlankAuthorizationIsRejected() {
    assertRejected(() -> verifier.verify(sampleBody(), "  "), Reason.MISSING_TOKEN);
  }

  @Test
  void anAuthorizationThatIsNotAJwtIsRejected() {
    assertRejected(() -> verifier.verify(sampleBody(), "not.a.jwt"), Reason.MALFORMED_TOKEN);
  }

  @Test
  void aBearerPrefixIsRejectedBecauseLiveKitSendsTheBareToken() {
    byte[] body = sampleBody();

    assertThatThrownBy(() -> verifier.verify(body, "Bearer " + token(body).sign(hs256())))
        .isInstanceOfSatisfying(WebhookRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_TOKEN))
        .hasMessageContaining("bare JWT");
  }

  @Test
  void aCorrectlySignedBodyThatIsNotJsonIsRejected() {
    byte[] garbage = "<html>hello</html>".getBytes(StandardCharsets.UTF_8);

    assertRejected(() -> verifier.verify(garbage, token(garbage).sign(hs256())), Reason.MALFORMED_BODY);
  }

  @Test
  void aCorrectlySignedJsonThatIsNotAWebhookEventIsRejected() {
    byte[] wrongShape = "{\"event\": {\"nested\": true}}".getBytes(StandardCharsets.UTF_8);

    assertRejected(() -> verifier.verify(wrongShape, token(wrongShape).sign(hs256())), Reason.MALFORMED_BODY);
  }

  @Test
  void rejectionMessagesNeverContainTheTokenOrTheSecret() {
    LiveKitWebhookVerifier guarded = new LiveKitWebhookVerifier(KEY, "very-private-value");
    byte[] body = sampleBody();
    String forged = token(body).sign(Algorithm.HMAC256("another-secret"));

    assertThatThrownBy(() -> guarded.verify(body, forged))
        .hasMessageNotContaining(forged)
        .hasMessageNotContaining("very-private-value")
        .hasMessageNotContaining("another-secret");
  }

  // ------------------------------------------------------------------ reading the body

  @Test
  void anEgressStatusThisSdkDoesNotKnowStaysUnrecognizedAndCountsAsFailed() {
    byte[] body = ("{\"event\":\"egress_updated\",\"id\":\"EV_future\",\"egressInfo\":{\"egressId\":\"EG_future\","
        + "\"roomName\":\"r\",\"status\":\"EGRESS_TELEPORTED\"}}").getBytes(StandardCharsets.UTF_8);

    WebhookEvent event = verifier.verify(body, token(body).sign(hs256()));

    assertThat(event.getEgressInfo().getStatus()).isEqualTo(EgressStatus.UNRECOGNIZED);
    assertThat(event.getEgressInfo().getEgressId()).isEqualTo("EG_future");
    assertThat(EgressProtos.status(event.getEgressInfo().getStatus())).isEqualTo(RecordingStatus.FAILED);
  }

  @Test
  void unknownEnumNamesInsideListsAreKeptUnrecognizedToo() {
    byte[] body = ("{\"event\":\"egress_ended\",\"egressInfo\":{\"egressId\":\"EG_x\",\"status\":\"EGRESS_COMPLETE\","
        + "\"streamResults\":[{\"url\":\"rtmp://a\",\"status\":\"BRAND_NEW\"}]}}").getBytes(StandardCharsets.UTF_8);

    WebhookEvent event = verifier.verify(body, token(body).sign(hs256()));

    assertThat(event.getEgressInfo().getStatus()).isEqualTo(EgressStatus.EGRESS_COMPLETE);
    assertThat(event.getEgressInfo().getStreamResults(0).getStatusValue()).isEqualTo(-1);
  }

  @Test
  void fieldsThisSdkDoesNotKnowAreIgnored() {
    byte[] body = ("{\"event\":\"egress_updated\",\"brandNewField\":{\"a\":1},\"egressInfo\":{\"egressId\":\"EG_y\","
        + "\"status\":\"EGRESS_ACTIVE\",\"anotherNewField\":\"x\"}}").getBytes(StandardCharsets.UTF_8);

    WebhookEvent event = verifier.verify(body, token(body).sign(hs256()));

    assertThat(event.getEgressInfo().getStatus()).isEqualTo(EgressStatus.EGRESS_ACTIVE);
  }

  @Test
  void protoFieldNamesAreReadLikeJsonNames() {
    byte[] body = "{\"event\":\"egress_updated\",\"egress_info\":{\"egress_id\":\"EG_z\",\"status\":\"EGRESS_ACTIVE\"}}"
        .getBytes(StandardCharsets.UTF_8);

    WebhookEvent event = verifier.verify(body, token(body).sign(hs256()));

    assertThat(event.getEgressInfo().getEgressId()).isEqualTo("EG_z");
  }

  // ------------------------------------------------------------------ configuration

  @Test
  void aNegativeLeewayIsRejectedNamingIt() {
    assertThatThrownBy(() -> new LiveKitWebhookVerifier(KEY, SECRET, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("leeway must not be negative");
  }

  @Test
  void blankCredentialsAreRejectedNamingThem() {
    assertThatThrownBy(() -> new LiveKitWebhookVerifier(" ", SECRET))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("apiKey must not be blank");
    assertThatThrownBy(() -> new LiveKitWebhookVerifier(KEY, ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("apiSecret must not be blank");
  }

  @Test
  void anEmptyKeySetIsRejected() {
    assertThatThrownBy(() -> new LiveKitWebhookVerifier(Map.of(), LEEWAY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("secretsByKey must name at least one API key");
  }

  @Test
  void aBlankSecretAmongSeveralKeysIsRejectedNamingIt() {
    assertThatThrownBy(() -> new LiveKitWebhookVerifier(Map.of(KEY, SECRET, "newkey", " "), LEEWAY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("apiSecret must not be blank");
  }

  // ------------------------------------------------------------------ helpers

  private static void assertRejected(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, Reason reason) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(WebhookRejectedException.class, e -> assertThat(e.reason()).isEqualTo(reason))
        .hasMessageStartingWith("LiveKit webhook rejected: ");
  }

  private static Algorithm hs256() {
    return Algorithm.HMAC256(SECRET);
  }

  /** A token as LiveKit makes it: valid from now for 5 minutes. */
  private static JWTCreator.Builder token(byte[] body) {
    Instant now = Instant.now();
    return token(body, now, now.plusSeconds(300));
  }

  private static JWTCreator.Builder token(byte[] body, Instant notBefore, Instant expiresAt) {
    return JWT.create()
        .withIssuer(KEY)
        .withNotBefore(notBefore)
        .withIssuedAt(notBefore)
        .withExpiresAt(expiresAt)
        .withClaim("sha256", sha256(body));
  }

  private static byte[] sampleBody() {
    WebhookEvent event = WebhookEvent.newBuilder()
        .setEvent("egress_updated")
        .setId("EV_sample")
        .setCreatedAt(Instant.now().getEpochSecond())
        .setEgressInfo(EgressInfo.newBuilder()
            .setEgressId("EG_sample")
            .setRoomName("room-1")
            .setStatus(EgressStatus.EGRESS_ACTIVE))
        .build();
    try {
      return JsonFormat.printer().print(event).getBytes(StandardCharsets.UTF_8);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  private static String sha256(byte[] body) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
