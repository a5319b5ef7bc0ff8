package dev.meet.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.meet.core.Recording;
import dev.meet.core.RecordingEncoding;
import dev.meet.core.RecordingId;
import dev.meet.core.RecordingStatus;
import dev.meet.core.StartOptions;
import dev.meet.core.WebhookOutcome;
import dev.meet.core.lock.LockValue;
import dev.meet.core.lock.RecordingLockProvider;
import dev.meet.core.storage.StorageLayout;
import dev.meet.core.storage.s3.S3RecordingStorage;
import dev.meet.core.testing.RecordingSystem;
import dev.meet.core.testing.TestS3;
import dev.meet.testkit.livekit.WebhookDelivery;
import dev.meet.testkit.livekit.WebhookTokenFault;
import dev.meet.testkit.redis.RedisServer;
import dev.meet.testkit.redis.RedisServerExtension;
import dev.meet.testkit.s3.S3ProxyExtension;
import dev.meet.testkit.s3.S3Server;
import io.livekit.server.EgressServiceClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import livekit.LivekitEgress.EncodedFileOutput;
import livekit.LivekitEgress.EncodedFileType;
import livekit.LivekitEgress.StreamOutput;
import livekit.LivekitEgress.StreamProtocol;
import livekit.LivekitModels.Room;
import livekit.LivekitWebhook.WebhookEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import retrofit2.Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Flow 6 of the issue: LiveKit's webhooks as they really arrive (duplicated, reordered, on another instance, late,
 * lost, forged), against the emulator, Redis and S3.
 */
@ExtendWith({RedisServerExtension.class, S3ProxyExtension.class})
class WebhookHandlingTest {

  private static final String ROOM = "room-1";
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

  private RecordingSystem system;
  private RecordingManager manager;
  private RecordingLockProvider locks;
  private final RecordingSystem.Changes changes = new RecordingSystem.Changes();

  @BeforeEach
  void start(RedisServer redis, S3Server s3) {
    system = new RecordingSystem(redis, s3);
    manager = system.newManager("instance-a", b -> b.listener(changes));
    locks = system.newLockProvider();
    system.livekit().addParticipant(ROOM, "alice", true);
  }

  @AfterEach
  void stop() {
    system.close();
  }

  // ------------------------------------------------------------------------------------------ duplicates, order

  @Test
  void duplicatedWebhooksChangeEachStatusExactlyOnce() throws Exception {
    system.livekit().faults().duplicateWebhooks(true);

    Recording started = manager.start(ROOM, StartOptions.defaults());
    // The egress ends on its own (not through stop(), which writes "ending" itself): every later change comes from
    // the duplicated webhooks alone.
    system.livekit().forceEgressStatus(started.id().egressId(), EgressStatus.EGRESS_COMPLETE);
    await().atMost(WAIT).until(() -> status(started) == RecordingStatus.COMPLETE);
    system.livekit().awaitWebhooksIdle(WAIT);

    String id = started.recordingId();
    assertThat(changes.seen()).containsExactly(id + ":starting", id + ":active", id + ":ending", id + ":complete");
    Map<String, Long> attemptsPerEgressEvent = deliveriesToManager().stream()
        .filter(d -> d.event().startsWith("egress_"))
        .collect(Collectors.groupingBy(WebhookDelivery::id, Collectors.counting()));
    assertThat(attemptsPerEgressEvent).hasSize(4).allSatisfy((event, attempts) ->
        assertThat(attempts).as("deliveries of %s", event).isEqualTo(2L));
    assertThat(manager.get(id).orElseThrow().status()).isEqualTo(RecordingStatus.COMPLETE);
  }

  @Test
  void startSucceedsWhenEgressUpdatedActiveOvertakesEgressStartedAndTheLateStartedChangesNothing() {
    system.livekit().faults().delayEvent("egress_started", Duration.ofSeconds(1));

    Recording started = manager.start(ROOM, StartOptions.defaults());

    assertThat(started.status()).isEqualTo(RecordingStatus.ACTIVE);
    String egressId = started.id().egressId();
    await().atMost(WAIT).until(() -> deliveryToManager("egress_started", egressId, EgressStatus.EGRESS_STARTING)
        .filter(WebhookDelivery::delivered).isPresent());
    List<String> arrivalOrder = deliveriesToManager().stream()
        .filter(d -> d.event().startsWith("egress_") && egressOf(d).getEgressId().equals(egressId))
        .map(WebhookDelivery::event).toList();
    assertThat(arrivalOrder).as("egress_started really came last").containsExactly("egress_updated", "egress_started");
    assertThat(status(started)).isEqualTo(RecordingStatus.ACTIVE);
    assertThat(changes.seen()).doesNotHaveDuplicates()
        .endsWith(started.recordingId() + ":active");
  }

