package dev.meet.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.meet.core.BulkDeleteResult;
import dev.meet.core.Recording;
import dev.meet.core.RecordingEncoding;
import dev.meet.core.RecordingException;
import dev.meet.core.RecordingId;
import dev.meet.core.RecordingStatus;
import dev.meet.core.StartOptions;
import dev.meet.core.lock.RecordingLockProvider;
import dev.meet.core.storage.MediaContent;
import dev.meet.core.storage.RecordingMetadata;
import dev.meet.core.storage.RecordingQuery;
import dev.meet.core.storage.RecordingSecrets;
import dev.meet.core.storage.StorageLayout;
import dev.meet.core.testing.RecordingSystem;
import dev.meet.testkit.redis.RedisServer;
import dev.meet.testkit.redis.RedisServerExtension;
import dev.meet.testkit.s3.S3ProxyExtension;
import dev.meet.testkit.s3.S3Server;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Flow 10 of the issue: ids a client controls never form a key, reach LiveKit or flood a message. Every call is fed
 * the same hostile ids next to a real, complete (so deletable and streamable) recording whose keys they imitate; the
 * bucket must not change.
 */
@ExtendWith({RedisServerExtension.class, S3ProxyExtension.class})
class HostileIdTest {

  private static final String ROOM = "room-1";
  private static final RecordingId EXISTING = new RecordingId(ROOM, "EG_abcdefghijkl", "0123456789");
  private static final String TEN_KB = "a".repeat(10 * 1024);
  /** Longest message we accept for any input: a sentence plus a short excerpt of the input. */
  private static final int MAX_MESSAGE = 250;

  private static final List<String> HOSTILE_RECORDING_IDS = List.of(
      "", "   ", "../", "..%2F", "%2F", "/", "a/b", "\n", "\u0000", TEN_KB,
      "../" + EXISTING, EXISTING + "/../x", EXISTING + "%2F", EXISTING + "/", EXISTING + "\u0000",
      ROOM + "/..--EG_abcdefghijkl--0123456789", "..--EG_abcdefghijkl--0123456789",
      "room%2F1--EG_abcdefghijkl--0123456789", "room\n1--EG_abcdefghijkl--0123456789",
      ROOM + "--EG_abc/def--0123456789", ROOM + "--EG_..%2F--0123456789", ROOM + "--EG_abc\u0000def--0123456789",
      ROOM + "--EG_abcdefghijkl--../../x", ROOM + "--EG_abcdefghijkl--01234%2F89", ROOM + "--EG_abcdefghijkl--0123\n56789",
      ROOM + "--EG_abcdefghijkl--012345678", ROOM + "--EG_abcdefghijkl--01234567890",
      ROOM + "--EG_abcdefghijkl--0123456789A", ROOM + "--EG_abcdefghijkl--ABCDEF0123",
      ROOM + "--XX_abcdefghijkl--0123456789", ROOM + "--EG_--0123456789", ROOM + "--EG_abcdefghijkl--",
      "--EG_abcdefghijkl--0123456789", ROOM + "----0123456789", ROOM + "--EG_abcdefghijkl--0123456789--x",
      ROOM + "--EG_abcdefghijkl", "room 1--EG_abcdefghijkl--0123456789", "röom--EG_abcdefghijkl--0123456789",
      ROOM + "--EG_abcdefghijkl--０１２３４５６７８９",
      TEN_KB + "--EG_abcdefghijkl--0123456789", ROOM + "--EG_" + TEN_KB + "--0123456789",
      ROOM + "--EG_abcdefghijkl--" + TEN_KB);

  private static final List<String> HOSTILE_ROOM_IDS = List.of(
      "", " ", "../", "..", ".", "..%2F", "%2F", "/", "a/b", "\n", "\u0000", ROOM + "\n", ROOM + "\u0000",
      "room 1", "röom", "room--1", "--", ROOM + "/../room-2", "a".repeat(101), TEN_KB);

  private RecordingSystem system;
  private RecordingManager manager;
  private RecordingLockProvider locks;
  private Map<String, String> bucketBefore;

