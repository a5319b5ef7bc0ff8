package dev.meet.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meet.core.Recording;
import dev.meet.core.RecordingEncoding;
import dev.meet.core.RecordingId;
import dev.meet.core.RecordingStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every {@link RecordingStorage} shares. A provider's test is a short subclass that hands over a storage
 * over an empty store per test, and raw access to that store where an operator (or the egress) would look:
 *
 * <pre>{@code
 * class MyRecordingStorageTest extends AbstractRecordingStorageContractTest {
 *   private final MyStore store = MyStore.empty();
 *   private final MyRecordingStorage storage = new MyRecordingStorage(store, StorageLayout.defaults());
 *
 *   protected RecordingStorage storage() { return storage; }
 *   protected void writeObject(String key, byte[] content) { store.put(key, content); }
 *   protected Optional<byte[]> readObject(String key) { return store.get(key); }
 *   protected Set<String> storedKeys() { return store.keys(); }
 * }
 * }</pre>
 *
 * <p>Raw access lets the suite prove what the SPI alone cannot: that secrets are not inside the metadata document,
 * that a delete leaves nothing behind, that rejected input wrote nothing.
 */
public abstract class AbstractRecordingStorageContractTest {

  private static final String ROOM = "room-1";
  private static final Random RANDOM = new Random();
  private static final char[] ALPHANUMERIC =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  /** The storage under test: the same instance for the whole test, over an empty store. */
  protected abstract RecordingStorage storage();

  /** Writes an object (a file) at a key, bypassing the storage: a corrupt document, or media. */
  protected abstract void writeObject(String key, byte[] content);

  /** The object (file) at a key, read bypassing the storage. */
  protected abstract Optional<byte[]> readObject(String key);

  /** Every key in the store (files the storage keeps for itself, like a lock file, may be among them). */
  protected abstract Set<String> storedKeys();

  /** The layout the storage was built with. */
  protected StorageLayout layout() {
    return StorageLayout.defaults();
  }

  /** Writes media where the egress would; override when the egress writes somewhere a key does not name. */
  protected void writeMedia(RecordingId id, byte[] content) {
    writeObject(layout().mediaKey(id), content);
  }

  // ---- helpers ---------------------------------------------------------------------------------------------------

  /** A fresh id in {@code roomId}. */
  protected static RecordingId newId(String roomId) {
    char[] egress = new char[12];
    for (int i = 0; i < egress.length; i++) {
      egress[i] = ALPHANUMERIC[RANDOM.nextInt(ALPHANUMERIC.length)];
    }
    return new RecordingId(roomId, "EG_" + new String(egress), RecordingId.newUid());
  }

  /** Metadata of a recording in {@code status}, never updated by an egress. */
  protected static RecordingMetadata metadata(RecordingId id, RecordingStatus status) {
    return new RecordingMetadata(
        Recording.starting(id, "Room " + id.roomId(), "grid", RecordingEncoding.DEFAULT).withStatus(status), 0);
  }

  private static RecordingMetadata withDetails(RecordingMetadata metadata, String details) {
    Recording r = metadata.recording();
    return new RecordingMetadata(new Recording(r.recordingId(), r.roomId(), r.roomName(), r.status(), r.layout(),
        r.encoding(), r.filename(), r.startDate(), r.endDate(), r.duration(), r.size(), r.errorCode(), r.error(),
        details), metadata.egressUpdatedAt());
  }

  private StoredRecording create(RecordingId id, RecordingStatus status) {
    return storage().create(metadata(id, status), RecordingSecrets.generate()).orElseThrow();
  }

