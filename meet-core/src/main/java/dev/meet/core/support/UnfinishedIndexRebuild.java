package dev.meet.core.support;

import dev.meet.core.Recording;
import dev.meet.core.RecordingId;
import dev.meet.core.storage.RecordingPage;
import dev.meet.core.storage.RecordingQuery;
import dev.meet.core.storage.RecordingStorage;
import dev.meet.core.storage.UnfinishedPage;
import dev.meet.core.storage.UnfinishedRecording;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The rebuild of the index of unfinished recordings, the same for every storage: read the index, then every recording,
 * and index each unfinished one the index does not name. Storages call it from
 * {@link RecordingStorage#rebuildUnfinishedIndex()} with their own two writes.
 */
public final class UnfinishedIndexRebuild {

  private UnfinishedIndexRebuild() {
  }

  /**
   * Indexes every unfinished recording the index does not name, then records that the index is built. Reads the
   * recordings through {@link RecordingStorage#list}, page after page.
   *
   * @param storage read through its own listings
   * @param index writes one entry
   * @param markBuilt records that the index is built, once every entry is written
   * @return how many entries were written
   */
  public static int rebuild(RecordingStorage storage, Consumer<RecordingId> index, Runnable markBuilt) {
    return rebuild(storage, visitor -> {
      String token = null;
      do {
        RecordingPage page = storage.list(new RecordingQuery(null, null, RecordingQuery.MAX_ITEMS, token));
        page.recordings().forEach(visitor);
        token = page.nextPageToken();
      } while (token != null);
    }, index, markBuilt);
  }

  /**
   * Like {@link #rebuild(RecordingStorage, Consumer, Runnable)}, with the storage's own walk of every recording (for a
   * storage whose paged listing would cost more than one walk, like a directory tree).
   *
   * @param everyRecording hands every stored recording to the visitor it is given
   */
  public static int rebuild(RecordingStorage storage, Consumer<Consumer<Recording>> everyRecording,
      Consumer<RecordingId> index, Runnable markBuilt) {
    Set<RecordingId> indexed = new HashSet<>();
    String token = null;
    do {
      UnfinishedPage page = storage.listUnfinished(token);
      for (UnfinishedRecording entry : page.entries()) {
        indexed.add(entry.id());
      }
      token = page.nextPageToken();
    } while (token != null);
    int[] added = {0};
    everyRecording.accept(recording -> {
      if (!recording.status().isTerminal() && !indexed.contains(recording.id())) {
        index.accept(recording.id());
        added[0]++;
      }
    });
    markBuilt.run();
    return added[0];
  }
}
