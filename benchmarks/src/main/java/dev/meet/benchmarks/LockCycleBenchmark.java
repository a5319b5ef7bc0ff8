package dev.meet.benchmarks;

import dev.meet.core.lock.LockValue;
import dev.meet.core.lock.RecordingLockProvider;
import dev.meet.core.lock.inmemory.InMemoryRecordingLockProvider;
import dev.meet.core.lock.redis.RedisRecordingLockProvider;
import dev.meet.core.support.LockValues;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.redisson.api.RBucket;
import org.redisson.api.RFencedLock;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.SetParams;

/**
 * Benchmark 1: one uncontended acquire + release of a room's lock, single thread, every subject in one run against
 * the same Redis. The subjects, cheapest first:
 *
 * <ul>
 *   <li>{@code floorPlainSocket}: {@code SET key value NX PX ttl} and the compare-and-delete script
 *       ({@code EVALSHA}) over one blocking socket, no client library: the physical floor of two round trips;
 *   <li>{@code redissonBareBucket}: the same two commands through Redisson ({@code RBucket.setIfAbsent} +
 *       {@code compareAndSet(value, null)}), the same client our provider uses: the same-client baseline;
 *   <li>{@code meetRedisProvider}: our {@link RedisRecordingLockProvider} (validation, value encoding, error
 *       translation on top of the baseline);
 *   <li>{@code redissonRLock} / {@code redissonFencedLock}: Redisson's own locks, {@code tryLock(0, lease)} +
 *       {@code unlock} (owned by client and thread, so not usable for our lock: shown for what they cost);
 *   <li>{@code meetInMemoryProvider}: our in-memory provider (one JVM, no network);
 *   <li>{@code jedisBare}: the same two commands as the floor through Jedis, a blocking client: what "another client
 *       behind the same SPI" would cost, next to Redisson's asynchronous one.
 * </ul>
 *
 * <p>A rejected attempt (the room is held by someone else) is measured by {@code rejected*}: it must cost one
 * round trip, and {@link RejectedAudit} counts the commands Redis executed to prove it.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
@State(Scope.Benchmark)
public class LockCycleBenchmark {

  static final Duration TTL = Duration.ofSeconds(30);
  static final String ROOM = "bench-room";
  static final String HELD_ROOM = "bench-held-room";

  /** Redisson's compare-and-delete, as {@code RBucket.compareAndSet(value, null)} runs it. */
  static final String COMPARE_AND_DELETE =
      "if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('del', KEYS[1]); return 1 end; return 0;";

  BenchRedis redis;
  RedissonClient redisson;
  RecordingLockProvider meet;
  RecordingLockProvider memory;
  RespConnection floor;
  String floorSha;
  String floorKey;
  String floorHeldKey;
  RBucket<String> bucket;
  RLock rlock;
  RFencedLock fencedLock;
  LockValue value;
  String encoded;
  Jedis jedis;
  String jedisSha;
  String jedisKey;

  @Setup(Level.Trial)
  public void setUp() {
    redis = BenchRedis.start();
    redisson = redis.newRedisson();
    meet = new RedisRecordingLockProvider(redisson, redis.prefix() + "lock:");
    memory = new InMemoryRecordingLockProvider();
    value = new LockValue("8b0f1c2e-5a4d-4f6e-9c3b-2d1e0f9a8b7c", null, "bench-instance", Instant.now());
    encoded = LockValues.encode(value);
    floor = redis.newConnection();
    floorSha = (String) floor.call("SCRIPT", "LOAD", COMPARE_AND_DELETE);
    floorKey = redis.prefix() + "floor:" + ROOM;
    floorHeldKey = redis.prefix() + "floor:" + HELD_ROOM;
    bucket = redisson.getBucket(redis.prefix() + "bare:" + ROOM, StringCodec.INSTANCE);
    rlock = redisson.getLock(redis.prefix() + "rlock:" + ROOM);
    fencedLock = redisson.getFencedLock(redis.prefix() + "fenced:" + ROOM);
    jedis = new Jedis(java.net.URI.create(redis.uri()));
    jedisSha = jedis.scriptLoad(COMPARE_AND_DELETE);
    jedisKey = redis.prefix() + "jedis:" + ROOM;
    // Rooms held by "someone else" for the rejected attempts.
    LockValue other = new LockValue("someone-else", "EG_someoneElse", "other-instance", Instant.now());
    require(meet.tryAcquire(HELD_ROOM, other, Duration.ofHours(1)), "hold the rejected room");
    require("OK".equals(floor.call("SET", floorHeldKey, LockValues.encode(other), "NX", "PX", "3600000")),
        "hold the floor's rejected room");
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    floor.close();
    jedis.close();
    redisson.shutdown();
    redis.close();
  }

  @Benchmark
  public boolean floorPlainSocket() {
    require("OK".equals(floor.call("SET", floorKey, encoded, "NX", "PX", "30000")), "acquire");
    return Long.valueOf(1).equals(floor.call("EVALSHA", floorSha, "1", floorKey, encoded));
  }

  @Benchmark
  public boolean jedisBare() {
    require("OK".equals(jedis.set(jedisKey, encoded, SetParams.setParams().nx().px(TTL.toMillis()))), "acquire");
    return Long.valueOf(1).equals(jedis.evalsha(jedisSha, 1, jedisKey, encoded));
  }

  @Benchmark
  public boolean redissonBareBucket() {
    require(bucket.setIfAbsent(encoded, TTL), "acquire");
    return bucket.compareAndSet(encoded, null);
  }

  @Benchmark
  public boolean meetRedisProvider() {
    require(meet.tryAcquire(ROOM, value, TTL), "acquire");
    return meet.release(ROOM, value);
  }

  @Benchmark
  public boolean redissonRLock() throws InterruptedException {
    require(rlock.tryLock(0, TTL.toMillis(), TimeUnit.MILLISECONDS), "acquire");
    rlock.unlock();
    return true;
  }

  @Benchmark
  public boolean redissonFencedLock() throws InterruptedException {
    require(fencedLock.tryLock(0, TTL.toMillis(), TimeUnit.MILLISECONDS), "acquire");
    fencedLock.unlock();
    return true;
  }

  @Benchmark
  public boolean meetInMemoryProvider() {
    require(memory.tryAcquire(ROOM, value, TTL), "acquire");
    return memory.release(ROOM, value);
  }

  /** Our provider asked for a room someone else holds: must answer false after one round trip. */
  @Benchmark
  public boolean rejectedMeetRedisProvider(RejectedAudit audit) {
    audit.attempts++;
    return !meet.tryAcquire(HELD_ROOM, value, TTL);
  }

  /** The floor's rejected attempt: one {@code SET NX} answered nil. */
  @Benchmark
  public boolean rejectedFloorPlainSocket() {
    return floor.call("SET", floorHeldKey, encoded, "NX", "PX", "30000") == null;
  }

  /**
   * Counts the commands Redis executed during each iteration of {@code rejectedMeetRedisProvider} and fails the
   * benchmark if a rejected attempt cost more than one (a little slack for Redisson's connection pings).
   */
  @State(Scope.Thread)
  public static class RejectedAudit {
    long attempts;
    long commandsBefore;
    RespConnection counter;

    @Setup(Level.Iteration)
    public void before(LockCycleBenchmark bench) {
      counter = bench.redis.newConnection();
      attempts = 0;
      commandsBefore = counter.commandsExecuted();
    }

    @TearDown(Level.Iteration)
    public void after() {
      long commands = counter.commandsExecuted() - commandsBefore;
      counter.close();
      double perAttempt = attempts == 0 ? 0 : (double) commands / attempts;
      Facts.print("LockCycleBenchmark.rejectedMeetRedisProvider", "attempts", attempts, "redisCommands", commands,
          "redisCommandsPerAttempt", perAttempt);
      if (attempts > 100 && perAttempt > 1.05) {
        throw new IllegalStateException("a rejected attempt cost " + perAttempt + " Redis commands, not one");
      }
    }
  }

  static void require(boolean condition, String what) {
    if (!condition) {
      throw new IllegalStateException("benchmark invariant broken: could not " + what);
    }
  }
}
