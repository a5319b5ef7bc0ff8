package dev.meet.core.lock.inmemory;

import dev.meet.core.RoomIds;
import dev.meet.core.lock.LockScan;
import dev.meet.core.lock.LockValue;
import dev.meet.core.lock.RecordingLockProvider;
import dev.meet.core.lock.RoomLock;
import dev.meet.core.support.LockValues;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The active-recording locks of a single instance, held in this JVM: the embedded default and the provider of unit
 * tests. It behaves like the shared providers, expiry included, so code tested against it behaves the same on Redis.
 *
 * <p>Lifetimes run on the {@link Clock} given to the constructor, with Redis's millisecond precision; an expired lock
 * is absent for every operation and is dropped when an operation or a scan passes it. A {@link #scan scan} walks the
 * rooms in id order and its cursor is the last room id it returned: it needs no state between pages, holds one page
 * in memory, and like Redis {@code SCAN} returns every lock held throughout the scan exactly once.
 */
public final class InMemoryRecordingLockProvider implements RecordingLockProvider {

  private static final Pattern TASK = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");
  private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
  private static final String CURSOR_PREFIX = "after:";

  /** Sorted, so that a scan can resume after the last room it returned. */
  private final ConcurrentNavigableMap<String, Entry> locks = new ConcurrentSkipListMap<>();
  private final ConcurrentMap<String, Lease> leaders = new ConcurrentHashMap<>();
  private final Clock clock;

  /** Locks that expire on the system clock. */
  public InMemoryRecordingLockProvider() {
    this(Clock.systemUTC());
  }

  /**
   * Locks that expire on {@code clock}, so that tests can move time.
   *
   * @param clock the time lifetimes are measured on
   */
  public InMemoryRecordingLockProvider(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public boolean tryAcquire(String roomId, LockValue value, Duration ttl) {
    RoomIds.require(roomId, "roomId");
    Objects.requireNonNull(value, "value");
    Entry entry = new Entry(value, expiry(ttl, "ttl"));
    while (true) {
      Entry current = locks.putIfAbsent(roomId, entry);
      if (current == null) {
        return true;
      }
      if (!isExpired(current)) {
        return false;
      }
      if (locks.replace(roomId, current, entry)) {
        return true;
      }
      // Someone else changed the entry between our reads: look again.
    }
  }

  @Override
  public boolean replace(String roomId, LockValue expected, LockValue next) {
    RoomIds.require(roomId, "roomId");
    Objects.requireNonNull(expected, "expected");
    Objects.requireNonNull(next, "next");
    Entry current = live(roomId);
    if (current == null || !current.holds(expected)) {
      return false;
    }
    // Same deadline: binding a lock to its egress must not extend its life.
    return locks.replace(roomId, current, new Entry(next, current.expiresAt()));
  }

  @Override
  public boolean release(String roomId, LockValue expected) {
    RoomIds.require(roomId, "roomId");
    Objects.requireNonNull(expected, "expected");
    Entry current = live(roomId);
    return current != null && current.holds(expected) && locks.remove(roomId, current);
  }

  @Override
  public Optional<LockValue> get(String roomId) {
    RoomIds.require(roomId, "roomId");
    return Optional.ofNullable(live(roomId)).map(Entry::value);
  }

  @Override
  public Optional<RoomLock> find(String roomId) {
    RoomIds.require(roomId, "roomId");
    return Optional.ofNullable(live(roomId)).map(entry -> new RoomLock(roomId, entry.value(),
        Duration.between(clock.instant(), entry.expiresAt())));
  }

  @Override
  public LockScan scan(@Nullable String cursor, int pageSize) {
    if (pageSize < 1) {
      throw new IllegalArgumentException("pageSize must be at least 1, was " + pageSize);
    }
    ConcurrentNavigableMap<String, Entry> rest = cursor == null ? locks : locks.tailMap(decodeCursor(cursor), false);
    List<RoomLock> page = new ArrayList<>(Math.min(pageSize, 256));
    String last = null;
    for (Map.Entry<String, Entry> next : rest.entrySet()) {
      if (page.size() == pageSize) {
        return new LockScan(page, encodeCursor(Objects.requireNonNull(last)));
      }
      if (isExpired(next.getValue())) {
        locks.remove(next.getKey(), next.getValue());
        continue;
      }
      page.add(new RoomLock(next.getKey(), next.getValue().value(),
          Duration.between(clock.instant(), next.getValue().expiresAt())));
      last = next.getKey();
    }
    return new LockScan(page, null);
  }

  @Override
  public long count() {
    long count = 0;
    for (Map.Entry<String, Entry> next : locks.entrySet()) {
      if (isExpired(next.getValue())) {
        locks.remove(next.getKey(), next.getValue());
      } else {
        count++;
      }
    }
    return count;
  }

  @Override
  public boolean tryLead(String task, String instanceId, Duration ttl) {
    requireMatch(TASK, task, "task");
    requireMatch(INSTANCE_ID, instanceId, "instanceId");
    Instant expiresAt = expiry(ttl, "ttl");
    // ConcurrentHashMap.compute runs once and atomically per key: take, renew or leave the lease in one step.
    Lease lease = leaders.compute(task, (key, current) ->
        current == null || isExpired(current.expiresAt()) || current.instanceId().equals(instanceId)
            ? new Lease(instanceId, expiresAt)
            : current);
    return lease.instanceId().equals(instanceId);
  }

  @Override
  public String toString() {
    return "InMemoryRecordingLockProvider[clock=" + clock + "]";
  }

  private @Nullable Entry live(String roomId) {
    Entry current = locks.get(roomId);
    if (current != null && isExpired(current)) {
      locks.remove(roomId, current);
      return null;
    }
    return current;
  }

  private boolean isExpired(Entry entry) {
    return isExpired(entry.expiresAt());
  }

  private boolean isExpired(Instant expiresAt) {
    return !clock.instant().isBefore(expiresAt);
  }

  /** Redis counts lifetimes in whole milliseconds ({@code PX}); so do we, so both reject the same TTLs. */
  private Instant expiry(Duration ttl, String field) {
    Objects.requireNonNull(ttl, field);
    if (ttl.toMillis() < 1) {
      throw new IllegalArgumentException(field + " must be at least 1 ms, was " + ttl);
    }
    return clock.instant().plusMillis(ttl.toMillis());
  }

  private static void requireMatch(Pattern pattern, String value, String field) {
    if (value == null || !pattern.matcher(value).matches()) {
      throw new IllegalArgumentException(field + " must match " + pattern.pattern() + ", was " + value);
    }
  }

  private static String encodeCursor(String lastRoomId) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString((CURSOR_PREFIX + lastRoomId).getBytes(StandardCharsets.UTF_8));
  }

  private static String decodeCursor(String cursor) {
    String decoded;
    try {
      decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a cursor of this lock provider", e);
    }
    if (!decoded.startsWith(CURSOR_PREFIX)
        || !RoomIds.isValid(decoded.substring(CURSOR_PREFIX.length()))) {
      throw new IllegalArgumentException("not a cursor of this lock provider");
    }
    return decoded.substring(CURSOR_PREFIX.length());
  }

  /** A lock and when it stops counting. */
  private record Entry(LockValue value, Instant expiresAt) {
    /** Fencing compares the exact stored form, as the Redis provider does. */
    boolean holds(LockValue expected) {
      return LockValues.encode(value).equals(LockValues.encode(expected));
    }
  }

  /** Who leads a task until when. */
  private record Lease(String instanceId, Instant expiresAt) {}
}