  private List<RecordingId> createAll(int count, Function<Integer, RecordingId> ids, RecordingStatus status) {
    List<RecordingId> created = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      RecordingId id = ids.apply(i);
      create(id, status);
      created.add(id);
    }
    return created;
  }

  private List<Recording> listAll(@Nullable String roomId, @Nullable RecordingStatus status, int maxItems) {
    List<Recording> all = new ArrayList<>();
    String token = null;
    do {
      RecordingPage page = storage().list(new RecordingQuery(roomId, status, maxItems, token));
      all.addAll(page.recordings());
      token = page.nextPageToken();
    } while (token != null);
    return all;
  }

  private List<String> inKeyOrder(List<RecordingId> ids) {
    return ids.stream().sorted(Comparator.comparing(id -> layout().metadataKey(id))).map(RecordingId::toString)
        .toList();
  }

  private static List<String> idsOf(List<Recording> recordings) {
    return recordings.stream().map(Recording::recordingId).toList();
  }

  private static byte[] bytes(int size) {
    byte[] content = new byte[size];
    for (int i = 0; i < size; i++) {
      content[i] = (byte) (i * 31 + 7);
    }
    return content;
  }

  private static byte[] slice(byte[] content, int first, int last) {
    return Arrays.copyOfRange(content, first, last + 1);
  }

  private byte[] readMedia(RecordingId id, @Nullable ByteRange range) throws IOException {
    try (MediaContent media = storage().openMedia(id, range).orElseThrow()) {
      return media.stream().readAllBytes();
    }
  }

  // ---- create and find ---------------------------------------------------------------------------------------------

  @Test
  void createdRecordingIsFoundWithItsMetadataAndSecrets() {
    RecordingId id = newId(ROOM);
    RecordingMetadata metadata = metadata(id, RecordingStatus.STARTING);
    RecordingSecrets secrets = RecordingSecrets.generate();

    StoredRecording created = storage().create(metadata, secrets).orElseThrow();

    assertThat(created.metadata()).isEqualTo(metadata);
    StoredRecording found = storage().find(id).orElseThrow();
    assertThat(found.metadata()).isEqualTo(metadata);
    assertThat(found.version()).isEqualTo(created.version());
    assertThat(storage().secrets(id)).contains(secrets);
  }

  @Test
  void everyFieldOfTheRecordingSurvivesStorage() {
    RecordingId id = newId(ROOM);
    RecordingEncoding encoding = RecordingEncoding.of(new RecordingEncoding.Options(
        new RecordingEncoding.Video(1920, 1080, 30, "H264_HIGH", 4500, 2.5, 24),
        new RecordingEncoding.Audio("OPUS", 128, 48000)));
    RecordingMetadata metadata = new RecordingMetadata(new Recording(id.toString(), id.roomId(), "Weekly sync",
        RecordingStatus.FAILED, "speaker", encoding, id.mediaBaseName() + ".mp4", 1_764_000_000_123L,
        1_764_000_060_456L, 60.333, 12_345_678L, 7, "encoder crashed", "End reason: Source closed"),
        1_764_000_060_456_000_000L);

    storage().create(metadata, RecordingSecrets.generate()).orElseThrow();

    assertThat(storage().find(id).orElseThrow().metadata()).isEqualTo(metadata);
  }

  @Test
  void findOfAnUnknownRecordingIsEmpty() {
    assertThat(storage().find(newId(ROOM))).isEmpty();
    assertThat(storage().secrets(newId(ROOM))).isEmpty();
  }

  @Test
  void secondCreateIsRefusedAndKeepsTheOriginal() {
    RecordingId id = newId(ROOM);
    RecordingSecrets originalSecrets = RecordingSecrets.generate();
    StoredRecording original = storage().create(metadata(id, RecordingStatus.STARTING), originalSecrets)
        .orElseThrow();

    Optional<StoredRecording> second =
        storage().create(metadata(id, RecordingStatus.COMPLETE), RecordingSecrets.generate());

    assertThat(second).isEmpty();
    assertThat(storage().find(id)).contains(original);
    assertThat(storage().secrets(id)).contains(originalSecrets);
  }

  @Test
  void secretsAreStoredApartAndNotInsideTheMetadataDocument() {
    RecordingId id = newId(ROOM);
    RecordingSecrets secrets = RecordingSecrets.generate();
    storage().create(metadata(id, RecordingStatus.STARTING), secrets).orElseThrow();

    String metadataDocument = new String(readObject(layout().metadataKey(id)).orElseThrow(), StandardCharsets.UTF_8);
    String secretsDocument = new String(readObject(layout().secretsKey(id)).orElseThrow(), StandardCharsets.UTF_8);

    assertThat(metadataDocument).doesNotContain(secrets.publicSecret(), secrets.privateSecret())
        .doesNotContain("Secret").contains(id.toString());
    assertThat(secretsDocument).contains(secrets.publicSecret(), secrets.privateSecret());
  }

  @Test
  void corruptMetadataIsAStorageErrorWhenReadAndSkippedWhenListed() {
    RecordingId healthy = newId(ROOM);
    create(healthy, RecordingStatus.COMPLETE);
    RecordingId corrupt = newId(ROOM);
    writeObject(layout().metadataKey(corrupt), "{\"recordingId\": ".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> storage().find(corrupt)).isInstanceOf(StorageException.class)
        .hasMessageContaining(layout().metadataKey(corrupt));
    assertThat(idsOf(listAll(null, null, 10))).containsExactly(healthy.toString());
  }

  @Test
  void metadataStoredUnderAnotherRecordingsKeyIsNotTrusted() {
    RecordingId real = newId(ROOM);
    create(real, RecordingStatus.COMPLETE);
    RecordingId other = newId(ROOM);
    writeObject(layout().metadataKey(other), readObject(layout().metadataKey(real)).orElseThrow());

    assertThatThrownBy(() -> storage().find(other)).isInstanceOf(StorageException.class);
    assertThat(idsOf(listAll(null, null, 10))).containsExactly(real.toString());
  }

  // ---- update ------------------------------------------------------------------------------------------------------

  @Test
  void updateWithTheCurrentVersionReplacesTheMetadata() {
    RecordingId id = newId(ROOM);
    StoredRecording created = create(id, RecordingStatus.STARTING);
    RecordingMetadata active = new RecordingMetadata(created.recording().withStatus(RecordingStatus.ACTIVE), 42);

    StoredRecording updated = storage().update(created, active).orElseThrow();

    assertThat(updated.metadata()).isEqualTo(active);
    assertThat(updated.version()).isNotEqualTo(created.version());
    assertThat(storage().find(id)).contains(updated);
  }

  @Test
  void updateWithAStaleVersionIsRefusedAndTheLoserSucceedsAfterRereading() {
    RecordingId id = newId(ROOM);
    create(id, RecordingStatus.STARTING);
    StoredRecording readByA = storage().find(id).orElseThrow();
    StoredRecording readByB = storage().find(id).orElseThrow();

    StoredRecording wonByA =
        storage().update(readByA, withDetails(readByA.metadata(), "A")).orElseThrow();
    Optional<StoredRecording> lostByB = storage().update(readByB, withDetails(readByB.metadata(), "B"));

    assertThat(lostByB).isEmpty();
    assertThat(storage().find(id)).contains(wonByA);
    StoredRecording reread = storage().find(id).orElseThrow();
    String merged = reread.recording().details() + "+B";
    assertThat(storage().update(reread, withDetails(reread.metadata(), merged))).isPresent();
    assertThat(storage().find(id).orElseThrow().recording().details()).isEqualTo("A+B");
  }

  @Test
  void updateOfADeletedRecordingIsEmptyAndDoesNotRecreateIt() {
    RecordingId id = newId(ROOM);
    StoredRecording created = create(id, RecordingStatus.COMPLETE);
    storage().delete(id);

    assertThat(storage().update(created, withDetails(created.metadata(), "late"))).isEmpty();
    assertThat(storage().find(id)).isEmpty();
  }

  @Test
  void updateCannotTurnARecordingIntoAnother() {
    StoredRecording created = create(newId(ROOM), RecordingStatus.STARTING);

    assertThatThrownBy(() -> storage().update(created, metadata(newId(ROOM), RecordingStatus.ACTIVE)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @Timeout(60)
  void concurrentUpdatesFromEightThreadsLoseNothing() throws Exception {
    RecordingId id = newId(ROOM);
    storage().create(withDetails(metadata(id, RecordingStatus.ACTIVE), ""), RecordingSecrets.generate())
        .orElseThrow();
    int threads = 8;
    int appendsPerThread = 10;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> conflicts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        conflicts.add(pool.submit(() -> {
          start.await();
          int lost = 0;
          for (int i = 0; i < appendsPerThread; i++) {
            while (true) {
              StoredRecording current = storage().find(id).orElseThrow();
              String details = current.recording().details() + "t" + thread + "." + i + ";";
              if (storage().update(current, withDetails(current.metadata(), details)).isPresent()) {
                break;
              }
              lost++;
            }
          }
          return lost;
        }));
      }
      start.countDown();
      for (Future<Integer> future : conflicts) {
        future.get(50, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    String details = storage().find(id).orElseThrow().recording().details();
    Set<String> appended = Set.of(details.split(";"));
    Set<String> expected = IntStream.range(0, threads).boxed()
        .flatMap(t -> IntStream.range(0, appendsPerThread).mapToObj(i -> "t" + t + "." + i))
        .collect(Collectors.toSet());
    assertThat(appended).isEqualTo(expected);
    assertThat(details.split(";")).hasSize(threads * appendsPerThread);
  }

  // ---- list --------------------------------------------------------------------------------------------------------

  @Test
  void listOfAnEmptyStoreIsOneEmptyPage() {
    RecordingPage page = storage().list(RecordingQuery.all());

    assertThat(page.recordings()).isEmpty();
    assertThat(page.nextPageToken()).isNull();
  }

  @Test
  void listPagesThroughRecordingsInKeyOrderWithoutDuplicates() {
    List<RecordingId> ids = createAll(25, i -> newId("room-" + (i % 4)), RecordingStatus.COMPLETE);

    RecordingPage first = storage().list(new RecordingQuery(null, null, 10, null));
    RecordingPage second = storage().list(new RecordingQuery(null, null, 10, first.nextPageToken()));
    RecordingPage third = storage().list(new RecordingQuery(null, null, 10, second.nextPageToken()));

    assertThat(first.recordings()).hasSize(10);
    assertThat(second.recordings()).hasSize(10);
    assertThat(third.recordings()).hasSize(5);
    assertThat(first.nextPageToken()).isNotNull();
    assertThat(second.nextPageToken()).isNotNull().isNotEqualTo(first.nextPageToken());
    assertThat(third.nextPageToken()).isNull();
    List<Recording> all = new ArrayList<>(first.recordings());
    all.addAll(second.recordings());
    all.addAll(third.recordings());
    assertThat(idsOf(all)).containsExactlyElementsOf(inKeyOrder(ids));
  }

  @Test
  void aFullLastPageHasNoNextPage() {
    createAll(10, i -> newId(ROOM), RecordingStatus.COMPLETE);

    RecordingPage page = storage().list(new RecordingQuery(null, null, 10, null));

    assertThat(page.recordings()).hasSize(10);
    assertThat(page.nextPageToken()).isNull();
  }

  @Test
  void listByRoomReturnsOnlyThatRoomEvenWhenAnotherRoomsIdExtendsIt() {
    // "room-1/" must not match "room-1_b/", and in key order "room-1_b/..." sorts after "room-1/...".
    List<RecordingId> mine = createAll(7, i -> newId("room-1"), RecordingStatus.COMPLETE);
    createAll(3, i -> newId("room-1_b"), RecordingStatus.COMPLETE);
    createAll(3, i -> newId("room-0"), RecordingStatus.COMPLETE);

    assertThat(idsOf(listAll("room-1", null, 3))).containsExactlyElementsOf(inKeyOrder(mine));
  }

  @Test
  void listByStatusReturnsOnlyThatStatusAcrossPages() {
    List<RecordingId> complete = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      RecordingId id = newId("room-" + (i % 3));
      RecordingStatus status = i % 3 == 0 ? RecordingStatus.COMPLETE
          : i % 3 == 1 ? RecordingStatus.FAILED : RecordingStatus.ACTIVE;
      create(id, status);
      if (status == RecordingStatus.COMPLETE) {
        complete.add(id);
      }
    }

    List<Recording> listed = listAll(null, RecordingStatus.COMPLETE, 4);

    assertThat(listed).allSatisfy(r -> assertThat(r.status()).isEqualTo(RecordingStatus.COMPLETE));
    assertThat(idsOf(listed)).containsExactlyElementsOf(inKeyOrder(complete));
  }

  @Test
  void listByRoomAndStatusCombinesBothFilters() {
    RecordingId wanted = newId("room-1");
    create(wanted, RecordingStatus.ABORTED);
    create(newId("room-1"), RecordingStatus.COMPLETE);
    create(newId("room-2"), RecordingStatus.ABORTED);

    assertThat(idsOf(listAll("room-1", RecordingStatus.ABORTED, 10))).containsExactly(wanted.toString());
  }

  @Test
  void listSkipsForeignObjectsUnderTheMetadataPrefix() {
    RecordingId id = newId(ROOM);
    create(id, RecordingStatus.COMPLETE);
    writeObject(layout().metadataPrefix() + "README.txt", "hello".getBytes(StandardCharsets.UTF_8));
    writeObject(layout().metadataPrefix(ROOM) + "not-an-egress/0123456789.json", "{}".getBytes(StandardCharsets.UTF_8));

    assertThat(idsOf(listAll(null, null, 10))).containsExactly(id.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"not base64 at all!", "", "AAAA", "Li4vLi4vZXRjL3Bhc3N3ZA"})
  void aPageTokenThisStorageDidNotIssueIsRejected(String token) {
    createAll(3, i -> newId(ROOM), RecordingStatus.COMPLETE);

    assertThatThrownBy(() -> storage().list(new RecordingQuery(null, null, 1, token)))
        .isInstanceOf(InvalidPageTokenException.class);
  }

  @Test
  void aPageTokenOfAnotherRoomIsRejected() {
    createAll(3, i -> newId("room-1"), RecordingStatus.COMPLETE);
    createAll(3, i -> newId("room-2"), RecordingStatus.COMPLETE);
    String room1Token = storage().list(new RecordingQuery("room-1", null, 1, null)).nextPageToken();

    assertThat(room1Token).isNotNull();
    assertThatThrownBy(() -> storage().list(new RecordingQuery("room-2", null, 1, room1Token)))
        .isInstanceOf(InvalidPageTokenException.class);
  }

  @Test
  void aTamperedPageTokenOutsideThePrefixIsRejected() {
    String outside = Base64.getUrlEncoder().withoutPadding()
        .encodeToString((layout().metadataPrefix() + "../.secrets/room-1/EG_abc/0123456789.json")
            .getBytes(StandardCharsets.UTF_8));
    String huge = "A".repeat(10_000);

    assertThatThrownBy(() -> storage().list(new RecordingQuery(null, null, 1, outside)))
        .isInstanceOf(InvalidPageTokenException.class);
    assertThatThrownBy(() -> storage().list(new RecordingQuery(null, null, 1, huge)))
        .isInstanceOf(InvalidPageTokenException.class);
  }

  // ---- the index of unfinished recordings --------------------------------------------------------------------------

  private List<RecordingId> unfinishedIds() {
    List<RecordingId> ids = new ArrayList<>();
    String token = null;
    do {
      UnfinishedPage page = storage().listUnfinished(token);
      page.entries().forEach(entry -> ids.add(entry.id()));
      token = page.nextPageToken();
    } while (token != null);
    return ids;
  }

  @Test
  void theIndexHoldsExactlyTheRecordingsThatAreNotTerminal() {
    java.time.Instant before = java.time.Instant.now().minusSeconds(5);
    Map<RecordingStatus, RecordingId> byStatus = new java.util.EnumMap<>(RecordingStatus.class);
    for (RecordingStatus status : RecordingStatus.values()) {
      RecordingId id = newId(ROOM);
      create(id, status);
      byStatus.put(status, id);
    }

    UnfinishedPage page = storage().listUnfinished(null);

    assertThat(page.entries()).extracting(UnfinishedRecording::id).containsExactlyInAnyOrderElementsOf(
        byStatus.entrySet().stream().filter(e -> !e.getKey().isTerminal()).map(Map.Entry::getValue).toList());
    assertThat(page.entries()).allSatisfy(entry ->
        assertThat(entry.indexedAt()).isBetween(before, java.time.Instant.now().plusSeconds(5)));
    assertThat(page.nextPageToken()).isNull();
  }

  @Test
  void anUpdateToATerminalStatusRemovesTheEntryAndOneBetweenUnfinishedStatusesKeepsIt() {
    StoredRecording finishing = create(newId(ROOM), RecordingStatus.ACTIVE);
    StoredRecording ending = create(newId(ROOM), RecordingStatus.ACTIVE);

    storage().update(finishing, new RecordingMetadata(finishing.recording().withStatus(RecordingStatus.COMPLETE), 1))
        .orElseThrow();
    storage().update(ending, new RecordingMetadata(ending.recording().withStatus(RecordingStatus.ENDING), 1))
        .orElseThrow();

    assertThat(unfinishedIds()).containsExactly(ending.recording().id());
    assertThat(storedKeys()).doesNotContain(layout().unfinishedKey(finishing.recording().id()));
  }

  @Test
  void aRefusedUpdateLeavesTheEntry() {
    StoredRecording stored = create(newId(ROOM), RecordingStatus.ACTIVE);
    storage().update(stored, new RecordingMetadata(stored.recording().withStatus(RecordingStatus.ENDING), 1))
        .orElseThrow();

    assertThat(storage().update(stored,
        new RecordingMetadata(stored.recording().withStatus(RecordingStatus.COMPLETE), 2))).isEmpty();

    assertThat(unfinishedIds()).containsExactly(stored.recording().id());
  }

  @Test
  void aRecordingCreatedTerminalIsNeverIndexed() {
    create(newId(ROOM), RecordingStatus.FAILED);

    assertThat(storage().listUnfinished(null).entries()).isEmpty();
  }

  @Test
  void deleteAndDeleteAllRemoveTheEntriesOfWhatTheyDeleted() {
    RecordingId deleted = newId(ROOM);
    RecordingId deletedInBulk = newId("room-2");
    RecordingId kept = newId(ROOM);
    create(deleted, RecordingStatus.ACTIVE);
    create(deletedInBulk, RecordingStatus.STARTING);
    create(kept, RecordingStatus.ACTIVE);

    storage().delete(deleted);
    storage().deleteAll(List.of(deletedInBulk));

    assertThat(unfinishedIds()).containsExactly(kept);
    assertThat(storedKeys()).doesNotContain(layout().unfinishedKey(deleted), layout().unfinishedKey(deletedInBulk));
  }

  @Test
  void theIndexPagesThroughMoreThanOnePageInKeyOrder() {
    List<RecordingId> ids = new ArrayList<>();
    for (int i = 0; i < UnfinishedPage.MAX_ENTRIES + 1; i++) {
      RecordingId id = newId("room-" + (i % 7));
      writeObject(layout().unfinishedKey(id), new byte[0]);
      ids.add(id);
    }

    UnfinishedPage first = storage().listUnfinished(null);
    UnfinishedPage second = storage().listUnfinished(first.nextPageToken());

    assertThat(first.entries()).hasSize(UnfinishedPage.MAX_ENTRIES);
    assertThat(first.nextPageToken()).isNotNull();
    assertThat(second.entries()).hasSize(1);
    assertThat(second.nextPageToken()).isNull();
    List<RecordingId> walked = new ArrayList<>();
    first.entries().forEach(entry -> walked.add(entry.id()));
    second.entries().forEach(entry -> walked.add(entry.id()));
    assertThat(walked).containsExactlyElementsOf(
        ids.stream().sorted(Comparator.comparing(id -> layout().unfinishedKey(id))).toList());
  }

  @Test
  void theIndexSkipsForeignObjectsUnderItsPrefix() {
    RecordingId id = newId(ROOM);
    create(id, RecordingStatus.ACTIVE);
    writeObject(layout().unfinishedPrefix() + "room-1/not-an-egress", new byte[0]);
    writeObject(layout().unfinishedPrefix() + "notes.txt", bytes(10));

    assertThat(unfinishedIds()).containsExactly(id);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "not base64 !", "b3BlbnZpZHUtbWVldC9yZWNvcmRpbmdzLy5tZXRhZGF0YS9yb29tLTEv"})
  void aPageTokenOfAnotherListingIsRejectedByTheIndex(String token) {
    assertThatThrownBy(() -> storage().listUnfinished(token)).isInstanceOf(InvalidPageTokenException.class);
  }

  @Test
  void removeUnfinishedDropsTheEntriesOfFinishedDeletedAndNeverStoredRecordingsOnly() {
    RecordingId unfinished = newId(ROOM);
    create(unfinished, RecordingStatus.ACTIVE);
    RecordingId neverStored = newId(ROOM);
    writeObject(layout().unfinishedKey(neverStored), new byte[0]);
    RecordingId finished = newId(ROOM);
    create(finished, RecordingStatus.COMPLETE);
    writeObject(layout().unfinishedKey(finished), new byte[0]);
    RecordingId corrupt = newId(ROOM);
    writeObject(layout().unfinishedKey(corrupt), new byte[0]);
    writeObject(layout().metadataKey(corrupt), "not json".getBytes(StandardCharsets.UTF_8));

    assertThat(storage().removeUnfinished(unfinished)).isFalse();
    assertThat(storage().removeUnfinished(neverStored)).isTrue();
    assertThat(storage().removeUnfinished(finished)).isTrue();
    assertThat(storage().removeUnfinished(corrupt)).as("unknown status: kept").isFalse();
    assertThat(storage().removeUnfinished(newId("room-9"))).isTrue();

    assertThat(unfinishedIds()).containsExactlyInAnyOrder(unfinished, corrupt);
    assertThat(storage().find(finished)).isPresent();
  }

  @Test
  void anUpdateToAnotherUnfinishedStatusIndexesARecordingStoredWithoutAnEntry() {
    RecordingId id = newId(ROOM);
    // As a version without the index stored it.
    writeObject(layout().metadataKey(id),
        dev.meet.core.support.RecordingJson.writeMetadata(metadata(id, RecordingStatus.STARTING)));
    StoredRecording stored = storage().find(id).orElseThrow();

    storage().update(stored, new RecordingMetadata(stored.recording().withStatus(RecordingStatus.ACTIVE), 1))
        .orElseThrow();

    assertThat(unfinishedIds()).containsExactly(id);
  }

  @Test
  void rebuildIndexesTheUnfinishedRecordingsStoredWithoutTheIndexOnce() {
    RecordingId active = newId(ROOM);
    RecordingId starting = newId("room-2");
    RecordingId complete = newId(ROOM);
    RecordingId alreadyIndexed = newId(ROOM);
    // As a version without the index stored them: metadata only.
    writeObject(layout().metadataKey(active),
        dev.meet.core.support.RecordingJson.writeMetadata(metadata(active, RecordingStatus.ACTIVE)));
    writeObject(layout().metadataKey(starting),
        dev.meet.core.support.RecordingJson.writeMetadata(metadata(starting, RecordingStatus.STARTING)));
    writeObject(layout().metadataKey(complete),
        dev.meet.core.support.RecordingJson.writeMetadata(metadata(complete, RecordingStatus.COMPLETE)));
    create(alreadyIndexed, RecordingStatus.ACTIVE);
    assertThat(storage().unfinishedIndexBuilt()).isFalse();

    int added = storage().rebuildUnfinishedIndex();

    assertThat(added).isEqualTo(2);
    assertThat(unfinishedIds()).containsExactlyInAnyOrder(active, starting, alreadyIndexed);
    assertThat(storage().unfinishedIndexBuilt()).isTrue();
    assertThat(storage().rebuildUnfinishedIndex()).isZero();
    assertThat(storage().list(new RecordingQuery(null, null, 100, null)).recordings()).hasSize(4);
  }

  // ---- delete ------------------------------------------------------------------------------------------------------

  @Test
  void deleteRemovesMetadataSecretsAndMedia() {
    RecordingId id = newId(ROOM);
    create(id, RecordingStatus.COMPLETE);
    writeMedia(id, bytes(1000));
    RecordingId kept = newId(ROOM);
    create(kept, RecordingStatus.COMPLETE);

    assertThat(storage().delete(id)).isTrue();

    assertThat(storage().find(id)).isEmpty();
    assertThat(storage().secrets(id)).isEmpty();
    assertThat(storage().mediaSize(id)).isEmpty();
    assertThat(storedKeys()).doesNotContain(layout().metadataKey(id), layout().secretsKey(id),
        layout().mediaKey(id));
    assertThat(storage().find(kept)).isPresent();
  }

  @Test
  void deleteLeavesATombstoneWithTheTimeOfTheDeletion() {
    RecordingId id = newId(ROOM);
    create(id, RecordingStatus.COMPLETE);
    RecordingId kept = newId(ROOM);
    create(kept, RecordingStatus.COMPLETE);
    java.time.Instant before = java.time.Instant.now().minusSeconds(5);

    storage().delete(id);

    assertThat(storage().deletedAt(id)).hasValueSatisfying(
        at -> assertThat(at).isBetween(before, java.time.Instant.now().plusSeconds(5)));
    assertThat(storage().deletedAt(kept)).isEmpty();
    assertThat(storage().list(new RecordingQuery(ROOM, null, 100, null)).recordings())
        .extracting(Recording::recordingId).containsExactly(kept.toString());
  }

  @Test
  void deleteAllLeavesATombstoneForEachDeletedRecordingOnly() {
    RecordingId deleted = newId(ROOM);
    create(deleted, RecordingStatus.COMPLETE);
    RecordingId unknown = newId(ROOM);

    storage().deleteAll(List.of(deleted, unknown));

    assertThat(storage().deletedAt(deleted)).isPresent();
    assertThat(storage().deletedAt(unknown)).isEmpty();
  }

  @Test
  void deleteOfAnUnknownRecordingReturnsFalse() {
    assertThat(storage().delete(newId(ROOM))).isFalse();
  }

  @Test
  void deleteAllReportsEachIdOnceAndNamesTheMissingOnes() {
    RecordingId first = newId(ROOM);
    RecordingId second = newId("room-2");
    RecordingId missing = newId(ROOM);
    create(first, RecordingStatus.COMPLETE);
    create(second, RecordingStatus.FAILED);
    writeMedia(second, bytes(10));

    Map<RecordingId, @Nullable String> results = storage().deleteAll(List.of(first, second, first, missing, second));

    assertThat(results).containsOnlyKeys(first, second, missing);
    assertThat(results.get(first)).isNull();
    assertThat(results.get(second)).isNull();
    assertThat(results.get(missing)).isEqualTo("not found");
    assertThat(listAll(null, null, 10)).isEmpty();
    assertThat(storage().mediaSize(second)).isEmpty();
  }

  @Test
  void deleteAllOfNothingIsNothing() {
    assertThat(storage().deleteAll(List.of())).isEmpty();
  }

  @Test
  @Timeout(60)
  void deleteAllDeletesMoreThanOneBatchWorthOfKeys() {
    // 400 recordings are 1200 keys: more than S3 takes in one request.
    List<RecordingId> ids = createAll(400, i -> newId("room-" + (i % 7)), RecordingStatus.COMPLETE);
    for (RecordingId id : ids.subList(0, 20)) {
      writeMedia(id, bytes(16));
    }
    RecordingId kept = newId(ROOM);
    create(kept, RecordingStatus.COMPLETE);

    Map<RecordingId, @Nullable String> results = storage().deleteAll(ids);

    assertThat(results).hasSize(400);
    assertThat(results.values()).containsOnlyNulls();
    Set<String> remaining = storedKeys();
    for (RecordingId id : ids) {
      assertThat(remaining).doesNotContain(layout().metadataKey(id), layout().secretsKey(id), layout().mediaKey(id));
    }
    assertThat(idsOf(listAll(null, null, 100))).containsExactly(kept.toString());
  }

  // ---- media -------------------------------------------------------------------------------------------------------

  @Test
  void wholeMediaIsStreamedWithItsSize() throws IOException {
    RecordingId id = newId(ROOM);
    byte[] content = bytes(10_000);
    writeMedia(id, content);

    assertThat(storage().mediaSize(id)).contains(10_000L);
    try (MediaContent media = storage().openMedia(id, null).orElseThrow()) {
      assertThat(media.isWhole()).isTrue();
      assertThat(media.start()).isZero();
      assertThat(media.end()).isEqualTo(9_999);
      assertThat(media.totalSize()).isEqualTo(10_000);
      assertThat(media.stream().readAllBytes()).isEqualTo(content);
    }
  }

  @Test
  void mediaRangesAreResolvedAndClampedLikeHttp() throws IOException {
    RecordingId id = newId(ROOM);
    byte[] content = bytes(1000);
    writeMedia(id, content);

    assertThat(readMedia(id, ByteRange.of(0, 0))).isEqualTo(slice(content, 0, 0));
    assertThat(readMedia(id, ByteRange.of(100, 199))).isEqualTo(slice(content, 100, 199));
    assertThat(readMedia(id, ByteRange.from(900))).isEqualTo(slice(content, 900, 999));
    assertThat(readMedia(id, ByteRange.suffix(10))).isEqualTo(slice(content, 990, 999));
    assertThat(readMedia(id, ByteRange.suffix(5000))).isEqualTo(content);
    assertThat(readMedia(id, ByteRange.of(995, 5000))).isEqualTo(slice(content, 995, 999));
    assertThat(readMedia(id, ByteRange.of(999, 999))).isEqualTo(slice(content, 999, 999));
    try (MediaContent media = storage().openMedia(id, ByteRange.of(995, 5000)).orElseThrow()) {
      assertThat(media.start()).isEqualTo(995);
      assertThat(media.end()).isEqualTo(999);
      assertThat(media.length()).isEqualTo(5);
      assertThat(media.totalSize()).isEqualTo(1000);
      assertThat(media.isWhole()).isFalse();
    }
  }

  @Test
  void aRangeWhoseStartIsAfterItsEndIsIgnoredAndTheWholeMediaIsServed() throws IOException {
    RecordingId id = newId(ROOM);
    byte[] content = bytes(1000);
    writeMedia(id, content);

    try (MediaContent media = storage().openMedia(id, ByteRange.of(500, 100)).orElseThrow()) {
      assertThat(media.isWhole()).isTrue();
    }
    assertThat(readMedia(id, ByteRange.of(500, 100))).isEqualTo(content);
  }

  @Test
  void aRangeStartingBeyondTheMediaIsNotSatisfiableAndNamesTheSize() {
    RecordingId id = newId(ROOM);
    writeMedia(id, bytes(1000));

    assertThatThrownBy(() -> storage().openMedia(id, ByteRange.from(1000)))
        .isInstanceOfSatisfying(RangeNotSatisfiableException.class, e -> assertThat(e.size()).isEqualTo(1000));
    assertThatThrownBy(() -> storage().openMedia(id, ByteRange.suffix(0)))
        .isInstanceOf(RangeNotSatisfiableException.class);
  }

  @Test
  void emptyMediaIsWholeButHasNoRanges() throws IOException {
    RecordingId id = newId(ROOM);
    writeMedia(id, new byte[0]);

    assertThat(readMedia(id, null)).isEmpty();
    assertThatThrownBy(() -> storage().openMedia(id, ByteRange.from(0)))
        .isInstanceOfSatisfying(RangeNotSatisfiableException.class, e -> assertThat(e.size()).isZero());
  }

  @Test
  void missingMediaIsEmpty() {
    RecordingId id = newId(ROOM);
    create(id, RecordingStatus.ACTIVE);

    assertThat(storage().mediaSize(id)).isEmpty();
    assertThat(storage().openMedia(id, null)).isEmpty();
    assertThat(storage().openMedia(id, ByteRange.of(0, 10))).isEmpty();
  }

  @Test
  void closingAMediaStreamEarlyLeavesTheStorageUsable() throws IOException {
    RecordingId id = newId(ROOM);
    byte[] content = bytes(2 * 1024 * 1024);
    writeMedia(id, content);

    for (int i = 0; i < 20; i++) {
      try (MediaContent media = storage().openMedia(id, null).orElseThrow();
          InputStream stream = media.stream()) {
        assertThat(stream.readNBytes(10)).isEqualTo(slice(content, 0, 9));
      }
    }
    assertThat(readMedia(id, ByteRange.suffix(3))).isEqualTo(slice(content, content.length - 3,
        content.length - 1));
  }

  @Test
  void mediaTargetIsTheLayoutsMediaPathWithoutExtension() {
    RecordingId id = newId(ROOM);

    assertThat(storage().mediaTarget(id.roomId(), id.uid()).filepath()).isEqualTo(layout().mediaPathWithoutExtension(id));
  }

  // ---- hostile input -----------------------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {
      "../room--EG_abc--0123456789",
      "room--EG_abc--../../../etc",
      "room/../x--EG_abc--0123456789",
      "room%2F..--EG_abc--0123456789",
      "room--EG_abc%2F..--0123456789",
      "room--EG_a/b--0123456789",
      "room\u0000--EG_abc--0123456789",
      "room\n--EG_abc--0123456789",
      "room--EG_abc--0123456789\r\nX-Injected: 1",
      "room--EG_abc--0123456789/..",
      "..--EG_abc--0123456789",
  })
  void hostileRecordingIdsAreRejectedBeforeAnyKeyIsFormed(String hostile) {
    Set<String> before = storedKeys();

    assertThatThrownBy(() -> RecordingId.parse(hostile)).isInstanceOf(IllegalArgumentException.class);
    String[] parts = hostile.split("--", -1);
    if (parts.length == 3) {
      assertThatThrownBy(() -> new RecordingId(parts[0], parts[1], parts[2]))
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(storedKeys()).isEqualTo(before);
  }

  @Test
  void hugeIdsAndRoomIdsAreRejectedWithoutEchoingThem() {
    Set<String> before = storedKeys();
    String huge = "a".repeat(10_000);

    assertThatThrownBy(() -> RecordingId.parse(huge + "--EG_abc--0123456789"))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(500));
    assertThatThrownBy(() -> new RecordingQuery(huge, null, 10, null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RecordingQuery("../x", null, 10, null)).isInstanceOf(IllegalArgumentException.class);
    assertThat(storedKeys()).isEqualTo(before);
  }

  @Test
  void everyKeyOfAValidIdStaysUnderThePrefix() {
    RecordingId id = newId("a_b-C");
    create(id, RecordingStatus.COMPLETE);
    writeMedia(id, bytes(3));

    Set<String> keys = new HashSet<>(storedKeys());
    keys.removeIf(key -> !key.contains(id.uid()));

    assertThat(keys).containsExactlyInAnyOrder(layout().metadataKey(id), layout().secretsKey(id),
        layout().mediaKey(id));
    assertThat(keys).allSatisfy(key -> assertThat(key).startsWith(layout().prefix() + "recordings/")
        .doesNotContain("..", "//", "\\"));
  }

  // ---- health ------------------------------------------------------------------------------------------------------

  @Test
  void checkPassesWhenTheStoreIsReachable() {
    storage().check();
  }
}
