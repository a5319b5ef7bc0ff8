package dev.meet.core.lock.redis;

import dev.meet.core.RoomIds;
import dev.meet.core.lock.LockException;
import dev.meet.core.lock.LockScan;
import dev.meet.core.lock.LockValue;
import dev.meet.core.lock.RecordingLockProvider;
import dev.meet.core.lock.RoomLock;
import dev.meet.core.support.LockValues;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.redisson.api.RBucket;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.KeysScanOptions;
import org.redisson.client.RedisException;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The active-recording locks in Redis, shared by every instance, through Redisson.
 *
 * <p>Each lock is a plain string key {@code {prefix}room:{roomId}} holding {@link LockValues#encode}, with a
 * millisecond TTL. It is deliberately not a Redisson {@code RLock}: those belong to one client and thread, while a
 * recording's lock must be releasable by whichever instance receives its {@code egress_ended}. Fencing compares the
 * exact stored string, so a late release naming an old egress never frees a newer recording's lock.
 *
 * <pre>{@code
 * RecordingLockProvider locks = new RedisRecordingLockProvider(redisson); // keys meet:lock:room:{roomId}
 * }</pre>
 *
 * <p>Needs Redis 6.0 or newer ({@code SET ... KEEPTTL}). Scans run {@code SCAN} on the node that answers scripts,
 * so a Redis Cluster (one key space per shard) is not supported; a single server, or a primary with replicas or
 * Sentinel, is. Every failure to reach Redis or an unexpected answer is a {@link LockException} with the cause.
 */
public final class RedisRecordingLockProvider implements RecordingLockProvider {

  /** The key prefix when none is given. */
  public static final String DEFAULT_KEY_PREFIX = "meet:lock:";

  private static final Logger LOG = LoggerFactory.getLogger(RedisRecordingLockProvider.class);

  private static final Pattern TASK = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");
  private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
  private static final Pattern REDIS_CURSOR = Pattern.compile("[0-9]{1,20}");
  private static final String FIRST_CURSOR = "0";
  /** A count runs one {@code SCAN} round trip per this many slots; Redis stays responsive in between. */
  private static final int COUNT_CHUNK = 1_000;
  /** Caps the {@code SCAN} calls of one page, so a sparse key space cannot make one script run long. */
  private static final int MAX_SCANS_PER_PAGE = 16;

  /**
   * Compare-and-set that keeps the remaining lifetime. Redisson's {@code compareAndSet} sends a plain {@code SET},
   * which would make the lock immortal.
   */
  private static final String REPLACE_SCRIPT =
      "if redis.call('get', KEYS[1]) == ARGV[1] then "
          + "redis.call('set', KEYS[1], ARGV[2], 'KEEPTTL') return 1 end "
          + "return 0";

  /** Take the lease if free, or renew it if it is already ours; anything else leaves it alone. */
  private static final String LEAD_SCRIPT =
      "if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end "
          + "if redis.call('get', KEYS[1]) == ARGV[1] then "
          + "redis.call('pexpire', KEYS[1], ARGV[2]) return 1 end "
          + "return 0";

  /** {@code GET} and {@code PTTL} of one key, atomically: {@code [value, pttl]}, or empty when absent. */
  private static final String FIND_SCRIPT =
      "local value = redis.call('get', KEYS[1]) "
          + "if not value then return {} end "
          + "return {value, redis.call('pttl', KEYS[1])}";

  /**
   * One page of a scan: {@code SCAN} until the page is full, the cursor is back at 0 or the call cap is reached,
   * reading each key's value and remaining lifetime on the way. Returns
   * {@code [nextCursor, key1, value1, pttl1, key2, value2, pttl2, ...]}. Keys that
   * expired or were deleted since {@code SCAN} saw them, or that hold something other than a string, are skipped.
   * Redisson's key iterators hide the cursor, and a resumable page is what callers need.
   */
  private static final String SCAN_SCRIPT =
      "local cursor = ARGV[1] "
          + "local wanted = tonumber(ARGV[3]) "
          + "local out = {''} "
          + "local found = 0 "
          + "local scans = 0 "
          + "repeat "
          + "  local reply = redis.call('scan', cursor, 'match', ARGV[2], 'count', math.max(wanted - found, 1)) "
          + "  cursor = reply[1] "
          + "  for _, key in ipairs(reply[2]) do "
          + "    local value = redis.pcall('get', key) "
          + "    if type(value) == 'string' then "
          + "      out[#out + 1] = key "
          + "      out[#out + 1] = value "
          + "      out[#out + 1] = redis.call('pttl', key) "
          + "      found = found + 1 "
          + "    end "
          + "  end "
          + "  scans = scans + 1 "
          + "until cursor == '0' or found >= wanted or scans >= tonumber(ARGV[4]) "
          + "out[1] = cursor "
          + "return out";

  private final RedissonClient client;
  private final String keyPrefix;
  private final String roomPrefix;
  private final String roomPattern;

  /**
   * Locks under {@value #DEFAULT_KEY_PREFIX}.
   *
   * @param client a Redisson client connected to the shared Redis; its lifecycle stays with the caller
   */
  public RedisRecordingLockProvider(RedissonClient client) {
    this(client, DEFAULT_KEY_PREFIX);
  }

  /**
   * Locks under {@code keyPrefix}: room locks at {@code {keyPrefix}room:{roomId}}, leader leases at
   * {@code {keyPrefix}leader:{task}}.
   *
   * @param client a Redisson client connected to the shared Redis; its lifecycle stays with the caller
   * @param keyPrefix prepended to every key, usually ending in {@code :}; several deployments can share one Redis
   *     with different prefixes
   */
  public RedisRecordingLockProvider(RedissonClient client, String keyPrefix) {
    this.client = Objects.requireNonNull(client, "client");
    Objects.requireNonNull(keyPrefix, "keyPrefix");
    if (keyPrefix.isEmpty()) {
      throw new IllegalArgumentException("keyPrefix must not be empty: locks would mix with unrelated keys");
    }
    this.keyPrefix = keyPrefix;
    this.roomPrefix = keyPrefix + "room:";
    this.roomPattern = globEscape(roomPrefix) + "*";
  }

  /** {@code SET key value PX ttl NX}. */
  @Override
  public boolean tryAcquire(String roomId, LockValue value, Duration ttl) {
    String key = roomKey(roomId);
    Objects.requireNonNull(value, "value");
    long ttlMillis = ttlMillis(ttl);
    return redis("acquire the lock of room " + roomId,
        () -> bucket(key).setIfAbsent(LockValues.encode(value), Duration.ofMillis(ttlMillis)));
  }

  /** One script: {@code GET}, then {@code SET key next KEEPTTL} if it held {@code expected}. */
  @Override
  public boolean replace(String roomId, LockValue expected, LockValue next) {
    String key = roomKey(roomId);
    Objects.requireNonNull(expected, "expected");
    Objects.requireNonNull(next, "next");
    Boolean replaced = redis("replace the lock of room " + roomId,
        () -> script().eval(RScript.Mode.READ_WRITE, REPLACE_SCRIPT, RScript.ReturnType.BOOLEAN,
            List.of(key), LockValues.encode(expected), LockValues.encode(next)));
    return Boolean.TRUE.equals(replaced);
  }

  /** Redisson's compare-and-delete script: {@code GET}, then {@code DEL} if it held {@code expected}. */
  @Override
  public boolean release(String roomId, LockValue expected) {
    String key = roomKey(roomId);
    Objects.requireNonNull(expected, "expected");
    return redis("release the lock of room " + roomId,
        () -> bucket(key).compareAndSet(LockValues.encode(expected), null));
  }

  /** {@code GET key}. */
  @Override
  public Optional<LockValue> get(String roomId) {
    return find(roomId).map(RoomLock::value);
  }


  /** One script on the master: the value and its {@code PTTL}, read together. */
  @Override
  public Optional<RoomLock> find(String roomId) {
    String key = roomKey(roomId);
    List<Object> reply = redis("read the lock of room " + roomId,
        // READ_WRITE sends it to the master: a replica may lag, and decisions are made on what this returns.
        () -> script().eval(RScript.Mode.READ_WRITE, FIND_SCRIPT, RScript.ReturnType.LIST, List.of(key)));
    if (reply == null || reply.isEmpty()) {
      return Optional.empty();
    }
    if (reply.size() != 2) {
      throw new LockException("Redis answered a lock read with something other than [value, pttl]");
    }
    try {
      long pttl = reply.get(1) instanceof Number n ? n.longValue() : -1;
      return Optional.of(new RoomLock(roomId, LockValues.decode(String.valueOf(reply.get(0))),
          pttl >= 0 ? Duration.ofMillis(pttl) : null));
    } catch (IllegalArgumentException e) {
      throw new LockException("Redis holds something other than a lock value for room " + roomId
          + " (key under " + roomPrefix + ")", e);
    }
  }

  /**
   * One script running {@code SCAN cursor MATCH {prefix}room:* COUNT n} (a few times at most, until the page is
   * full) and {@code GET} for each key found. The cursor is Redis's own, so a page costs one round trip and the
   * caller may resume from any instance. Like {@code SCAN}, a page may hold a few more locks than {@code pageSize}
   * (a hash bucket is returned whole) or fewer, even none, before the scan ends; every lock held throughout the scan
   * appears, and in rare cases (the key space shrinking mid-scan) one appears twice.
   */
  @Override
  public LockScan scan(@Nullable String cursor, int pageSize) {
    if (pageSize < 1) {
      throw new IllegalArgumentException("pageSize must be at least 1, was " + pageSize);
    }
    String from = cursor == null ? FIRST_CURSOR : cursor;
    if (!REDIS_CURSOR.matcher(from).matches()) {
      throw new IllegalArgumentException("not a cursor of this lock provider");
    }
    List<Object> reply = redis("scan the locks",
        () -> script().eval(RScript.Mode.READ_WRITE, SCAN_SCRIPT, RScript.ReturnType.LIST, List.of(),
            from, roomPattern, Integer.toString(pageSize), Integer.toString(MAX_SCANS_PER_PAGE)));
    if (reply == null || reply.isEmpty() || !(reply.get(0) instanceof String next) || reply.size() % 3 != 1) {
      throw new LockException("Redis answered a lock scan with something other than [cursor, key, value, pttl...]");
    }
    List<RoomLock> locks = new ArrayList<>(reply.size() / 3);
    for (int i = 1; i < reply.size(); i += 3) {
      String key = String.valueOf(reply.get(i));
      String roomId = key.substring(roomPrefix.length());
      // One foreign key under our prefix must not stop every collector run: skip it, and say so (never its value).
      if (!RoomIds.isValid(roomId)) {
        LOG.warn("Skipping a key under the lock prefix: reason=\"not a room id\" key={}", printable(key));
        continue;
      }
      try {
        // PTTL: -1 when the key never expires (no lock of ours is taken so); the age is then unknown.
        long pttl = reply.get(i + 2) instanceof Number n ? n.longValue() : -1;
        locks.add(new RoomLock(roomId, LockValues.decode(String.valueOf(reply.get(i + 1))),
            pttl >= 0 ? Duration.ofMillis(pttl) : null));
      } catch (IllegalArgumentException e) {
        LOG.warn("Skipping a key under the lock prefix: reason=\"not a lock value\" key={}", printable(key));
      }
    }
    return new LockScan(locks, FIRST_CURSOR.equals(next) ? null : next);
  }

  /**
   * Counts the room keys with {@code SCAN MATCH {prefix}room:* COUNT 1000} through Redisson's key stream: one round
   * trip per thousand slots, never more than one chunk of keys in memory. Cost grows with the whole key space,
   * so call it for metrics, not per request.
   */
  @Override
  public long count() {
    return redis("count the locks", () -> {
      try (var keys = client.getKeys().getKeysStream(
          KeysScanOptions.defaults().pattern(roomPattern).chunkSize(COUNT_CHUNK))) {
        return keys.count();
      }
    });
  }

  /** One script: {@code SET key instanceId NX PX ttl}, else {@code GET} and, if ours, {@code PEXPIRE key ttl}. */
  @Override
  public boolean tryLead(String task, String instanceId, Duration ttl) {
    requireMatch(TASK, task, "task");
    requireMatch(INSTANCE_ID, instanceId, "instanceId");
    long ttlMillis = ttlMillis(ttl);
    String key = keyPrefix + "leader:" + task;
    Boolean leads = redis("take or renew the lead of task " + task,
        () -> script().eval(RScript.Mode.READ_WRITE, LEAD_SCRIPT, RScript.ReturnType.BOOLEAN, List.of(key),
            instanceId, Long.toString(ttlMillis)));
    return Boolean.TRUE.equals(leads);
  }

  @Override
  public String toString() {
    return "RedisRecordingLockProvider[keyPrefix=" + keyPrefix + "]";
  }

  private RBucket<String> bucket(String key) {
    return client.getBucket(key, StringCodec.INSTANCE);
  }

  private RScript script() {
    return client.getScript(StringCodec.INSTANCE);
  }

  private String roomKey(String roomId) {
    return roomPrefix + RoomIds.require(roomId, "roomId");
  }

  /** Runs one Redis operation, turning every Redisson failure into the SPI's exception. */
  private static <T> T redis(String operation, Supplier<T> call) {
    try {
      return call.get();
    } catch (RedisException e) {
      throw new LockException("Redis could not " + operation + ": " + e.getMessage(), e);
    }
  }

  private static long ttlMillis(Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.toMillis() < 1) {
      throw new IllegalArgumentException("ttl must be at least 1 ms, was " + ttl);
    }
    return ttl.toMillis();
  }

  private static void requireMatch(Pattern pattern, String value, String field) {
    if (value == null || !pattern.matcher(value).matches()) {
      throw new IllegalArgumentException(field + " must match " + pattern.pattern() + ", was " + value);
    }
  }

  /** A key as a log may show it: printable ASCII only, shortened, so a hostile key cannot forge log lines. */
  private static String printable(String key) {
    String shown = key.length() > 200 ? key.substring(0, 200) + "..." : key;
    return shown.replaceAll("[^\\x20-\\x7e]", "?");
  }

  /** Escapes the characters {@code SCAN MATCH} treats as glob syntax, so a prefix matches only itself. */
  private static String globEscape(String literal) {
    StringBuilder out = new StringBuilder(literal.length() + 8);
    for (int i = 0; i < literal.length(); i++) {
      char c = literal.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }
}
