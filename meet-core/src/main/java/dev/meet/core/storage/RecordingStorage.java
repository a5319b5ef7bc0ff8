package dev.meet.core.storage;

import dev.meet.core.RecordingId;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where recordings live: metadata, access secrets and media, under the fixed layout of {@link StorageLayout}.
 *
 * <p>Concurrent writers (several instances handling webhooks) never lose an update: creation is conditional (only if
 * absent) and updates name the version they read (compare-and-set); the caller re-reads and retries on a conflict.
 * Expected outcomes are return values; an unreachable or failing store is a {@link StorageException}. Thread-safe.
 * Every implementation passes {@code AbstractRecordingStorageContractTest} (meet-core's test-jar).
 */
public interface RecordingStorage {

  /**
   * Stores a new recording's metadata and secrets, only if no metadata exists for its id.
   *
   * @return the stored state, or empty when the recording already exists (nothing changed)
   */
  Optional<StoredRecording> create(RecordingMetadata metadata, RecordingSecrets secrets);

  /** The recording's stored state, if it exists. */
  Optional<StoredRecording> find(RecordingId id);

  /**
   * Replaces the metadata if it is still at {@code current.version()}.
   *
   * @return the new state, or empty when someone else changed it since (re-read and decide again) or it is gone
   */
  Optional<StoredRecording> update(StoredRecording current, RecordingMetadata next);

  /**
   * One page of recordings, in key order.
   *
   * @throws InvalidPageTokenException when the token was not issued by this storage for this query's room
   */
  RecordingPage list(RecordingQuery query);

  /** The recording's secrets, if it exists. */
  Optional<RecordingSecrets> secrets(RecordingId id);

  /**
   * Deletes the recording's metadata, secrets and media (whichever exist), leaving a tombstone first (see
   * {@link #deletedAt(RecordingId)}).
   *
   * @return false when there was no metadata (nothing to delete)
   */
  boolean delete(RecordingId id);

  /**
   * When the recording was deleted, if its tombstone remains. {@link #delete} and {@link #deleteAll} write the
   * tombstone before they remove the metadata, so a writer that finds the metadata gone also finds the tombstone: a
   * late or redelivered egress update can then be told apart from a recording not stored yet, and a deleted recording
   * never comes back. The time is the store's own (an object's last-modified time), never an instance clock.
   *
   * <p>The default is for providers without tombstones: nothing is ever known deleted.
   */
  default Optional<Instant> deletedAt(RecordingId id) {
    return Optional.empty();
  }

  /**
   * Deletes many recordings in batches (S3: at most 1000 keys per request, each key's error checked).
   *
   * @return per id: null when deleted, else why it was not (e.g. "not found", or the store's error)
   */
  Map<RecordingId, @Nullable String> deleteAll(Collection<RecordingId> ids);

  /**
   * One page of the index of unfinished recordings, in key order, at most {@value UnfinishedPage#MAX_ENTRIES} entries.
   *
   * <p>The index holds every stored recording whose status is not terminal: {@link #create} writes the entry before
   * the metadata (and an {@link #update} to another unfinished status writes it again), an update to a terminal
   * status and {@link #delete} remove it after the metadata changed. So a walk of the index finds every unfinished
   * recording, and may find entries of recordings that finished, were deleted or were never stored (a failure between
   * the two writes); whoever finds one drops it with {@link #removeUnfinished}. Costs one listing request per page,
   * whatever the number of finished recordings.
   *
   * <p>Recordings stored before the index existed (by an older version, or while the index was lost) are in it once
   * they change to another unfinished status, or after {@link #rebuildUnfinishedIndex}; {@link #unfinishedIndexBuilt}
   * tells whether a rebuild happened.
   *
   * @param pageToken null for the first page, else the previous page's {@code nextPageToken}
   * @throws InvalidPageTokenException when the token was not issued by this method
   */
  UnfinishedPage listUnfinished(@Nullable String pageToken);

  /**
   * Drops the recording's entry from the index unless the recording is stored unfinished (or its metadata cannot be
   * read): for entries of recordings that finished, were deleted, or were never stored. Safe against a concurrent
   * {@link #create} or {@link #update} of the same recording: it never leaves an unfinished recording out of the
   * index.
   *
   * @return true when the entry is gone (or was absent), false when it was kept
   */
  boolean removeUnfinished(RecordingId id);

  /** Whether {@link #rebuildUnfinishedIndex} ever completed on this storage (one small read). */
  boolean unfinishedIndexBuilt();

  /**
   * Rebuilds the index from the recordings themselves: reads every stored recording (one listing per page and one read
   * per recording on S3) and indexes each unfinished one that is not yet, then records that the index is built. Meant
   * to run once (the reconciler's first run on a storage without the index does it), or after an operator restored
   * metadata from a backup. Safe while other instances write: an entry it adds for a recording that finished meanwhile
   * is stale, and dropped by the next reconciler run.
   *
   * @return how many entries it added
   */
  int rebuildUnfinishedIndex();

  /** The media's size in bytes, if the media exists. */
  Optional<Long> mediaSize(RecordingId id);

  /**
   * Opens a byte range of the media for streaming.
   *
   * @param range null for the whole file
   * @return empty when the media does not exist
   * @throws RangeNotSatisfiableException when the range lies outside the media
   */
  Optional<MediaContent> openMedia(RecordingId id, @Nullable ByteRange range);

  /**
   * Where the egress must write the media of a recording of {@code roomId} with this uid (asked before the egress
   * exists, so before the recording has its full id).
   */
  MediaTarget mediaTarget(String roomId, String uid);

  /** Checks that the store is reachable (health checks); throws {@link StorageException} when it is not. */
  void check();
}
