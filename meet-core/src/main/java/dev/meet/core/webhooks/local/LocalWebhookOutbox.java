package dev.meet.core.webhooks.local;

import dev.meet.core.webhooks.Delivery;
import dev.meet.core.webhooks.DeliveryStatus;
import dev.meet.core.webhooks.OutboxStats;
import dev.meet.core.webhooks.WebhookException;
import dev.meet.core.webhooks.WebhookOutbox;
import dev.meet.core.webhooks.WebhookStorageJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox of a single instance: in memory ({@link #inMemory()}, for tests and throw-away setups) or durable in a
 * data directory ({@link #inDirectory(Path)}), where every delivery is one small JSON file written through a
 * temporary file, fsync and an atomic rename, so a crash at any point leaves either the old or the new document.
 * File names start with a sequence number, so a restart rebuilds every stream in its order.
 *
 * <p>Leases live in memory: only this process claims from the directory (two processes must not share one; use the
 * Redis outbox for several instances), and after a restart nothing is leased, which is right because the process that
 * held the leases is gone.
 */
public final class LocalWebhookOutbox implements WebhookOutbox {

  /** Delivered deliveries kept per target for the delivery list. */
  public static final int DEFAULT_DELIVERED_HISTORY = 100;

  private static final Logger log = LoggerFactory.getLogger(LocalWebhookOutbox.class);
  private static final String SUFFIX = ".json";

  private final @Nullable Path directory;
  private final int deliveredHistory;

  private final Map<String, Entry> entries = new HashMap<>();
  private final Map<String, Deque<String>> streams = new LinkedHashMap<>();
  private final Map<String, Lease> leases = new HashMap<>();
  private final Map<String, Deque<String>> deliveredByWebhook = new HashMap<>();
  private long sequence;

  private record Entry(Delivery delivery, long sequence) { }

  private record Lease(String token, long until) { }

  private LocalWebhookOutbox(@Nullable Path directory, int deliveredHistory) {
    if (deliveredHistory < 0) {
      throw new IllegalArgumentException("deliveredHistory must not be negative, was " + deliveredHistory);
    }
    this.directory = directory;
    this.deliveredHistory = deliveredHistory;
    if (directory != null) {
      load(directory);
    }
  }

  /**
   * A durable outbox in {@code directory} (created when missing); what is in it is loaded now.
   *
   * @throws WebhookException when the directory cannot be created or read
   */
  public static LocalWebhookOutbox inDirectory(Path directory) {
    return inDirectory(directory, DEFAULT_DELIVERED_HISTORY);
  }

  /** A durable outbox keeping {@code deliveredHistory} delivered deliveries per target. */
  public static LocalWebhookOutbox inDirectory(Path directory, int deliveredHistory) {
    return new LocalWebhookOutbox(Objects.requireNonNull(directory, "directory"), deliveredHistory);
  }

  /** An outbox in memory only: what is pending is lost with the process. */
  public static LocalWebhookOutbox inMemory() {
    return inMemory(DEFAULT_DELIVERED_HISTORY);
  }

  /** An outbox in memory only, keeping {@code deliveredHistory} delivered deliveries per target. */
  public static LocalWebhookOutbox inMemory(int deliveredHistory) {
    return new LocalWebhookOutbox(null, deliveredHistory);
  }

  @Override
  public synchronized void append(List<Delivery> deliveries) {
    for (Delivery delivery : deliveries) {
      if (delivery.status() != DeliveryStatus.PENDING) {
        throw new IllegalArgumentException("deliveries must be pending, " + delivery.deliveryId() + " is "
            + delivery.status().value());
      }
      if (entries.containsKey(delivery.deliveryId())) {
        throw new IllegalArgumentException("deliveryId " + delivery.deliveryId() + " is in the outbox already");
      }
    }
    List<Entry> written = new ArrayList<>();
    try {
      for (Delivery delivery : deliveries) {
        Entry entry = new Entry(delivery, ++sequence);
        persist(entry);
        written.add(entry);
      }
    } catch (WebhookException e) {
      written.forEach(this::unpersist);
      throw e;
    }
    for (Entry entry : written) {
      entries.put(entry.delivery().deliveryId(), entry);
      streams.computeIfAbsent(entry.delivery().stream(), s -> new ArrayDeque<>()).addLast(
          entry.delivery().deliveryId());
    }
  }

  @Override
  public synchronized Optional<Claim> claim(long now, Duration lease) {
    String best = null;
    long bestDue = Long.MAX_VALUE;
    for (Map.Entry<String, Deque<String>> stream : streams.entrySet()) {
      Lease held = leases.get(stream.getKey());
      long due = entries.get(stream.getValue().peekFirst()).delivery().nextAttemptAt();
      if (held != null) {
        due = Math.max(due, held.until());
      }
      if (due <= now && due < bestDue) {
        best = stream.getKey();
        bestDue = due;
      }
    }
    if (best == null) {
      return Optional.empty();
    }
    String token = UUID.randomUUID().toString();
    leases.put(best, new Lease(token, now + lease.toMillis()));
    return Optional.of(new Claim(entries.get(streams.get(best).peekFirst()).delivery(), token));
  }

  @Override
  public synchronized boolean settle(Claim claim, Delivery outcome) {
    Delivery claimed = claim.delivery();
    if (!claimed.deliveryId().equals(outcome.deliveryId()) || !claimed.stream().equals(outcome.stream())) {
      throw new IllegalArgumentException("outcome " + outcome.deliveryId() + " is not the claimed delivery "
          + claimed.deliveryId());
    }
    String stream = claimed.stream();
    Lease held = leases.get(stream);
    Deque<String> queue = streams.get(stream);
    if (held == null || !held.token().equals(claim.token()) || queue == null
        || !claimed.deliveryId().equals(queue.peekFirst())) {
      return false;
    }
    Entry entry = entries.get(claimed.deliveryId());
    Entry updated = new Entry(outcome, entry.sequence());
    persist(updated);
    entries.put(outcome.deliveryId(), updated);
    leases.remove(stream);
    if (outcome.status() != DeliveryStatus.PENDING) {
      queue.removeFirst();
      if (queue.isEmpty()) {
        streams.remove(stream);
      }
      if (outcome.status() == DeliveryStatus.DELIVERED) {
        Deque<String> history = deliveredByWebhook.computeIfAbsent(outcome.webhookId(), w -> new ArrayDeque<>());
        history.addLast(outcome.deliveryId());
        while (history.size() > deliveredHistory) {
          Entry old = entries.remove(history.removeFirst());
          try {
            unpersist(old);
          } catch (WebhookException e) {
            // Only history: the old file reappears in the list after a restart, nothing pending is affected.
            log.warn("webhook outbox history file not deleted deliveryId={} reason={}",
                old.delivery().deliveryId(), e.getMessage());
          }
        }
      }
    }
    return true;
  }

  @Override
  public synchronized Optional<Delivery> get(String deliveryId) {
    Entry entry = entries.get(deliveryId);
    return entry == null ? Optional.empty() : Optional.of(entry.delivery());
  }

  @Override
  public synchronized List<Delivery> deliveries(String webhookId, int limit) {
    return entries.values().stream()
        .filter(e -> e.delivery().webhookId().equals(webhookId))
        .sorted(Comparator.comparingLong((Entry e) -> e.delivery().enqueuedAt())
            .thenComparingLong(Entry::sequence).reversed())
        .limit(Math.max(0, limit))
        .map(Entry::delivery)
        .toList();
  }

  @Override
  public synchronized Optional<Delivery> redeliver(String deliveryId, long now) {
    Entry entry = entries.get(deliveryId);
    if (entry == null || entry.delivery().status() != DeliveryStatus.FAILED) {
      return Optional.empty();
    }
    // A new sequence number: after a restart it must still come after what was pending when it was redelivered.
    Entry again = new Entry(entry.delivery().redelivered(now), ++sequence);
    persist(again);
    unpersist(entry);
    entries.put(deliveryId, again);
    streams.computeIfAbsent(again.delivery().stream(), s -> new ArrayDeque<>()).addLast(deliveryId);
    return Optional.of(again.delivery());
  }

  @Override
  public synchronized OutboxStats stats() {
    long pending = 0;
    Long oldest = null;
    for (Deque<String> queue : streams.values()) {
      pending += queue.size();
      for (String id : queue) {
        long enqueuedAt = entries.get(id).delivery().enqueuedAt();
        oldest = oldest == null ? enqueuedAt : Math.min(oldest, enqueuedAt);
      }
    }
    return new OutboxStats(pending, oldest);
  }

  private void load(Path dir) {
    List<Entry> loaded = new ArrayList<>();
    try {
      Files.createDirectories(dir);
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : files.filter(f -> f.getFileName().toString().endsWith(SUFFIX)).toList()) {
          Optional<Entry> entry = read(file);
          entry.ifPresent(loaded::add);
        }
      }
    } catch (IOException e) {
      throw new WebhookException("cannot read the webhook outbox directory " + dir, e);
    }
    loaded.sort(Comparator.comparingLong(Entry::sequence));
    for (Entry entry : loaded) {
      Delivery delivery = entry.delivery();
      entries.put(delivery.deliveryId(), entry);
      sequence = Math.max(sequence, entry.sequence());
      switch (delivery.status()) {
        case PENDING -> streams.computeIfAbsent(delivery.stream(), s -> new ArrayDeque<>())
            .addLast(delivery.deliveryId());
        case DELIVERED -> deliveredByWebhook.computeIfAbsent(delivery.webhookId(), w -> new ArrayDeque<>())
            .addLast(delivery.deliveryId());
        case FAILED -> { }
      }
    }
    log.info("webhook outbox loaded directory={} pending={} total={}", dir, stats().pending(), entries.size());
  }

  /** A file that cannot be read is set aside (renamed *.corrupt) with a WARN, so one bad file stops nothing. */
  private Optional<Entry> read(Path file) {
    String name = file.getFileName().toString();
    try {
      int dash = name.indexOf('-');
      long seq = Long.parseLong(name.substring(0, dash));
      Delivery delivery = WebhookStorageJson.readDelivery(Files.readString(file), file.toString());
      if (!name.equals(fileName(seq, delivery.deliveryId()))) {
        throw new WebhookException("file name does not match delivery " + delivery.deliveryId());
      }
      return Optional.of(new Entry(delivery, seq));
    } catch (IOException | RuntimeException e) {
      log.warn("webhook outbox file unreadable, set aside file={} reason={}", file, e.getMessage());
      try {
        Files.move(file, file.resolveSibling(name + ".corrupt"), StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException moveFailed) {
        throw new WebhookException("cannot set aside unreadable webhook outbox file " + file, moveFailed);
      }
      return Optional.empty();
    }
  }

  private void persist(Entry entry) {
    if (directory == null) {
      return;
    }
    Path target = directory.resolve(fileName(entry.sequence(), entry.delivery().deliveryId()));
    try {
      AtomicFiles.write(target, WebhookStorageJson.bytes(WebhookStorageJson.write(entry.delivery())));
    } catch (IOException e) {
      throw new WebhookException("cannot write webhook outbox file " + target, e);
    }
  }

  private void unpersist(Entry entry) {
    if (directory == null) {
      return;
    }
    Path file = directory.resolve(fileName(entry.sequence(), entry.delivery().deliveryId()));
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new WebhookException("cannot delete webhook outbox file " + file, e);
    }
  }

  private static String fileName(long seq, String deliveryId) {
    return String.format("%019d-%s%s", seq, deliveryId, SUFFIX);
  }
}
