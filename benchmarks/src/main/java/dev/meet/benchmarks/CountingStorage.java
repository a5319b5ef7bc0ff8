package dev.meet.benchmarks;

import dev.meet.core.RecordingId;
import dev.meet.core.storage.ByteRange;
import dev.meet.core.storage.MediaContent;
import dev.meet.core.storage.MediaTarget;
import dev.meet.core.storage.RecordingMetadata;
import dev.meet.core.storage.RecordingPage;
import dev.meet.core.storage.RecordingQuery;
import dev.meet.core.storage.RecordingSecrets;
import dev.meet.core.storage.RecordingStorage;
import dev.meet.core.storage.StoredRecording;
import dev.meet.core.storage.UnfinishedPage;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A storage that counts the calls the engine makes on it and passes them on: how a benchmark sees the storage
 * requests of a collector run without a hook in the engine. ({@link BenchS3} counts the HTTP requests of S3 itself.)
 */
final class CountingStorage implements RecordingStorage {

  private final RecordingStorage delegate;
  private final AtomicLong calls = new AtomicLong();

  CountingStorage(RecordingStorage delegate) {
    this.delegate = delegate;
  }

  long calls() {
    return calls.get();
  }

  @Override
  public Optional<StoredRecording> create(RecordingMetadata metadata, RecordingSecrets secrets) {
    calls.incrementAndGet();
    return delegate.create(metadata, secrets);
  }

  @Override
  public Optional<StoredRecording> find(RecordingId id) {
    calls.incrementAndGet();
    return delegate.find(id);
  }

  @Override
  public Optional<StoredRecording> update(StoredRecording current, RecordingMetadata next) {
    calls.incrementAndGet();
    return delegate.update(current, next);
  }

  @Override
  public RecordingPage list(RecordingQuery query) {
    calls.incrementAndGet();
    return delegate.list(query);
  }

  @Override
  public Optional<RecordingSecrets> secrets(RecordingId id) {
    calls.incrementAndGet();
    return delegate.secrets(id);
  }

  @Override
  public boolean delete(RecordingId id) {
    calls.incrementAndGet();
    return delegate.delete(id);
  }

  @Override
  public Map<RecordingId, @Nullable String> deleteAll(Collection<RecordingId> ids) {
    calls.incrementAndGet();
    return delegate.deleteAll(ids);
  }

  @Override
  public Optional<java.time.Instant> deletedAt(RecordingId id) {
    calls.incrementAndGet();
    return delegate.deletedAt(id);
  }

  @Override
  public UnfinishedPage listUnfinished(@Nullable String pageToken) {
    calls.incrementAndGet();
    return delegate.listUnfinished(pageToken);
  }

  @Override
  public boolean removeUnfinished(RecordingId id) {
    calls.incrementAndGet();
    return delegate.removeUnfinished(id);
  }

  @Override
  public boolean unfinishedIndexBuilt() {
    calls.incrementAndGet();
    return delegate.unfinishedIndexBuilt();
  }

  @Override
  public int rebuildUnfinishedIndex() {
    calls.incrementAndGet();
    return delegate.rebuildUnfinishedIndex();
  }

  @Override
  public Optional<Long> mediaSize(RecordingId id) {
    calls.incrementAndGet();
    return delegate.mediaSize(id);
  }

  @Override
  public Optional<MediaContent> openMedia(RecordingId id, @Nullable ByteRange range) {
    calls.incrementAndGet();
    return delegate.openMedia(id, range);
  }

  @Override
  public MediaTarget mediaTarget(String roomId, String uid) {
    return delegate.mediaTarget(roomId, uid);
  }

  @Override
  public void check() {
    calls.incrementAndGet();
    delegate.check();
  }
}