  @BeforeEach
  void start(RedisServer redis, S3Server s3) {
    system = new RecordingSystem(redis, s3);
    manager = system.newManager("instance-a");
    locks = system.newLockProvider();
    system.livekit().addParticipant(ROOM, "alice", true);
    byte[] media = "....ftypisom-not-really-a-movie".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    Recording complete = new Recording(EXISTING.toString(), ROOM, ROOM, RecordingStatus.COMPLETE, "grid",
        RecordingEncoding.DEFAULT, EXISTING.mediaBaseName() + ".mp4", 1_700_000_000_000L, 1_700_000_010_000L, 10.0,
        (long) media.length, null, null, "End reason: StopEgress API");
    system.newStorage().create(new RecordingMetadata(complete, 1), RecordingSecrets.generate()).orElseThrow();
    system.s3Client().putObject(b -> b.bucket(s3.bucket()).key(StorageLayout.defaults().mediaKey(EXISTING)),
        RequestBody.fromBytes(media));
    bucketBefore = bucket();
    assertThat(bucketBefore).hasSize(3);
    system.livekit().resetRequestCounts();
  }

  @AfterEach
  void stop() {
    system.close();
  }

  @Test
  void getRejectsHostileRecordingIds() {
    eachRejected(HOSTILE_RECORDING_IDS, id -> manager.get(id));
  }

  @Test
  void stopRejectsHostileRecordingIdsWithoutAskingLiveKit() {
    eachRejected(HOSTILE_RECORDING_IDS, id -> manager.stop(id));
    assertThat(system.livekit().requestCounts()).isEmpty();
  }

  @Test
  void deleteRejectsHostileRecordingIdsAndDeletesNothing() {
    eachRejected(HOSTILE_RECORDING_IDS, id -> manager.delete(id));
  }

  @Test
  void bulkDeleteReportsEveryHostileIdAsFailedAndDeletesNothing() {
    BulkDeleteResult result = manager.deleteAll(HOSTILE_RECORDING_IDS);

    assertThat(result.deleted()).isEmpty();
    assertThat(result.failed()).extracting(BulkDeleteResult.Failure::recordingId)
        .containsExactlyElementsOf(HOSTILE_RECORDING_IDS);
    assertThat(result.failed()).allSatisfy(failure -> assertThat(failure.error())
        .as("error for %s", excerpt(failure.recordingId())).satisfies(HostileIdTest::isShortAndPrintable));
    assertThat(bucket()).isEqualTo(bucketBefore);
  }

  @Test
  void mediaCannotBeOpenedWithHostileRecordingIds() {
    eachRejected(HOSTILE_RECORDING_IDS, id -> manager.openMedia(id, null).close());
  }

  @Test
  void secretsCannotBeReadWithHostileRecordingIds() {
    eachRejected(HOSTILE_RECORDING_IDS, id -> manager.secrets(id));
  }

  @Test
  void startRejectsHostileRoomIdsBeforeAnyLiveKitCall() {
    eachRejected(HOSTILE_ROOM_IDS, id -> manager.start(id, StartOptions.defaults()));
    eachRejected(HOSTILE_ROOM_IDS, id -> manager.startAsync(id, StartOptions.defaults()).join());

    assertThat(system.livekit().requestCounts()).isEmpty();
    assertThat(locks.count()).isZero();
  }

  @Test
  void listRejectsHostileRoomIdFilters() {
    SoftAssertions softly = new SoftAssertions();
    for (String roomId : HOSTILE_ROOM_IDS) {
      Throwable thrown = catchThrowable(() -> manager.list(new RecordingQuery(roomId, null, 10, null)));
      softly.assertThat(thrown).as("roomId filter %s", excerpt(roomId))
          .isInstanceOf(IllegalArgumentException.class);
      if (thrown != null) {
        softly.assertThat(thrown.getMessage()).as("message for %s", excerpt(roomId))
            .satisfies(HostileIdTest::isShortAndPrintable);
      }
    }
    softly.assertAll();
    assertThat(bucket()).isEqualTo(bucketBefore);
  }

