package dev.meet.core.storage.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meet.core.Recording;
import dev.meet.core.RecordingId;
import dev.meet.core.RecordingStatus;
import dev.meet.core.storage.AbstractRecordingStorageContractTest;
import dev.meet.core.storage.RecordingMetadata;
import dev.meet.core.storage.RecordingSecrets;
import dev.meet.core.storage.RecordingStorage;
import dev.meet.core.storage.StorageException;
import dev.meet.core.storage.StorageLayout;
import dev.meet.core.storage.StoredRecording;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The local directory storage against the contract, plus what only a directory shared by processes can show. */
class LocalRecordingStorageTest extends AbstractRecordingStorageContractTest {

  /** A prefix other than the default, so nothing depends on {@code openvidu-meet/}. */
  private static final StorageLayout LAYOUT = new StorageLayout("meet/test/");

  @TempDir
  Path directory;

  private LocalRecordingStorage storage;

  @BeforeEach
  void createStorage() {
    storage = new LocalRecordingStorage(directory, LAYOUT);
  }

  @Override
  protected RecordingStorage storage() {
    return storage;
  }

  @Override
  protected StorageLayout layout() {
    return LAYOUT;
  }

  @Override
  protected void writeObject(String key, byte[] content) {
    try {
      Path file = directory.resolve(key);
      Files.createDirectories(file.getParent());
      Files.write(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected Optional<byte[]> readObject(String key) {
    try {
      return Optional.of(Files.readAllBytes(directory.resolve(key)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected Set<String> storedKeys() {
    try (Stream<Path> files = Files.walk(directory)) {
      return files.filter(Files::isRegularFile)
          .map(file -> directory.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/"))
          .collect(Collectors.toCollection(TreeSet::new));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void filesLieUnderTheBucketsKeysAndTheEgressHasNoUploadSettings() {
    RecordingId id = newId("room-1");
    storage.create(metadata(id, RecordingStatus.STARTING), RecordingSecrets.generate()).orElseThrow();

    assertThat(directory.resolve("meet/test/recordings/.metadata/room-1/" + id.egressId() + "/" + id.uid() + ".json"))
        .isRegularFile();
    assertThat(directory.resolve("meet/test/recordings/.secrets/room-1/" + id.egressId() + "/" + id.uid() + ".json"))
        .isRegularFile();
    assertThat(storage.mediaTarget(id.roomId(), id.uid()).filepath()).isEqualTo("meet/test/recordings/room-1/" + id.mediaBaseName());
    assertThat(storage.mediaTarget(id.roomId(), id.uid()).s3()).isNull();
  }

  @Test
  void deletingTheLastRecordingOfARoomLeavesNoEmptyDirectories() {
    RecordingId id = newId("room-1");
    storage.create(metadata(id, RecordingStatus.COMPLETE), RecordingSecrets.generate()).orElseThrow();

    storage.delete(id);

    assertThat(directory.resolve("meet/test/recordings/.metadata/room-1")).doesNotExist();
    assertThat(directory.resolve("meet/test/recordings/.secrets/room-1")).doesNotExist();
  }

  @Test
  void twoStoragesOnOneDirectoryInOneProcessShareConditionalWrites() {
    LocalRecordingStorage other = new LocalRecordingStorage(directory, LAYOUT);
    RecordingId id = newId("room-1");
    StoredRecording created =
        storage.create(metadata(id, RecordingStatus.STARTING), RecordingSecrets.generate()).orElseThrow();

    assertThat(other.create(metadata(id, RecordingStatus.ACTIVE), RecordingSecrets.generate())).isEmpty();
    StoredRecording updatedByOther = other.update(other.find(id).orElseThrow(),
        new RecordingMetadata(created.recording().withStatus(RecordingStatus.ACTIVE), 1)).orElseThrow();
    assertThat(storage.update(created, new RecordingMetadata(created.recording().withStatus(RecordingStatus.FAILED),
        2))).isEmpty();
    assertThat(storage.find(id)).contains(updatedByOther);
  }

  @Test
  void aDirectoryThatCannotBeCreatedFailsAtStartUp() throws IOException {
    Path file = Files.writeString(directory.resolve("a-file"), "not a directory");

    assertThatThrownBy(() -> new LocalRecordingStorage(file.resolve("sub"), LAYOUT))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining(file.resolve("sub").toString());
  }

  /**
   * Another JVM appends to the same recording while this one does: the file lock, not a lock inside one JVM, is
   * what keeps both processes' updates.
   */
  @Test
  @Timeout(60)
  void updatesFromTwoProcessesOnOneDirectoryAreNotLost() throws Exception {
    RecordingId id = newId("room-1");
    Recording recording = metadata(id, RecordingStatus.ACTIVE).recording();
    storage.create(new RecordingMetadata(withDetails(recording, ""), 0), RecordingSecrets.generate()).orElseThrow();
    int appends = 100;

    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process child = new ProcessBuilder(java, "-cp", classpath, OtherProcess.class.getName(),
        directory.toString(), id.toString(), "child", Integer.toString(appends))
        .redirectErrorStream(true)
        .start();
    StringBuilder childOutput = new StringBuilder();
    try {
      BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = lines.readLine()) != null && !line.equals(OtherProcess.READY)) {
        childOutput.append(line).append('\n');
      }
      assertThat(line).as("the other process started: %s", childOutput).isEqualTo(OtherProcess.READY);
      CompletableFuture<Void> drain = CompletableFuture.runAsync(() -> lines.lines()
          .forEach(l -> childOutput.append(l).append('\n')));
      try (OutputStream go = child.getOutputStream()) {
        go.write('\n');
      }

      OtherProcess.append(storage, id, "parent", appends);

      assertThat(child.waitFor(45, TimeUnit.SECONDS)).as("the other process finished").isTrue();
      drain.get(5, TimeUnit.SECONDS);
      assertThat(child.exitValue()).as("the other process: %s", childOutput).isZero();
    } finally {
      child.destroyForcibly();
    }

    Set<String> appended = Set.of(storage.find(id).orElseThrow().recording().details().split(";"));
    Set<String> expected = Stream.of("parent", "child")
        .flatMap(who -> IntStream.range(0, appends).mapToObj(i -> who + i))
        .collect(Collectors.toSet());
    assertThat(appended).isEqualTo(expected);
  }

  private static Recording withDetails(Recording r, String details) {
    return new Recording(r.recordingId(), r.roomId(), r.roomName(), r.status(), r.layout(), r.encoding(),
        r.filename(), r.startDate(), r.endDate(), r.duration(), r.size(), r.errorCode(), r.error(), details);
  }

  /** The other process: appends {@code who0;who1;...} to a recording's details, re-reading on every conflict. */
  static final class OtherProcess {

    static final String READY = "ready";

    public static void main(String[] args) throws IOException {
      LocalRecordingStorage storage = new LocalRecordingStorage(Path.of(args[0]), LAYOUT);
      RecordingId id = RecordingId.parse(args[1]);
      // Warm (classes loaded, JSON mapper built) before saying ready, so both processes really append together.
      storage.find(id).orElseThrow();
      System.out.println(READY);
      System.out.flush();
      // Waits for the parent's go (a line on stdin), so both start appending together.
      if (System.in.read() < 0) {
        throw new IllegalStateException("the parent went away");
      }
      append(storage, id, args[2], Integer.parseInt(args[3]));
    }

    static void append(LocalRecordingStorage storage, RecordingId id, String who, int count) {
      for (int i = 0; i < count; i++) {
        while (true) {
          StoredRecording current = storage.find(id).orElseThrow();
          Recording next = withDetails(current.recording(), current.recording().details() + who + i + ";");
          if (storage.update(current, new RecordingMetadata(next, current.metadata().egressUpdatedAt())).isPresent()) {
            break;
          }
        }
      }
    }
  }

  @Test
  void anOversizedMetadataDocumentKeepsItsIndexEntryLikeAnyOtherUnreadableOne() throws Exception {
    RecordingId id = new RecordingId("room-1", "EG_ReviewBig0001", RecordingId.newUid());
    writeObject(layout().unfinishedKey(id), new byte[0]);
    writeObject(layout().metadataKey(id), new byte[1024 * 1024 + 1]);

    assertThat(storage().removeUnfinished(id)).isFalse();
    assertThat(readObject(layout().unfinishedKey(id))).isPresent();
  }
}
