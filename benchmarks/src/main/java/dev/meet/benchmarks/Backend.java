package dev.meet.benchmarks;

import dev.meet.core.engine.RecordingManager;
import dev.meet.core.events.RecordingEvents;
import dev.meet.core.events.inmemory.InMemoryRecordingEvents;
import dev.meet.core.events.redis.RedisRecordingEvents;
import dev.meet.core.livekit.LiveKitSettings;
import dev.meet.core.lock.RecordingLockProvider;
import dev.meet.core.lock.inmemory.InMemoryRecordingLockProvider;
import dev.meet.core.lock.redis.RedisRecordingLockProvider;
import dev.meet.core.storage.StorageLayout;
import dev.meet.core.storage.local.LocalRecordingStorage;
import dev.meet.testkit.livekit.LiveKitEmulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.redisson.api.RedissonClient;

/**
 * The providers a benchmarked {@link RecordingManager} runs on, by name:
 *
 * <ul>
 *   <li>{@code memory}: the single-instance defaults, in-memory lock and signals, recordings in a local directory
 *       (a temporary directory on disk: every write is forced to disk, as the local storage promises);
 *   <li>{@code memory-shm}: the same with the directory on {@code /dev/shm} (tmpfs, where forcing a write costs
 *       nothing), to show what the engine costs without the disk;
 *   <li>{@code redis-s3}: what several instances share, Redis lock and pub/sub signals, recordings in S3 (s3proxy).
 * </ul>
 *
 * <p>Storage calls are counted ({@link CountingStorage}), and for S3 its HTTP requests too ({@link BenchS3}).
 */
final class Backend implements AutoCloseable {

  final String kind;
  final RecordingLockProvider locks;
  final CountingStorage storage;
  final RecordingEvents events;
  final @Nullable BenchRedis redis;
  final @Nullable RedissonClient redisson;
  final @Nullable BenchS3 s3;
  final @Nullable Path directory;

  private Backend(String kind, RecordingLockProvider locks, CountingStorage storage, RecordingEvents events,
      @Nullable BenchRedis redis, @Nullable RedissonClient redisson, @Nullable BenchS3 s3,
      @Nullable Path directory) {
    this.kind = kind;
    this.locks = locks;
    this.storage = storage;
    this.events = events;
    this.redis = redis;
    this.redisson = redisson;
    this.s3 = s3;
    this.directory = directory;
  }

  static Backend start(String kind) {
    switch (kind) {
      case "memory", "memory-shm": {
        Path directory;
        try {
          directory = kind.equals("memory") ? Files.createTempDirectory("meet-bench-recordings-")
              : Files.createTempDirectory(shm(), "meet-bench-recordings-");
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        return new Backend(kind, new InMemoryRecordingLockProvider(),
            new CountingStorage(new LocalRecordingStorage(directory, StorageLayout.defaults())),
            new InMemoryRecordingEvents(), null, null, null, directory);
      }
      case "redis-s3": {
        BenchRedis redis = BenchRedis.start();
        RedissonClient redisson = redis.newRedisson();
        BenchS3 s3 = new BenchS3();
        return new Backend(kind, new RedisRecordingLockProvider(redisson, redis.prefix() + "lock:"),
            new CountingStorage(s3.newStorage()), new RedisRecordingEvents(redisson, redis.prefix() + "signals"),
            redis, redisson, s3, null);
      }
      default:
        throw new IllegalArgumentException("backend must be memory, memory-shm or redis-s3, was " + kind);
    }
  }

  private static Path shm() {
    Path shm = Path.of("/dev/shm");
    if (!Files.isDirectory(shm) || !Files.isWritable(shm)) {
      throw new IllegalStateException("backend memory-shm needs a writable tmpfs at /dev/shm");
    }
    return shm;
  }

  /** A manager on these providers and {@code livekit}; the customizer may change any setting. */
  RecordingManager newManager(LiveKitEmulator livekit, Consumer<RecordingManager.Builder> customizer) {
    RecordingManager.Builder builder = RecordingManager.builder()
        .liveKit(new LiveKitSettings(livekit.url(), livekit.apiKey(), livekit.apiSecret(), Duration.ofSeconds(10)))
        .lockProvider(locks)
        .storage(storage)
        .events(events)
        .instanceId("bench-instance");
    customizer.accept(builder);
    return builder.build();
  }

  /** Redis commands executed so far (0 without Redis). */
  long redisCommands() {
    if (redis == null) {
      return 0;
    }
    try (RespConnection resp = redis.newConnection()) {
      return resp.commandsExecuted();
    }
  }

  /** S3 HTTP requests so far (0 without S3). */
  long s3Requests() {
    return s3 == null ? 0 : s3.requests();
  }

  @Override
  public void close() {
    try {
      events.close();
    } catch (Exception e) {
      // closing a benchmark's providers: nothing to do
    }
    if (redisson != null) {
      redisson.shutdown();
    }
    if (redis != null) {
      redis.close();
    }
    if (s3 != null) {
      s3.close();
    }
    if (directory != null) {
      deleteTree(directory);
    }
  }

  static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind is harmless
    }
  }
}
