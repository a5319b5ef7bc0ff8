package dev.meet.core.storage.s3;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
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
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Recordings in an S3 bucket (AWS S3 or a compatible server), under {@link StorageLayout}'s keys.
 *
 * <p>Several instances share the bucket without losing updates: creation is a PUT with {@code If-None-Match: *} and
 * an update a PUT with {@code If-Match: <etag read>}; S3 refuses either with {@code 412} (or {@code 409} when two
 * conditional writes race) and the caller re-reads. The version of a stored recording is its ETag.
 *
 * <p>Every failure of the SDK (unreachable endpoint, timeout, access denied, missing bucket) is a
 * {@link StorageException} naming the bucket, with the SDK's exception as its cause; only the answers that are
 * expected outcomes (404 for a missing object, 412/409 for a lost race) are values. Timeouts and retries are the
 * {@link S3Client}'s: configure them where it is built.
 *
 * <p>The client is the caller's and stays open: close it where it was built.
 */
public final class S3RecordingStorage implements RecordingStorage {

  private static final Logger LOG = LoggerFactory.getLogger(S3RecordingStorage.class);

  /** S3's limit of keys per DeleteObjects request. */
  static final int MAX_KEYS_PER_DELETE = 1000;

  /** What the listing cache may hold, counted in the bytes of the documents it was read from (about 1 KB each). */
  static final long LISTING_CACHE_BYTES = 16L * 1024 * 1024;

  /** At most this many keys are examined per page, so a sparse status filter cannot make one page read the bucket. */
  static final int MAX_KEYS_SCANNED_PER_PAGE = 1000;

  private static final String JSON = "application/json";
  private static final String NOT_FOUND = "not found";

  private final S3Client s3;
  private final String bucket;
  private final StorageLayout layout;
  private volatile boolean indexBuilt;
  /**
   * Recordings read by listings, by key: a listing shows each object's ETag, so an unchanged recording costs no GET
   * the next time (a listing of N recordings is one LIST, plus one GET per recording changed since). Bounded; an entry
   * is only used when the ETag matches, so a stale entry costs a GET, never a wrong answer.
   */
  private final Cache<String, ListedRecording> listed = CacheBuilder.newBuilder()
      .maximumWeight(LISTING_CACHE_BYTES)
      .weigher((String key, ListedRecording value) -> value.size())
      .build();
  private final MediaTarget.@Nullable S3Upload egressUpload;

  /**
   * Recordings in a bucket that the egress writes to with its own storage configuration (LiveKit egress's
   * {@code storage.s3} settings pointed at the same bucket), as OpenVidu Meet does: no credential of ours travels to
   * LiveKit. This is the recommended setup.
   *
   * @param s3 the client, with its endpoint, credentials, timeouts and retries
   * @param bucket the bucket, which must exist
   * @param layout the keys (prefix) to use
   */
  public S3RecordingStorage(S3Client s3, String bucket, StorageLayout layout) {
    this(s3, bucket, layout, null);
  }

  /**
   * Like {@link #S3RecordingStorage(S3Client, String, StorageLayout)}, optionally sending S3 upload settings in every
   * egress request instead.
   *
   * <p><b>Risk:</b> with {@code egressUpload} set, these credentials (access key and secret) are part of every
   * StartRoomCompositeEgress request and of the egress info LiveKit keeps, lists and sends in webhooks. When LiveKit
   * is a hosted service run by someone else, they hand that party write access to the bucket. Opt in only when you
   * run LiveKit yourself, and then give these credentials write access to the recordings prefix only.
   *
   * @param egressUpload the upload settings to pass in egress requests, or null (the default) when the egress has its
   *     own storage configuration that writes to this bucket
   */
  public S3RecordingStorage(S3Client s3, String bucket, StorageLayout layout,
      MediaTarget.@Nullable S3Upload egressUpload) {
    this.s3 = Objects.requireNonNull(s3, "s3");
    this.bucket = Objects.requireNonNull(bucket, "bucket");
    this.layout = Objects.requireNonNull(layout, "layout");
    this.egressUpload = egressUpload;
    if (bucket.isBlank()) {
      throw new IllegalArgumentException("bucket must not be blank");
    }
  }

  /** The bucket this storage reads and writes. */
  public String bucket() {
    return bucket;
  }

