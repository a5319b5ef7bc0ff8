package dev.meet.core.webhooks.local;

import dev.meet.core.webhooks.WebhookException;
import dev.meet.core.webhooks.WebhookStorageJson;
import dev.meet.core.webhooks.WebhookTarget;
import dev.meet.core.webhooks.WebhookTargetStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Registered webhooks of a single instance: in memory ({@link #inMemory()}) or in one JSON file (an array of
 * targets), rewritten through a temporary file, fsync and an atomic rename on every change. One process owns the
 * file.
 */
public final class LocalWebhookTargetStore implements WebhookTargetStore {

  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private final @Nullable Path file;
  private final Map<String, WebhookTarget> targets = new LinkedHashMap<>();

  private LocalWebhookTargetStore(@Nullable Path file) {
    this.file = file;
    if (file != null && Files.exists(file)) {
      load(file);
    }
  }

  /**
   * Targets kept in {@code file} (created on the first change, with its directory); what is in it is loaded now.
   *
   * @throws WebhookException when the file cannot be read or is corrupt
   */
  public static LocalWebhookTargetStore inFile(Path file) {
    return new LocalWebhookTargetStore(Objects.requireNonNull(file, "file"));
  }

  /** Targets in memory only. */
  public static LocalWebhookTargetStore inMemory() {
    return new LocalWebhookTargetStore(null);
  }

  @Override
  public synchronized List<WebhookTarget> list() {
    return targets.values().stream()
        .sorted(java.util.Comparator.comparingLong(WebhookTarget::creationDate)
            .thenComparing(WebhookTarget::webhookId))
        .toList();
  }

  @Override
  public synchronized Optional<WebhookTarget> get(String webhookId) {
    return Optional.ofNullable(targets.get(webhookId));
  }

  @Override
  public synchronized boolean create(WebhookTarget target, int maxTargets) {
    if (targets.containsKey(target.webhookId())) {
      throw new IllegalArgumentException("webhookId " + target.webhookId() + " exists already");
    }
    if (targets.size() >= maxTargets) {
      return false;
    }
    Map<String, WebhookTarget> next = new LinkedHashMap<>(targets);
    next.put(target.webhookId(), target);
    save(next);
    return true;
  }

  @Override
  public synchronized boolean update(WebhookTarget target) {
    if (!targets.containsKey(target.webhookId())) {
      return false;
    }
    Map<String, WebhookTarget> next = new LinkedHashMap<>(targets);
    next.put(target.webhookId(), target);
    save(next);
    return true;
  }

  @Override
  public synchronized boolean delete(String webhookId) {
    if (!targets.containsKey(webhookId)) {
      return false;
    }
    Map<String, WebhookTarget> next = new LinkedHashMap<>(targets);
    next.remove(webhookId);
    save(next);
    return true;
  }

  /** Writes first, then changes memory: a failed write changes nothing. */
  private void save(Map<String, WebhookTarget> next) {
    if (file != null) {
      List<String> documents = new ArrayList<>();
      next.values().forEach(t -> documents.add(WebhookStorageJson.write(t)));
      String json = "[" + String.join(",", documents) + "]";
      try {
        AtomicFiles.write(file, WebhookStorageJson.bytes(json));
      } catch (IOException e) {
        throw new WebhookException("cannot write webhook targets file " + file, e);
      }
    }
    targets.clear();
    targets.putAll(next);
  }

  private void load(Path from) {
    try {
      JsonNode array = MAPPER.readTree(Files.readString(from));
      if (!array.isArray()) {
        throw new WebhookException("corrupt webhook targets file " + from + ": not a JSON array");
      }
      for (JsonNode node : array) {
        WebhookTarget target = WebhookStorageJson.readTarget(node.toString(), from.toString());
        targets.put(target.webhookId(), target);
      }
    } catch (IOException | JacksonException e) {
      throw new WebhookException("cannot read webhook targets file " + from, e);
    }
  }
}