  @Test
  void egressUpdatedForARecordingNotStoredYetCreatesIt() {
    Recording started = manager.start(ROOM, StartOptions.defaults());
    byte[] activeBody = capturedBody("egress_updated", started.id().egressId(), EgressStatus.EGRESS_ACTIVE);
    RecordingManager other = system.newManager("instance-b", b -> b.storage(storageUnder("instance-b/")));
    assertThat(other.get(started.recordingId())).isEmpty();

    WebhookOutcome outcome = other.handleWebhook(activeBody, sign(activeBody));

    assertThat(outcome.kind()).isEqualTo(WebhookOutcome.Kind.PROCESSED);
    Recording created = other.get(started.recordingId()).orElseThrow();
    assertThat(created.status()).isEqualTo(RecordingStatus.ACTIVE);
    assertThat(created.roomId()).isEqualTo(ROOM);
    assertThat(created.filename()).isEqualTo(ROOM + "--" + started.id().uid() + ".mp4");
    assertThat(created.startDate()).isPositive();
    assertThat(created.layout()).isEqualTo("grid");
    assertThat(created.encoding()).isEqualTo(RecordingEncoding.DEFAULT);
    assertThat(other.secrets(started.recordingId())).isPresent();
  }

  @Test
  void egressStartedArrivingAfterActiveDoesNotMoveTheRecordingBack() {
    Recording started = manager.start(ROOM, StartOptions.defaults());
    String egressId = started.id().egressId();
    byte[] startedBody = capturedBody("egress_started", egressId, EgressStatus.EGRESS_STARTING);
    byte[] activeBody = capturedBody("egress_updated", egressId, EgressStatus.EGRESS_ACTIVE);
    RecordingManager other = system.newManager("instance-b", b -> b.storage(storageUnder("instance-b/")));
    other.handleWebhook(activeBody, sign(activeBody));
    Recording active = other.get(started.recordingId()).orElseThrow();

    WebhookOutcome outcome = other.handleWebhook(startedBody, sign(startedBody));

    assertThat(outcome.kind()).isEqualTo(WebhookOutcome.Kind.PROCESSED);
    assertThat(outcome.message()).endsWith("(unchanged)");
    assertThat(other.get(started.recordingId())).contains(active);
  }

  // ------------------------------------------------------------------------------------------ instances

  @Test
  void activeSignalReachesTheWaitingInstanceWhenWebhooksLandOnAnother() {
    // A keeps its recordings apart, so its stored state cannot tell it the egress is active: only the Redis signal
    // from B can.
    RecordingManager a = system.newManager("instance-c", b -> b.storage(storageUnder("instance-c-only/")));
    RecordingManager b = system.newManager("instance-d");
    system.webhooks().routeTo(b);

    Recording started = a.start(ROOM, StartOptions.defaults());

    assertThat(started.status()).isEqualTo(RecordingStatus.ACTIVE);
    assertThat(b.get(started.recordingId())).get().extracting(Recording::status)
        .isEqualTo(RecordingStatus.ACTIVE);
    assertThat(a.get(started.recordingId())).get().extracting(Recording::status)
        .isEqualTo(RecordingStatus.STARTING);
  }

  // ------------------------------------------------------------------------------------------ lock release