  /**
   * Writes the secrets, then the metadata, each only if absent. Secrets go first because the metadata is what makes
   * the recording exist: a failure between the two leaves stray secrets (replaced by the next create) rather than a
   * recording without secrets. Secrets that were already there belong either to the existing recording (whose
   * metadata PUT is then refused, so they are kept) or to an earlier create that failed half-way (overwritten once
   * this create has won).
   */
  @Override
  public Optional<StoredRecording> create(RecordingMetadata metadata, RecordingSecrets secrets) {
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(secrets, "secrets");
    RecordingId id = metadata.recording().id();
    String what = "create recording " + id;
    if (!metadata.recording().status().isTerminal()) {
      // The index entry first: an unfinished recording is never stored without it.
      putIndexEntry(id, what);
    }
    byte[] secretsDocument = RecordingJson.writeSecrets(secrets);
    boolean secretsWritten = putIfAbsent(layout.secretsKey(id), secretsDocument, what).isPresent();
    byte[] document = RecordingJson.writeMetadata(metadata);
    Optional<String> etag = putIfAbsent(layout.metadataKey(id), document, what);
    if (etag.isEmpty()) {
      return Optional.empty();
    }
    if (!metadata.recording().status().isTerminal()) {
      // Again after the metadata: a removeUnfinished that ran between the first entry and the metadata (it saw no
      // metadata) cannot leave this recording out of the index.
      putIndexEntryQuietly(id);
    }
    if (!secretsWritten) {
      call(what, () -> s3.putObject(b -> b.bucket(bucket).key(layout.secretsKey(id)).contentType(JSON),
          RequestBody.fromBytes(secretsDocument)));
    }
    return Optional.of(new StoredRecording(metadata, etag.get()));
  }

  @Override
  public Optional<StoredRecording> find(RecordingId id) {
    Objects.requireNonNull(id, "id");
    String key = layout.metadataKey(id);
    return getDocument(key, "read recording " + id)
        .map(document -> new StoredRecording(RecordingJson.readMetadata(document.bytes(), key, id), document.etag()));
  }

  @Override
  public Optional<StoredRecording> update(StoredRecording current, RecordingMetadata next) {
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(next, "next");
    if (!current.recording().recordingId().equals(next.recording().recordingId())) {
      throw new IllegalArgumentException("an update must keep the recording id: " + current.recording().recordingId()
          + " cannot become " + next.recording().recordingId());
    }
    RecordingId id = current.recording().id();
    boolean wasTerminal = current.recording().status().isTerminal();
    boolean terminal = next.recording().status().isTerminal();
    if (!terminal && current.recording().status() != next.recording().status()) {
      // Every move to another unfinished status (re)writes the entry: a recording an older version stored without one
      // is indexed by its next change.
      putIndexEntry(id, "update recording " + id);
    }
    byte[] document = RecordingJson.writeMetadata(next);
    try {
      PutObjectResponse response = s3.putObject(
          b -> b.bucket(bucket).key(layout.metadataKey(id)).ifMatch(current.version()).contentType(JSON),
          RequestBody.fromBytes(document));
      if (terminal && !wasTerminal) {
        unindexQuietly(List.of(id));
      } else if (!terminal && current.recording().status() != next.recording().status()) {
        putIndexEntryQuietly(id); // again after the metadata, as create does
      }
      return Optional.of(new StoredRecording(next, response.eTag()));
    } catch (S3Exception e) {
      if (isLostRace(e) || isMissingKey(e)) {
        return Optional.empty();
      }
      throw failure("update recording " + id, e);
    } catch (SdkException e) {
      throw failure("update recording " + id, e);
    }
  }

