package dev.meet.core.storage.local;

import com.google.common.io.ByteStreams;
import dev.meet.core.Recording;
import dev.meet.core.RecordingId;
import dev.meet.core.storage.ByteRange;
import dev.meet.core.storage.CorruptRecordingException;
import dev.meet.core.storage.MediaContent;
import dev.meet.core.storage.MediaTarget;
import dev.meet.core.storage.RangeNotSatisfiableException;
import dev.meet.core.storage.RecordingMetadata;
import dev.meet.core.storage.RecordingPage;
import dev.meet.core.storage.RecordingQuery;
import dev.meet.core.storage.RecordingSecrets;
import dev.meet.core.storage.RecordingStorage;
import dev.meet.core.storage.StorageException;
import dev.meet.core.storage.StorageLayout;
import dev.meet.core.storage.StoredRecording;
import dev.meet.core.storage.UnfinishedPage;
import dev.meet.core.storage.UnfinishedRecording;
import dev.meet.core.support.RecordingJson;
import dev.meet.core.support.UnfinishedIndexRebuild;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.LinkOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recordings in a local directory, under exactly the keys a bucket would hold ({@link StorageLayout}), so the
 * embedded default and a bucket look the same to an operator, and the egress can write the media into the same
 * directory (its own output directory must be {@code baseDirectory}).
 *
 * <p>Several instances may share the directory (processes on one host, or threads in one): every write takes an
 * exclusive lock on {@code {prefix}recordings/.lock}, first within this JVM (a {@link FileLock} is held by the whole
 * process, so two threads cannot tell each other apart through it) and then across processes with
 * {@link FileChannel#lock()}. Documents are written to a temporary file, flushed to disk and atomically renamed over
 * the target, so a reader (who takes no lock) sees the old or the new document, never half of one, and a crash
 * leaves at worst a stray temporary file, which nothing lists.
 *
 * <p>A version is a hash of the metadata document's bytes, derived on every read rather than stored: it changes
 * whenever the content changes, which is all a compare-and-set needs (as with an S3 ETag).
 *
 * <p>{@link #list} walks the (room's) metadata directories in key order from the page token on and stops when the page
 * is full, so a page costs what it reads (plus one directory listing per level), not a walk of the whole tree.
 */
public final class LocalRecordingStorage implements RecordingStorage {

  private static final Logger LOG = LoggerFactory.getLogger(LocalRecordingStorage.class);

  /** One lock per lock file in this JVM, shared by every instance of this class that points at it. */
  private static final ConcurrentMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

  /** At most this many keys are examined per page, so a sparse status filter cannot make one page read everything. */
  static final int MAX_KEYS_SCANNED_PER_PAGE = 1000;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path baseDirectory;
  private final StorageLayout layout;
  private volatile boolean indexBuilt;
  private final Path lockFile;
  private final ReentrantLock jvmLock;

  /**
   * Creates the directories it needs, so a directory that cannot be used fails at start-up.
   *
   * @param baseDirectory the root of the layout; the egress's output directory
   * @param layout the keys (prefix) to use
   * @throws StorageException when the directory cannot be created or locked
   */
  public LocalRecordingStorage(Path baseDirectory, StorageLayout layout) {
    this.baseDirectory = Objects.requireNonNull(baseDirectory, "baseDirectory").toAbsolutePath().normalize();
    this.layout = Objects.requireNonNull(layout, "layout");
    Path lock = resolve(layout.prefix() + "recordings/.lock");
    try {
      Files.createDirectories(lock.getParent());
      try {
        Files.createFile(lock);
      } catch (FileAlreadyExistsException alreadyThere) {
        // Another instance made it: the one file every instance must lock.
      }
      // The real path, so that two spellings of one directory (symbolic links) share one JVM lock.
      this.lockFile = lock.toRealPath();
    } catch (IOException e) {
      throw new StorageException("Local recording storage: cannot use directory " + this.baseDirectory + ": " + e,
          e);
    }
    this.jvmLock = JVM_LOCKS.computeIfAbsent(lockFile, path -> new ReentrantLock());
  }

  /** The directory this storage writes under (absolute). */
  public Path baseDirectory() {
    return baseDirectory;
  }

  @Override
  public Optional<StoredRecording> create(RecordingMetadata metadata, RecordingSecrets secrets) {
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(secrets, "secrets");
    RecordingId id = metadata.recording().id();
    return locked("create recording " + id, () -> {
      Path metadataFile = resolve(layout.metadataKey(id));
      if (Files.exists(metadataFile)) {
        return Optional.empty();
      }
      if (!metadata.recording().status().isTerminal()) {
        // The index entry first: an unfinished recording is never stored without it.
        writeEmpty(resolve(layout.unfinishedKey(id)));
      }
      // Secrets first: metadata is what makes the recording exist, so it must never exist without its secrets.
      writeAtomically(resolve(layout.secretsKey(id)), RecordingJson.writeSecrets(secrets));
      byte[] document = RecordingJson.writeMetadata(metadata);
      writeAtomically(metadataFile, document);
      return Optional.of(new StoredRecording(metadata, version(document)));
    });
  }

  @Override
  public Optional<StoredRecording> find(RecordingId id) {
    Objects.requireNonNull(id, "id");
    String key = layout.metadataKey(id);
    return io("read recording " + id, () -> readIfExists(resolve(key)))
        .map(document -> new StoredRecording(RecordingJson.readMetadata(document, key, id), version(document)));
  }

  @Override
  public Optional<StoredRecording> update(StoredRecording current, RecordingMetadata next) {
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(next, "next");
    requireSameRecording(current, next);
    RecordingId id = current.recording().id();
    return locked("update recording " + id, () -> {
      Path metadataFile = resolve(layout.metadataKey(id));
      Optional<byte[]> stored = readIfExists(metadataFile);
      if (stored.isEmpty() || !version(stored.get()).equals(current.version())) {
        return Optional.empty();
      }
      boolean wasTerminal = current.recording().status().isTerminal();
      boolean terminal = next.recording().status().isTerminal();
      if (!terminal && current.recording().status() != next.recording().status()) {
        // Every move to another unfinished status (re)writes the entry: a recording an older version stored
        // without one is indexed by its next change.
        writeEmpty(resolve(layout.unfinishedKey(id)));
      }
      byte[] document = RecordingJson.writeMetadata(next);
      writeAtomically(metadataFile, document);
      if (terminal && !wasTerminal) {
        unindexQuietly(id);
      }
      return Optional.of(new StoredRecording(next, version(document)));
    });
  }

  /**
   * Walks the index directory (it holds only what is in progress, so it stays small) and returns the page after the
   * token's key.
   */
  @Override
  public UnfinishedPage listUnfinished(@Nullable String pageToken) {
    String startAfter = pageToken == null ? null : layout.keyOfUnfinishedPageToken(pageToken);
    return io("list the index of unfinished recordings", () -> {
      // One entry more than a page holds tells whether there is a next page.
      LinkedHashMap<String, Path> entries = keysAfter(layout.unfinishedPrefix(), startAfter,
          UnfinishedPage.MAX_ENTRIES + 1, key -> layout.recordingIdOfUnfinishedKey(key) != null);
      List<UnfinishedRecording> page = new ArrayList<>();
      for (Map.Entry<String, Path> entry : entries.entrySet()) {
        if (page.size() == UnfinishedPage.MAX_ENTRIES) {
          String lastKey = layout.unfinishedKey(page.get(page.size() - 1).id());
          return new UnfinishedPage(page, StorageLayout.pageToken(lastKey));
        }
        try {
          page.add(new UnfinishedRecording(Objects.requireNonNull(layout.recordingIdOfUnfinishedKey(entry.getKey())),
              Files.getLastModifiedTime(entry.getValue()).toInstant()));
        } catch (NoSuchFileException e) {
          // removed while we listed
        }
      }
      return new UnfinishedPage(page, null);
    });
  }

  /** Under the write lock, so no create or update runs between the check and the removal. */
  @Override
  public boolean removeUnfinished(RecordingId id) {
    Objects.requireNonNull(id, "id");
    return locked("remove recording " + id + " from the index of unfinished recordings", () -> {
      String key = layout.metadataKey(id);
      try {
        Optional<byte[]> document = readIfExists(resolve(key));
        if (document.isPresent()
            && !RecordingJson.readMetadata(document.get(), key, id).recording().status().isTerminal()) {
          return false;
        }
      } catch (CorruptRecordingException e) {
        return false; // unknown status: kept, so it cannot leave the index by mistake
      }
      Path entry = resolve(layout.unfinishedKey(id));
      Files.deleteIfExists(entry);
      deleteEmptyParents(entry);
      return true;
    });
  }

  /** Looks for the file until it exists, which is then remembered: an index once built stays built. */
  @Override
  public boolean unfinishedIndexBuilt() {
    if (!indexBuilt) {
      indexBuilt = Files.exists(resolve(layout.unfinishedIndexBuiltKey()));
    }
    return indexBuilt;
  }

  @Override
  public int rebuildUnfinishedIndex() {
    // One walk of the tree: the paged listing walks it again for every page.
    Consumer<Consumer<Recording>> everyRecording = visitor -> {
      for (String key : io("list recordings",
          () -> metadataKeysAfter(layout.metadataPrefix(), null, Integer.MAX_VALUE))) {
        readForListing(key, Objects.requireNonNull(layout.recordingIdOfMetadataKey(key))).ifPresent(visitor);
      }
    };
    int added = UnfinishedIndexRebuild.rebuild(this, everyRecording,
        id -> locked("index recording " + id, () -> {
          writeEmpty(resolve(layout.unfinishedKey(id)));
          return null;
        }),
        () -> locked("record that the index of unfinished recordings is built", () -> {
          writeEmpty(resolve(layout.unfinishedIndexBuiltKey()));
          return null;
        }));
    indexBuilt = true;
    return added;
  }

  /**
   * Removes an index entry after its recording finished or was deleted. A failure leaves a stale entry, which the
   * reconciler drops later; it must not fail the write that already happened.
   */
  private void unindexQuietly(RecordingId id) {
    Path entry = resolve(layout.unfinishedKey(id));
    try {
      Files.deleteIfExists(entry);
      deleteEmptyParents(entry);
    } catch (IOException e) {
      LOG.warn("Could not remove a finished recording from the index of unfinished recordings: recordingId={} "
          + "error={}", id, e.toString());
    }
  }

  @Override
  public RecordingPage list(RecordingQuery query) {
    Objects.requireNonNull(query, "query");
    String listPrefix = query.roomId() == null ? layout.metadataPrefix() : layout.metadataPrefix(query.roomId());
    String startAfter = query.pageToken() == null ? null : layout.keyOfPageToken(query.pageToken(), listPrefix);
    // One key more than a page may scan tells whether there is a next page.
    List<String> keys = io("list recordings",
        () -> metadataKeysAfter(listPrefix, startAfter, MAX_KEYS_SCANNED_PER_PAGE + 1));

    List<Recording> recordings = new ArrayList<>();
    String lastKey = null;
    int scanned = 0;
    for (String key : keys) {
      if (recordings.size() == query.maxItems() || scanned == MAX_KEYS_SCANNED_PER_PAGE) {
        return new RecordingPage(recordings, StorageLayout.pageToken(Objects.requireNonNull(lastKey)));
      }
      lastKey = key;
      scanned++;
      RecordingId id = Objects.requireNonNull(layout.recordingIdOfMetadataKey(key));
      Optional<Recording> recording = readForListing(key, id);
      if (recording.isPresent() && (query.status() == null || recording.get().status() == query.status())) {
        recordings.add(recording.get());
      }
    }
    return new RecordingPage(recordings, null);
  }

  @Override
  public Optional<RecordingSecrets> secrets(RecordingId id) {
    Objects.requireNonNull(id, "id");
    String key = layout.secretsKey(id);
    return io("read the secrets of recording " + id, () -> readIfExists(resolve(key)))
        .map(document -> RecordingJson.readSecrets(document, key));
  }

  @Override
  public boolean delete(RecordingId id) {
    Objects.requireNonNull(id, "id");
    return locked("delete recording " + id, () -> {
      Path metadataFile = resolve(layout.metadataKey(id));
      Path secretsFile = resolve(layout.secretsKey(id));
      boolean existed = Files.exists(metadataFile);
      if (existed) {
        // Before the metadata goes: whoever then finds it gone finds the tombstone.
        Path tombstone = resolve(layout.tombstoneKey(id));
        writeEmpty(tombstone);
      }
      // Metadata last: if this fails half-way, the recording is still listed and a retry finishes the job.
      Files.deleteIfExists(resolve(layout.mediaKey(id)));
      Files.deleteIfExists(secretsFile);
      Files.deleteIfExists(metadataFile);
      deleteEmptyParents(metadataFile);
      deleteEmptyParents(secretsFile);
      unindexQuietly(id);
      return existed;
    });
  }

  @Override
  public Map<RecordingId, @Nullable String> deleteAll(Collection<RecordingId> ids) {
    Objects.requireNonNull(ids, "ids");
    Map<RecordingId, @Nullable String> results = new LinkedHashMap<>();
    for (RecordingId id : new LinkedHashSet<>(ids)) {
      try {
        results.put(id, delete(id) ? null : "not found");
      } catch (StorageException e) {
        results.put(id, e.getMessage());
      }
    }
    return Collections.unmodifiableMap(results);
  }

  /** The tombstone file's modification time: when the recording was deleted. */
  @Override
  public Optional<Instant> deletedAt(RecordingId id) {
    Objects.requireNonNull(id, "id");
    Path tombstone = resolve(layout.tombstoneKey(id));
    return io("read the tombstone of recording " + id, () -> {
      try {
        return Optional.of(Files.getLastModifiedTime(tombstone).toInstant());
      } catch (NoSuchFileException e) {
        return Optional.empty();
      }
    });
  }

  @Override
  public Optional<Long> mediaSize(RecordingId id) {
    Objects.requireNonNull(id, "id");
    Path media = resolve(layout.mediaKey(id));
    return io("read the media size of recording " + id, () -> {
      try {
        BasicFileAttributes attributes = Files.readAttributes(media, BasicFileAttributes.class);
        return attributes.isRegularFile() ? Optional.of(attributes.size()) : Optional.empty();
      } catch (NoSuchFileException e) {
        return Optional.empty();
      }
    });
  }

  @Override
  public Optional<MediaContent> openMedia(RecordingId id, @Nullable ByteRange range) {
    Objects.requireNonNull(id, "id");
    Path media = resolve(layout.mediaKey(id));
    FileChannel channel;
    try {
      channel = FileChannel.open(media, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw failure("open the media of recording " + id, e);
    }
    boolean handedOver = false;
    try {
      long size = channel.size();
      long first;
      long last;
      if (range == null) {
        first = 0;
        last = size - 1;
      } else {
        long[] resolved = range.resolve(size).orElseThrow(() -> new RangeNotSatisfiableException(size));
        first = resolved[0];
        last = resolved[1];
      }
      channel.position(first);
      InputStream stream = ByteStreams.limit(Channels.newInputStream(channel), last - first + 1);
      MediaContent content = new MediaContent(stream, first, last, size);
      handedOver = true;
      return Optional.of(content);
    } catch (IOException e) {
      throw failure("open the media of recording " + id, e);
    } finally {
      if (!handedOver) {
        closeQuietly(channel);
      }
    }
  }

  /** The layout's media path: the egress writes it under its own output directory, which must be this directory. */
  @Override
  public MediaTarget mediaTarget(String roomId, String uid) {
    return new MediaTarget(layout.mediaPathWithoutExtension(roomId, uid), null);
  }

  /** Takes and releases the write lock: the directory exists, is writable and lockable. */
  @Override
  public void check() {
    locked("check the directory", () -> {
      if (!Files.isWritable(lockFile.getParent())) {
        throw new IOException(lockFile.getParent() + " is not writable");
      }
      return null;
    });
  }

  @Override
  public String toString() {
    return "LocalRecordingStorage[" + baseDirectory + ", prefix=" + layout.prefix() + "]";
  }

  // --- locking and files

  /** An action on files; its {@link IOException} becomes a {@link StorageException}. */
  @FunctionalInterface
  private interface IoAction<T> {
    T run() throws IOException;
  }

  private <T> T locked(String what, IoAction<T> action) {
    jvmLock.lock();
    // Closing any channel on the lock file releases this process's lock on it: only this thread, holding the JVM
    // lock, opens it now.
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      FileLock lock = channel.lock();
      try {
        return action.run();
      } finally {
        lock.release();
      }
    } catch (IOException e) {
      throw failure(what, e);
    } finally {
      jvmLock.unlock();
    }
  }

  private <T> T io(String what, IoAction<T> action) {
    try {
      return action.run();
    } catch (IOException e) {
      throw failure(what, e);
    }
  }

  private StorageException failure(String what, IOException e) {
    return new StorageException("Local recording storage in " + baseDirectory + ": could not " + what + ": " + e, e);
  }

  /** The file of a key. Keys come from validated ids only; the check is a second line of defence. */
  private Path resolve(String key) {
    Path path = baseDirectory.resolve(key).normalize();
    if (!path.startsWith(baseDirectory)) {
      throw new IllegalArgumentException("key escapes the storage directory: " + key);
    }
    return path;
  }

  private static Optional<byte[]> readIfExists(Path file) throws IOException {
    // A document is replaced by renaming, never rewritten in place: an open file keeps its size.
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size > RecordingJson.MAX_DOCUMENT_BYTES) {
        throw new CorruptRecordingException("corrupt recording document " + file + ": " + size + " bytes, more than "
            + RecordingJson.MAX_DOCUMENT_BYTES);
      }
      return Optional.of(Channels.newInputStream(channel).readNBytes((int) size));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /**
   * Creates the file's directory when it is missing. {@link Files#createDirectories} alone tries to create the
   * directory first and pays for an exception when it exists, which is nearly always here.
   */
  private static void ensureDirectory(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      Files.createDirectories(directory);
    }
  }

  /**
   * Writes an empty marker (an index entry, a tombstone): its content cannot be half-written, so it needs no temporary
   * file and rename, and its time is the write's.
   */
  private static void writeEmpty(Path target) throws IOException {
    ensureDirectory(target.getParent());
    Files.write(target, new byte[0]);
  }

  private static void writeAtomically(Path target, byte[] content) throws IOException {
    ensureDirectory(target.getParent());
    Path temporary = target.resolveSibling(target.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        // Durable before it becomes visible: a webhook is only acknowledged once its effect survives a crash.
        channel.force(true);
      }
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /**
   * Removes the egress and room directories of a deleted document ({@code {roomId}/{egressId}/{uid}.json}) when
   * they are now empty, so deleted recordings leave nothing behind. Callers hold the write lock, so no create is
   * filling them meanwhile.
   */
  private static void deleteEmptyParents(Path document) {
    Path dir = document.getParent();
    for (int level = 0; level < 2 && dir != null; level++, dir = dir.getParent()) {
      try {
        Files.delete(dir);
      } catch (DirectoryNotEmptyException | NoSuchFileException e) {
        return;
      } catch (IOException e) {
        LOG.debug("Could not remove empty directory {}: {}", dir, e.toString());
        return;
      }
    }
  }

  private static String version(byte[] document) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(document);
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  private static void requireSameRecording(StoredRecording current, RecordingMetadata next) {
    if (!current.recording().recordingId().equals(next.recording().recordingId())) {
      throw new IllegalArgumentException("an update must keep the recording id: " + current.recording().recordingId()
          + " cannot become " + next.recording().recordingId());
    }
  }

  // --- listing

  /** The first {@code limit} metadata keys under {@code listPrefix} after {@code startAfter}, in key order. */
  private List<String> metadataKeysAfter(String listPrefix, @Nullable String startAfter, int limit)
      throws IOException {
    return new ArrayList<>(
        keysAfter(listPrefix, startAfter, limit, key -> layout.recordingIdOfMetadataKey(key) != null).keySet());
  }

  /**
   * The first {@code limit} keys of regular files under {@code listPrefix} after {@code startAfter} that
   * {@code wanted} accepts, in key (bucket) order, with their files.
   *
   * <p>Hand-written because the order must be a bucket's (whole keys compared, so {@code a-b/...} comes before
   * {@code a/...}), which no directory walk of the JDK gives: each directory's entries are visited sorted by the key
   * they start (a directory's name with its {@code /}), which is exactly the order of the keys below them; subtrees
   * whose keys all come before {@code startAfter} are skipped, and the walk stops at {@code limit}. A page costs what
   * it reads, not a walk of the whole tree.
   */
  private LinkedHashMap<String, Path> keysAfter(String listPrefix, @Nullable String startAfter, int limit,
      Predicate<String> wanted) throws IOException {
    LinkedHashMap<String, Path> keys = new LinkedHashMap<>();
    Path root = resolve(listPrefix);
    if (Files.isDirectory(root)) {
      collectKeys(root, listPrefix, startAfter, limit, wanted, keys);
    }
    return keys;
  }

  private void collectKeys(Path directory, String directoryKey, @Nullable String startAfter, int limit,
      Predicate<String> wanted, LinkedHashMap<String, Path> keys) throws IOException {
    SortedMap<String, Path> children = new TreeMap<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      for (Path child : entries) {
        String name = child.getFileName().toString();
        boolean isDirectory = Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS);
        children.put(directoryKey + name + (isDirectory ? "/" : ""), child);
      }
    } catch (NoSuchFileException e) {
      return; // deleted while we walked
    }
    for (Map.Entry<String, Path> child : children.entrySet()) {
      if (keys.size() >= limit) {
        return;
      }
      String key = child.getKey();
      if (key.endsWith("/")) {
        // Every key below starts with this one: all come before startAfter unless startAfter lies inside it.
        if (startAfter == null || key.compareTo(startAfter) > 0 || startAfter.startsWith(key)) {
          collectKeys(child.getValue(), key, startAfter, limit, wanted, keys);
        }
      } else if ((startAfter == null || key.compareTo(startAfter) > 0) && wanted.test(key)
          && Files.isRegularFile(child.getValue(), LinkOption.NOFOLLOW_LINKS)) {
        keys.put(key, child.getValue());
      }
    }
  }

  private Optional<Recording> readForListing(String key, RecordingId id) {
    try {
      return io("read recording " + id, () -> readIfExists(resolve(key)))
          .map(document -> RecordingJson.readMetadata(document, key, id).recording());
    } catch (CorruptRecordingException e) {
      // One broken document must not make every listing fail (a failing disk does); the operator learns about it.
      LOG.warn("Skipping unreadable recording metadata: recordingId={} error={}", id, e.getMessage());
      return Optional.empty();
    }
  }


  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("Could not close a media file: {}", e.toString());
    }
  }
}