  @Test
  void lateEgressEndedOfAnOldEgressDoesNotFreeTheNewerRecordingsLock() {
    Recording first = manager.start(ROOM, StartOptions.defaults());
    system.livekit().faults().delayEvent("egress_ended", Duration.ofSeconds(3));
    manager.stop(first.recordingId());
    await().atMost(WAIT).until(() -> emulatorStatus(first) == EgressStatus.EGRESS_COMPLETE);
    RecordingLockProvider admin = system.newLockProvider();
    LockValue held = admin.get(ROOM).orElseThrow();
    assertThat(admin.release(ROOM, held)).isTrue();

    Recording second = manager.start(ROOM, StartOptions.defaults());
    assertThat(status(first)).as("the first egress_ended is still on its way").isEqualTo(RecordingStatus.ENDING);

    await().atMost(WAIT).until(() -> status(first) == RecordingStatus.COMPLETE);
    assertThat(locks.get(ROOM)).get().extracting(LockValue::egressId).isEqualTo(second.id().egressId());
    assertThat(status(second)).isEqualTo(RecordingStatus.ACTIVE);
  }

  @Test
  void roomFinishedReleasesTheLockOfAnEgressWhoseEgressEndedWasLost() {
    Recording recording = manager.start(ROOM, StartOptions.defaults());
    system.livekit().faults().dropEvent("egress_ended");
    manager.stop(recording.recordingId());
    await().atMost(WAIT).until(() -> emulatorStatus(recording) == EgressStatus.EGRESS_COMPLETE);
    assertThat(locks.get(ROOM)).as("without egress_ended the lock stays").isPresent();

    system.livekit().closeRoom(ROOM);

    await().atMost(WAIT).until(() -> locks.get(ROOM).isEmpty());
    assertThat(system.webhooks().outcomes()).anySatisfy(o -> assertThat(o.message())
        .isEqualTo("room " + ROOM + " finished, active lock released"));
  }

  @Test
  void roomFinishedWhileTheEgressStillRecordsKeepsTheLock() {
    Recording recording = manager.start(ROOM, StartOptions.defaults());
    Room room = system.livekit().rooms().stream().filter(r -> r.getName().equals(ROOM)).findFirst().orElseThrow();
    byte[] body = json(WebhookEvent.newBuilder().setEvent("room_finished").setId("EV_roomFinished1")
        .setCreatedAt(Instant.now().getEpochSecond()).setRoom(room).build());

    WebhookOutcome outcome = manager.handleWebhook(body, sign(body));

    assertThat(outcome.kind()).isEqualTo(WebhookOutcome.Kind.PROCESSED);
    assertThat(outcome.message()).contains("still runs");
    assertThat(emulatorStatus(recording)).isEqualTo(EgressStatus.EGRESS_ACTIVE);
    assertThat(locks.get(ROOM)).get().extracting(LockValue::egressId).isEqualTo(recording.id().egressId());
  }

  // ------------------------------------------------------------------------------------------ verification

  @ParameterizedTest
  @EnumSource(value = WebhookTokenFault.class, names = {"BAD_SIGNATURE", "EXPIRED", "BEARER_PREFIX",
      "WRONG_BODY_HASH"})
  void webhooksWithABadTokenAreRejectedWith401NotRetriedAndChangeNothing(WebhookTokenFault fault)
      throws Exception {
    Recording recording = manager.start(ROOM, StartOptions.defaults());
    system.livekit().awaitWebhooksIdle(WAIT);
    Recording before = manager.get(recording.recordingId()).orElseThrow();
    String metadataEtag = metadataObject(recording.id()).eTag();
    LockValue lockBefore = locks.get(ROOM).orElseThrow();
    int answeredBefore = system.webhooks().outcomes().size();
    system.livekit().clearWebhookDeliveries();
    system.livekit().faults().webhookToken(fault);

    system.livekit().forceEgressStatus(recording.id().egressId(), EgressStatus.EGRESS_COMPLETE);
    await().atMost(WAIT).until(() -> emulatorStatus(recording) == EgressStatus.EGRESS_COMPLETE);
    system.livekit().awaitWebhooksIdle(WAIT);

    List<WebhookDelivery> deliveries = deliveriesToManager();
    assertThat(deliveries).extracting(WebhookDelivery::event).containsExactly("egress_updated", "egress_ended");
    assertThat(deliveries).allSatisfy(d -> {
      assertThat(d.statusCode()).isEqualTo(401);
      assertThat(d.attempt()).as("4xx is never retried").isEqualTo(1);
    });
    assertThat(system.webhooks().outcomes().subList(answeredBefore, system.webhooks().outcomes().size()))
        .hasSize(2).allSatisfy(o -> assertThat(o.kind()).isEqualTo(WebhookOutcome.Kind.REJECTED));
    assertThat(manager.get(recording.recordingId())).contains(before);
    assertThat(metadataObject(recording.id()).eTag()).isEqualTo(metadataEtag);
    assertThat(locks.get(ROOM)).contains(lockBefore);
  }