  /**
   * Lists the metadata keys from the token's key on and reads each recording (one GET per key examined). The token is
   * the last key examined; a page stops at {@code maxItems} recordings or after {@value #MAX_KEYS_SCANNED_PER_PAGE}
   * keys, so with a status filter a page may hold fewer recordings and still have a next page.
   */
  @Override
  public RecordingPage list(RecordingQuery query) {
    Objects.requireNonNull(query, "query");
    String listPrefix = query.roomId() == null ? layout.metadataPrefix() : layout.metadataPrefix(query.roomId());
    String startAfter = query.pageToken() == null ? null : layout.keyOfPageToken(query.pageToken(), listPrefix);
    // Without a filter one more key than needed tells whether there is a next page; with one, fewer requests.
    int pageSize = query.status() == null ? query.maxItems() + 1 : MAX_KEYS_SCANNED_PER_PAGE;

    List<Recording> recordings = new ArrayList<>();
    String lastKey = null;
    int scanned = 0;
    String continuation = null;
    do {
      String token = continuation;
      ListObjectsV2Response listing = call("list recordings", () -> s3.listObjectsV2(b -> {
        b.bucket(bucket).prefix(listPrefix).maxKeys(pageSize);
        if (token != null) {
          b.continuationToken(token);
        } else if (startAfter != null) {
          b.startAfter(startAfter);
        }
      }));
      for (S3Object object : listing.contents()) {
        if (recordings.size() == query.maxItems() || scanned == MAX_KEYS_SCANNED_PER_PAGE) {
          return new RecordingPage(recordings, StorageLayout.pageToken(Objects.requireNonNull(lastKey)));
        }
        lastKey = object.key();
        scanned++;
        RecordingId id = layout.recordingIdOfMetadataKey(object.key());
        if (id == null) {
          continue; // a foreign object under the prefix: skipped, never trusted
        }
        Optional<Recording> recording = readForListing(object.key(), id, object.eTag());
        if (recording.isPresent() && (query.status() == null || recording.get().status() == query.status())) {
          recordings.add(recording.get());
        }
      }
      continuation = Boolean.TRUE.equals(listing.isTruncated()) ? listing.nextContinuationToken() : null;
      if (continuation != null && recordings.size() == query.maxItems()) {
        return new RecordingPage(recordings, StorageLayout.pageToken(Objects.requireNonNull(lastKey)));
      }
    } while (continuation != null);
    return new RecordingPage(recordings, null);
  }

  @Override
  public Optional<RecordingSecrets> secrets(RecordingId id) {
    Objects.requireNonNull(id, "id");
    String key = layout.secretsKey(id);
    return getDocument(key, "read the secrets of recording " + id)
        .map(document -> RecordingJson.readSecrets(document.bytes(), key));
  }

  /** A HEAD for the answer, then one DeleteObjects of the media, secrets and metadata keys. */
  @Override
  public boolean delete(RecordingId id) {
    Objects.requireNonNull(id, "id");
    String what = "delete recording " + id;
    boolean existed = head(layout.metadataKey(id), what).isPresent();
    if (existed) {
      putTombstone(id, what);
    }
    List<String> keys = List.of(layout.mediaKey(id), layout.secretsKey(id), layout.metadataKey(id));
    Map<String, S3Error> errors = call(what, () -> deleteObjects(keys));
    for (String key : keys) {
      S3Error error = errors.get(key);
      if (error != null) {
        throw new StorageException(describe(error, what));
      }
    }
    unindexQuietly(List.of(id));
    listed.invalidate(layout.metadataKey(id));
    return existed;
  }

  /**
   * Checks which recordings exist (a HEAD of each metadata key), then deletes the media, secrets and metadata keys of
   * every id in DeleteObjects requests of at most {@value #MAX_KEYS_PER_DELETE} keys, reading each key's error from
   * the answer. A key of one recording may land in the next request; its recording counts as deleted only when all
   * three keys are. Stray secrets or media of an id without metadata are deleted too, and the id reported "not
   * found".
   */
  @Override
  public Map<RecordingId, @Nullable String> deleteAll(Collection<RecordingId> ids) {
    Objects.requireNonNull(ids, "ids");
    Map<RecordingId, @Nullable String> results = new LinkedHashMap<>();
    Map<String, RecordingId> owners = new LinkedHashMap<>();
    String unreachable = null;
    for (RecordingId id : new LinkedHashSet<>(ids)) {
      Objects.requireNonNull(id, "ids must not contain null");
      if (unreachable != null) {
        results.put(id, unreachable);
        continue;
      }
      try {
        boolean exists = head(layout.metadataKey(id), "delete recording " + id).isPresent();
        if (exists) {
          putTombstone(id, "delete recording " + id);
        }
        results.put(id, exists ? null : NOT_FOUND);
      } catch (StorageException e) {
        results.put(id, e.getMessage());
        if (e.getCause() instanceof SdkClientException) {
          // S3 cannot be reached: asking again for every other id would only multiply the client's timeouts.
          unreachable = e.getMessage();
        }
        continue;
      }
      // Metadata last, so that if a request fails half-way the recording is still there to delete again.
      owners.put(layout.mediaKey(id), id);
      owners.put(layout.secretsKey(id), id);
      owners.put(layout.metadataKey(id), id);
    }
    List<String> keys = new ArrayList<>(owners.keySet());
    for (int from = 0; from < keys.size(); from += MAX_KEYS_PER_DELETE) {
      List<String> batch = keys.subList(from, Math.min(keys.size(), from + MAX_KEYS_PER_DELETE));
      deleteBatch(batch, owners, results);
    }
    List<RecordingId> deleted = new ArrayList<>();
    results.forEach((id, error) -> {
      if (error == null) {
        deleted.add(id);
        listed.invalidate(layout.metadataKey(id));
      }
    });
    unindexQuietly(deleted);
    return Collections.unmodifiableMap(results);
  }