  @Test
  void recordingIdsPaddedWithSpacesAreTrimmedAndAccepted() throws Exception {
    String padded = "  " + EXISTING + " ";

    assertThat(manager.get(padded)).get().extracting(Recording::recordingId).isEqualTo(EXISTING.toString());
    assertThat(manager.secrets(padded)).isPresent();
    try (MediaContent media = manager.openMedia(padded, null)) {
      assertThat(media.stream().readAllBytes()).isNotEmpty();
    }
    assertThat(catchThrowable(() -> manager.stop(padded))).isInstanceOfSatisfying(RecordingException.class,
        e -> assertThat(e.reason()).isEqualTo(RecordingException.Reason.ALREADY_STOPPED));
    manager.delete(padded);

    assertThat(manager.get(EXISTING.toString())).isEmpty();
    assertThat(bucket()).isEmpty();
  }

  @Test
  void bulkDeleteCountsAnIdAndItsPaddedFormOnce() {
    BulkDeleteResult result = manager.deleteAll(List.of(EXISTING.toString(), " " + EXISTING + " ",
        EXISTING.toString()));

    assertThat(result.deleted()).containsExactly(EXISTING.toString());
    assertThat(result.failed()).isEmpty();
    assertThat(bucket()).isEmpty();
  }

  @Test
  void aTenKilobyteIdIsQuotedOnlyAsAShortExcerpt() {
    Throwable thrown = catchThrowable(() -> manager.get(TEN_KB));

    assertThat(thrown).isInstanceOf(RecordingException.class);
    assertThat(thrown.getMessage()).hasSizeLessThan(MAX_MESSAGE).contains("a".repeat(20))
        .doesNotContain("a".repeat(100)).contains("(10240 chars)");
  }

  // ------------------------------------------------------------------------------------------ helpers

  /** Each input is rejected as INVALID_ARGUMENT with a short printable message; the bucket is left untouched. */
  private void eachRejected(List<String> inputs, ThrowingConsumer call) {
    SoftAssertions softly = new SoftAssertions();
    for (String input : inputs) {
      ThrowingCallable attempt = () -> call.accept(input);
      Throwable thrown = catchThrowable(attempt);
      if (thrown instanceof java.util.concurrent.CompletionException && thrown.getCause() != null) {
        thrown = thrown.getCause();
      }
      softly.assertThat(thrown).as("call with %s", excerpt(input))
          .isInstanceOfSatisfying(RecordingException.class, e -> {
            softly.assertThat(e.reason()).as("reason for %s", excerpt(input))
                .isEqualTo(RecordingException.Reason.INVALID_ARGUMENT);
            softly.assertThat(e.getMessage()).as("message for %s", excerpt(input))
                .satisfies(HostileIdTest::isShortAndPrintable);
          });
    }
    softly.assertAll();
    assertThat(bucket()).as("bucket after the calls").isEqualTo(bucketBefore);
  }

  private static void isShortAndPrintable(String message) {
    assertThat(message).hasSizeLessThan(MAX_MESSAGE);
    assertThat(message.chars()).noneMatch(c -> c < 0x20 || c == 0x7f);
  }

  /** Every key in the bucket with its ETag: any write, overwrite or delete shows. */
  private Map<String, String> bucket() {
    List<S3Object> objects = new ArrayList<>(system.s3Client()
        .listObjectsV2(b -> b.bucket(system.s3().bucket())).contents());
    return objects.stream().collect(Collectors.toMap(S3Object::key, S3Object::eTag));
  }

  private static String excerpt(String input) {
    String shown = input.length() > 40 ? input.substring(0, 40) + "...(" + input.length() + ")" : input;
    return "'" + shown.replace("\n", "\\n").replace("\u0000", "\\0") + "'";
  }

  @FunctionalInterface
  private interface ThrowingConsumer {
    void accept(String input) throws Exception;
  }
}