  @Test
  void tamperedBodyIsRejectedAndStoresNothing() {
    Recording started = manager.start(ROOM, StartOptions.defaults());
    byte[] body = capturedBody("egress_updated", started.id().egressId(), EgressStatus.EGRESS_ACTIVE);
    String signature = sign(body);
    byte[] tampered = new String(body, StandardCharsets.UTF_8).replace("EGRESS_ACTIVE", "EGRESS_FAILED")
        .getBytes(StandardCharsets.UTF_8);
    assertThat(tampered).isNotEqualTo(body);
    RecordingManager other = system.newManager("instance-b", b -> b.storage(storageUnder("instance-b/")));

    WebhookOutcome outcome = other.handleWebhook(tampered, signature);

    assertThat(outcome.kind()).isEqualTo(WebhookOutcome.Kind.REJECTED);
    assertThat(outcome.httpStatus()).isEqualTo(401);
    assertThat(objectsUnder("instance-b/")).isEmpty();
    // The same token with the untouched body is accepted: the rejection was the tampering's doing.
    assertThat(other.handleWebhook(body, signature).kind()).isEqualTo(WebhookOutcome.Kind.PROCESSED);
    assertThat(objectsUnder("instance-b/")).isNotEmpty();
  }

  // ------------------------------------------------------------------------------------------ not ours

  @Test
  void eventsThatDoNotConcernRecordingsAreAcknowledgedAndIgnored() {
    await().atMost(WAIT).until(() -> deliveriesToManager().stream()
        .anyMatch(d -> d.event().equals("participant_joined") && d.delivered()));

    assertThat(deliveriesToManager()).filteredOn(d -> d.event().equals("participant_joined"))
        .allSatisfy(d -> assertThat(d.statusCode()).isEqualTo(200));
    assertThat(system.webhooks().outcomes()).anySatisfy(o -> {
      assertThat(o.kind()).isEqualTo(WebhookOutcome.Kind.IGNORED);
      assertThat(o.message()).isEqualTo("event participant_joined is not used");
    });
    assertThat(objectsUnder("")).isEmpty();
  }

  @Test
  void egressesThatAreNotRecordingsOfOursAreIgnoredAndStoreNothing() throws Exception {
    EgressServiceClient client = EgressServiceClient.createClient(system.livekit().url(), system.livekit().apiKey(),
        system.livekit().apiSecret());
    EgressInfo stream = body(client.startRoomCompositeEgress(ROOM, StreamOutput.newBuilder()
        .setProtocol(StreamProtocol.RTMP).addUrls("rtmp://127.0.0.1:1935/live/key").build()).execute());
    EgressInfo outsideLayout = body(client.startRoomCompositeEgress(ROOM, EncodedFileOutput.newBuilder()
        .setFileType(EncodedFileType.MP4).setFilepath("elsewhere/" + ROOM + "--0123456789").build()).execute());
    EgressInfo otherRoomsPath = body(client.startRoomCompositeEgress(ROOM, EncodedFileOutput.newBuilder()
        .setFileType(EncodedFileType.MP4).setFilepath("openvidu-meet/recordings/room-2/room-2--0123456789")
        .build()).execute());
    List<String> foreign = List.of(stream.getEgressId(), outsideLayout.getEgressId(), otherRoomsPath.getEgressId());

    // egress_started and egress_updated (active) of each
    await().atMost(WAIT).untilAsserted(() -> assertThat(foreign).allSatisfy(egressId ->
        assertThat(system.webhooks().outcomes()).filteredOn(o -> o.message().contains(egressId)).hasSize(2)));

    assertThat(system.webhooks().outcomes()).filteredOn(o -> foreign.stream().anyMatch(o.message()::contains))
        .allSatisfy(o -> {
          assertThat(o.kind()).isEqualTo(WebhookOutcome.Kind.IGNORED);
          assertThat(o.message()).endsWith("is not a recording of ours");
        });
    assertThat(objectsUnder("")).isEmpty();
    assertThat(locks.get(ROOM)).isEmpty();
    assertThat(manager.list(dev.meet.core.storage.RecordingQuery.all()).recordings()).isEmpty();
  }