  private void deleteBatch(List<String> batch, Map<String, RecordingId> owners,
      Map<RecordingId, @Nullable String> results) {
    Map<String, S3Error> errors;
    try {
      errors = deleteObjects(batch);
    } catch (SdkException e) {
      String message = failure("delete recordings", e).getMessage();
      for (String key : batch) {
        reportFirstError(results, owners.get(key), message);
      }
      return;
    }
    for (String key : batch) {
      S3Error error = errors.get(key);
      if (error != null) {
        RecordingId id = owners.get(key);
        reportFirstError(results, id, describe(error, "delete recording " + id));
      }
    }
  }

  /** Keeps what was reported first ("not found", or the first failed key) for a recording. */
  private static void reportFirstError(Map<RecordingId, @Nullable String> results, @Nullable RecordingId id,
      String error) {
    if (id != null && results.get(id) == null) {
      results.put(id, error);
    }
  }

  /** One DeleteObjects request (at most 1000 keys); the keys that failed, with why. */
  private Map<String, S3Error> deleteObjects(List<String> keys) {
    if (keys.size() > MAX_KEYS_PER_DELETE) {
      throw new IllegalArgumentException("S3 deletes at most " + MAX_KEYS_PER_DELETE + " keys per request");
    }
    List<ObjectIdentifier> objects = new ArrayList<>(keys.size());
    for (String key : keys) {
      objects.add(ObjectIdentifier.builder().key(key).build());
    }
    // Quiet: the answer lists only the keys that failed.
    DeleteObjectsResponse response =
        s3.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(objects).quiet(true)));
    Map<String, S3Error> errors = new HashMap<>();
    for (S3Error error : response.errors()) {
      errors.put(error.key(), error);
    }
    return errors;
  }

  private String describe(S3Error error, String what) {
    return "S3 bucket '" + bucket + "': could not " + what + ": " + error.key() + ": " + error.code() + " "
        + error.message();
  }

  /** One listing request of the index's prefix, at most {@value UnfinishedPage#MAX_ENTRIES} keys. */
  @Override
  public UnfinishedPage listUnfinished(@Nullable String pageToken) {
    String startAfter = pageToken == null ? null : layout.keyOfUnfinishedPageToken(pageToken);
    ListObjectsV2Response listing = call("list the index of unfinished recordings", () -> s3.listObjectsV2(b -> {
      b.bucket(bucket).prefix(layout.unfinishedPrefix()).maxKeys(UnfinishedPage.MAX_ENTRIES);
      if (startAfter != null) {
        b.startAfter(startAfter);
      }
    }));
    List<UnfinishedRecording> entries = new ArrayList<>();
    String lastKey = null;
    for (S3Object object : listing.contents()) {
      lastKey = object.key();
      RecordingId id = layout.recordingIdOfUnfinishedKey(object.key());
      if (id != null) { // a foreign object under the prefix: skipped, never trusted
        entries.add(new UnfinishedRecording(id, object.lastModified()));
      }
    }
    boolean more = Boolean.TRUE.equals(listing.isTruncated()) && lastKey != null;
    return new UnfinishedPage(entries, more ? StorageLayout.pageToken(lastKey) : null);
  }

  /**
   * Reads the metadata first and keeps the entry of a recording stored unfinished; otherwise deletes the entry, reads
   * the metadata again and writes the entry back if a create or update made the recording unfinished meanwhile. With
   * {@link #create} and {@link #update} writing their entry both before and after the metadata, every interleaving
   * ends with an unfinished recording indexed: S3 has no condition that spans two keys. A failure after the delete
   * writes the entry back (best effort) before it is reported.
   */
  @Override
  public boolean removeUnfinished(RecordingId id) {
    Objects.requireNonNull(id, "id");
    String what = "remove recording " + id + " from the index of unfinished recordings";
    if (storedUnfinished(id)) {
      return false;
    }
    call(what, () -> s3.deleteObject(b -> b.bucket(bucket).key(layout.unfinishedKey(id))));
    try {
      if (storedUnfinished(id)) {
        putIndexEntry(id, what);
        return false;
      }
    } catch (StorageException e) {
      putIndexEntryQuietly(id);
      throw e;
    }
    return true;
  }

  /** Whether the recording is stored and not terminal; an unreadable document counts as unfinished (kept). */
  private boolean storedUnfinished(RecordingId id) {
    try {
      return find(id).map(stored -> !stored.recording().status().isTerminal()).orElse(false);
    } catch (CorruptRecordingException e) {
      return true;
    }
  }

  @Override
  public boolean unfinishedIndexBuilt() {
    if (!indexBuilt) {
      indexBuilt = head(layout.unfinishedIndexBuiltKey(), "read whether the index of unfinished recordings is built")
          .isPresent();
    }
    return indexBuilt;
  }

  @Override
  public int rebuildUnfinishedIndex() {
    int added = UnfinishedIndexRebuild.rebuild(this, id -> putIndexEntry(id, "index recording " + id),
        () -> call("record that the index of unfinished recordings is built",
            () -> s3.putObject(b -> b.bucket(bucket).key(layout.unfinishedIndexBuiltKey()), RequestBody.empty())));
    indexBuilt = true;
    return added;
  }

  private void putIndexEntryQuietly(RecordingId id) {
    try {
      putIndexEntry(id, "index recording " + id);
    } catch (StorageException e) {
      LOG.warn("Could not write the index entry of a recording again after its metadata: recordingId={} error={}", id,
          e.getMessage());
    }
  }

  private void putIndexEntry(RecordingId id, String what) {
    call(what, () -> s3.putObject(b -> b.bucket(bucket).key(layout.unfinishedKey(id)), RequestBody.empty()));
  }

  /**
   * Removes the index entries of recordings that finished or were deleted, in one DeleteObjects request per thousand.
   * A failure leaves stale entries, which the reconciler drops later; it must not fail the write that already
   * happened.
   */
  private void unindexQuietly(List<RecordingId> ids) {
    for (int from = 0; from < ids.size(); from += MAX_KEYS_PER_DELETE) {
      List<String> keys = new ArrayList<>();
      for (RecordingId id : ids.subList(from, Math.min(ids.size(), from + MAX_KEYS_PER_DELETE))) {
        keys.add(layout.unfinishedKey(id));
      }
      try {
        Map<String, S3Error> errors = Map.of();
        if (keys.size() == 1) {
          s3.deleteObject(b -> b.bucket(bucket).key(keys.get(0))); // one request without DeleteObjects' XML body
        } else {
          errors = deleteObjects(keys);
        }
        if (!errors.isEmpty()) {
          LOG.warn("Could not remove finished recordings from the index of unfinished recordings: bucket={} "
              + "errors={} first={}", bucket, errors.size(), errors.keySet().iterator().next());
        }
      } catch (SdkException e) {
        LOG.warn("Could not remove finished recordings from the index of unfinished recordings: bucket={} error={}",
            bucket, e.getMessage());
      }
    }
  }

  /** The tombstone's last-modified time (S3's clock): when the recording was deleted. */
  @Override
  public Optional<Instant> deletedAt(RecordingId id) {
    Objects.requireNonNull(id, "id");
    return head(layout.tombstoneKey(id), "read the tombstone of recording " + id).map(HeadObjectResponse::lastModified);
  }

  /** Written before the metadata is removed, so whoever finds the metadata gone finds the tombstone. */
  private void putTombstone(RecordingId id, String what) {
    call(what, () -> s3.putObject(b -> b.bucket(bucket).key(layout.tombstoneKey(id)), RequestBody.empty()));
  }

  @Override
  public Optional<Long> mediaSize(RecordingId id) {
    Objects.requireNonNull(id, "id");
    return head(layout.mediaKey(id), "read the media size of recording " + id).map(HeadObjectResponse::contentLength);
  }

  /**
   * A HEAD for the size, then a GET of the range, streamed. The media is written once by the egress and never
   * changed, so the size cannot go stale between the two.
   */
  @Override
  public Optional<MediaContent> openMedia(RecordingId id, @Nullable ByteRange range) {
    Objects.requireNonNull(id, "id");
    String key = layout.mediaKey(id);
    String what = "open the media of recording " + id;
    Optional<HeadObjectResponse> head = head(key, what);
    if (head.isEmpty()) {
      return Optional.empty();
    }
    long size = head.get().contentLength();
    long first = 0;
    long last = size - 1;
    if (range != null) {
      long[] resolved = range.resolve(size).orElseThrow(() -> new RangeNotSatisfiableException(size));
      first = resolved[0];
      last = resolved[1];
    }
    if (size == 0) {
      return Optional.of(new MediaContent(InputStream.nullInputStream(), 0, -1, 0));
    }
    String rangeHeader = "bytes=" + first + "-" + last;
    ResponseInputStream<GetObjectResponse> stream;
    try {
      stream = s3.getObject(b -> b.bucket(bucket).key(key).range(rangeHeader));
    } catch (S3Exception e) {
      if (isMissingKey(e)) {
        return Optional.empty();
      }
      throw failure(what, e);
    } catch (SdkException e) {
      throw failure(what, e);
    }
    long expected = last - first + 1;
    Long length = stream.response().contentLength();
    if (length == null || length != expected) {
      stream.abort();
      throw new StorageException("S3 bucket '" + bucket + "': could not " + what + ": asked for " + expected
          + " bytes (" + rangeHeader + "), the answer has " + length);
    }
    return Optional.of(new MediaContent(new AbortingInputStream(stream, expected), first, last, size));
  }

  @Override
  public MediaTarget mediaTarget(String roomId, String uid) {
    return new MediaTarget(layout.mediaPathWithoutExtension(roomId, uid), egressUpload);
  }

  /** A HEAD of the bucket: reachable, credentials accepted, bucket exists. */
  @Override
  public void check() {
    call("reach the bucket", () -> s3.headBucket(b -> b.bucket(bucket)));
  }

  @Override
  public String toString() {
    return "S3RecordingStorage[bucket=" + bucket + ", prefix=" + layout.prefix() + "]";
  }

  // --- S3 calls

  /** An SDK call; its failures become {@link StorageException}s. */
  @FunctionalInterface
  private interface Call<T> {
    T run();
  }

  private <T> T call(String what, Call<T> call) {
    try {
      return call.run();
    } catch (SdkException e) {
      throw failure(what, e);
    }
  }

  private StorageException failure(String what, SdkException e) {
    return new StorageException("S3 bucket '" + bucket + "': could not " + what + ": " + e.getMessage(), e);
  }

  /** A PUT only if the key is absent: the new ETag, or empty when the key exists (or another PUT is racing us). */
  private Optional<String> putIfAbsent(String key, byte[] document, String what) {
    try {
      PutObjectResponse response = s3.putObject(b -> b.bucket(bucket).key(key).ifNoneMatch("*").contentType(JSON),
          RequestBody.fromBytes(document));
      return Optional.of(response.eTag());
    } catch (S3Exception e) {
      if (isLostRace(e)) {
        return Optional.empty();
      }
      throw failure(what, e);
    } catch (SdkException e) {
      throw failure(what, e);
    }
  }

  private record Document(byte[] bytes, String etag) {}

  private Optional<Document> getDocument(String key, String what) {
    try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key(key))) {
      Long length = in.response().contentLength();
      if (length != null && length > RecordingJson.MAX_DOCUMENT_BYTES) {
        in.abort();
        throw new CorruptRecordingException("S3 bucket '" + bucket + "': corrupt recording document " + key + ": "
            + length + " bytes, more than " + RecordingJson.MAX_DOCUMENT_BYTES);
      }
      return Optional.of(new Document(in.readNBytes(RecordingJson.MAX_DOCUMENT_BYTES + 1), in.response().eTag()));
    } catch (S3Exception e) {
      if (isMissingKey(e)) {
        return Optional.empty();
      }
      throw failure(what, e);
    } catch (SdkException e) {
      throw failure(what, e);
    } catch (IOException e) {
      throw new StorageException("S3 bucket '" + bucket + "': could not " + what + ": " + e, e);
    }
  }

  private Optional<HeadObjectResponse> head(String key, String what) {
    try {
      return Optional.of(s3.headObject(b -> b.bucket(bucket).key(key)));
    } catch (S3Exception e) {
      if (isMissingKey(e)) {
        return Optional.empty();
      }
      throw failure(what, e);
    } catch (SdkException e) {
      throw failure(what, e);
    }
  }

  /** 404 for the key, not for the bucket: a missing bucket is a misconfiguration, never "no such recording". */
  private static boolean isMissingKey(S3Exception e) {
    return e.statusCode() == 404 && !"NoSuchBucket".equals(errorCode(e));
  }

  /**
   * 412: the condition failed (the key exists, or its ETag changed). 409 ConditionalRequestConflict: another
   * conditional write to the key was in flight; either way someone else wrote first.
   */
  private static boolean isLostRace(S3Exception e) {
    return e.statusCode() == 412 || (e.statusCode() == 409 && "ConditionalRequestConflict".equals(errorCode(e)));
  }

  private static @Nullable String errorCode(S3Exception e) {
    return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
  }

  // --- listing

  /**
   * The recording a listed key holds: from the listing cache when the listing shows the ETag it was read with (an
   * object is only ever replaced whole, so the same ETag is the same document), else one GET.
   */
  private Optional<Recording> readForListing(String key, RecordingId id, @Nullable String listedEtag) {
    ListedRecording cached = listed.getIfPresent(key);
    if (cached != null && listedEtag != null && sameEtag(cached.etag(), listedEtag)) {
      return Optional.of(cached.recording());
    }
    try {
      Optional<Document> document = getDocument(key, "read recording " + id);
      if (document.isEmpty()) {
        listed.invalidate(key);
        return Optional.empty();
      }
      Recording recording = RecordingJson.readMetadata(document.get().bytes(), key, id).recording();
      if (document.get().etag() != null) {
        listed.put(key, new ListedRecording(document.get().etag(), recording, document.get().bytes().length));
      }
      return Optional.of(recording);
    } catch (CorruptRecordingException e) {
      // One broken document must not make every listing fail (an S3 failure does: the rest would fail too); the
      // operator learns about it here.
      LOG.warn("Skipping unreadable recording metadata: bucket={} recordingId={} error={}", bucket, id,
          e.getMessage());
      return Optional.empty();
    }
  }

  /** ETags compared as S3 means them: quotes and a weak prefix are presentation, not identity. */
  private static boolean sameEtag(String a, String b) {
    return bareEtag(a).equals(bareEtag(b));
  }

  private static String bareEtag(String etag) {
    String bare = etag.startsWith("W/") ? etag.substring(2) : etag;
    return bare.length() >= 2 && bare.startsWith("\"") && bare.endsWith("\"") ? bare.substring(1, bare.length() - 1)
        : bare;
  }

  /** A recording as a listing read it, with the ETag and the size of the document it was read from. */
  private record ListedRecording(String etag, Recording recording, int size) {}


  /**
   * Aborts the HTTP connection when closed before the end: closing the SDK's stream normally reads the rest of the
   * body to reuse the connection, which for a client that stops watching a long recording means downloading it all.
   */
  private static final class AbortingInputStream extends FilterInputStream {

    private final ResponseInputStream<?> response;
    private long remaining;

    AbortingInputStream(ResponseInputStream<?> response, long length) {
      super(response);
      this.response = response;
      this.remaining = length;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      remaining = b < 0 ? 0 : remaining - 1;
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      remaining = n < 0 ? 0 : remaining - n;
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(n);
      remaining -= skipped;
      return skipped;
    }

    @Override
    public void close() throws IOException {
      if (remaining > 0) {
        response.abort();
      }
      super.close();
    }
  }
}