  // ------------------------------------------------------------------------------------------ helpers

  private RecordingStatus status(Recording recording) {
    return manager.get(recording.recordingId()).orElseThrow().status();
  }

  private EgressStatus emulatorStatus(Recording recording) {
    return system.livekit().egress(recording.id().egressId()).orElseThrow().getStatus();
  }

  private List<WebhookDelivery> deliveriesToManager() {
    return system.livekit().webhookDeliveries().stream()
        .filter(d -> d.target().equals(system.webhooks().url())).toList();
  }

  private Optional<WebhookDelivery> deliveryToManager(String event, String egressId, EgressStatus status) {
    Predicate<WebhookDelivery> matches = d -> d.event().equals(event)
        && egressOf(d).getEgressId().equals(egressId) && egressOf(d).getStatus() == status;
    return deliveriesToManager().stream().filter(matches).findFirst();
  }

  /** The exact bytes the emulator sent for one egress event (as LiveKit would, body signed apart). */
  private byte[] capturedBody(String event, String egressId, EgressStatus status) {
    await().atMost(WAIT).until(() -> deliveryToManager(event, egressId, status).isPresent());
    return deliveryToManager(event, egressId, status).orElseThrow().body();
  }

  private static EgressInfo egressOf(WebhookDelivery delivery) {
    try {
      WebhookEvent.Builder event = WebhookEvent.newBuilder();
      PARSER.merge(new String(delivery.body(), StandardCharsets.UTF_8), event);
      return event.getEgressInfo();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("the emulator sent an unreadable webhook", e);
    }
  }

  private static byte[] json(WebhookEvent event) {
    try {
      return PRINTER.print(event).getBytes(StandardCharsets.UTF_8);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  /** LiveKit's webhook token: a bare HS256 JWT by the API key whose sha256 claim is the body's hash. */
  private String sign(byte[] body) {
    Instant now = Instant.now();
    return JWT.create()
        .withIssuer(system.livekit().apiKey())
        .withExpiresAt(Date.from(now.plus(Duration.ofMinutes(5))))
        .withNotBefore(Date.from(now))
        .withIssuedAt(Date.from(now))
        .withClaim("sha256", Base64.getEncoder().encodeToString(sha256(body)))
        .sign(Algorithm.HMAC256(system.livekit().apiSecret()));
  }

  private static byte[] sha256(byte[] body) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(body);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Storage in the same bucket under another prefix: an instance whose storage has none of the recordings. */
  /**
   * The storage of another instance that has not seen anything yet: the same layout (so it recognises our egresses)
   * in a bucket of its own, named after {@code name}.
   */
  private S3RecordingStorage storageUnder(String name) {
    String bucket = otherBuckets.computeIfAbsent(name, n -> {
      String created = "other-" + java.util.UUID.randomUUID().toString().substring(0, 8);
      system.s3Client().createBucket(b -> b.bucket(created));
      return created;
    });
    return new S3RecordingStorage(system.s3Client(), bucket, StorageLayout.defaults(), TestS3.upload(system.s3()));
  }

  /** Objects of the main bucket under a prefix ("" for all), or everything in the bucket of {@code storageUnder(name)}. */
  private List<S3Object> objectsUnder(String prefixOrName) {
    String other = otherBuckets.get(prefixOrName);
    if (other != null) {
      return system.s3Client().listObjectsV2(b -> b.bucket(other)).contents();
    }
    return system.s3Client().listObjectsV2(b -> b.bucket(system.s3().bucket()).prefix(prefixOrName)).contents();
  }

  private final java.util.Map<String, String> otherBuckets = new java.util.concurrent.ConcurrentHashMap<>();

  private S3Object metadataObject(RecordingId id) {
    String key = StorageLayout.defaults().metadataKey(id);
    return objectsUnder(key).stream().filter(o -> o.key().equals(key)).findFirst().orElseThrow();
  }

  private static EgressInfo body(Response<EgressInfo> response) throws IOException {
    if (!response.isSuccessful() || response.body() == null) {
      throw new UncheckedIOException(new IOException("LiveKit refused the egress: " + response.code() + " "
          + (response.errorBody() == null ? "" : response.errorBody().string())));
    }
    return response.body();
  }
}
