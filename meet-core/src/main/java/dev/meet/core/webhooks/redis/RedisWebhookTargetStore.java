package dev.meet.core.webhooks.redis;

import dev.meet.core.webhooks.WebhookException;
import dev.meet.core.webhooks.WebhookStorageJson;
import dev.meet.core.webhooks.WebhookTarget;
import dev.meet.core.webhooks.WebhookTargetStore;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.redisson.api.RMap;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * Registered webhooks in one Redis hash ({@code {prefix}:targets}, webhookId → target JSON), shared by every
 * instance. Creation checks the limit and stores in one Lua script, so two instances cannot together exceed it.
 */
public final class RedisWebhookTargetStore implements WebhookTargetStore {

  private static final String CREATE = """
      if redis.call('hexists', KEYS[1], ARGV[1]) == 1 then return -1 end
      if redis.call('hlen', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
      redis.call('hset', KEYS[1], ARGV[1], ARGV[2])
      return 1
      """;

  private static final String UPDATE = """
      if redis.call('hexists', KEYS[1], ARGV[1]) == 0 then return 0 end
      redis.call('hset', KEYS[1], ARGV[1], ARGV[2])
      return 1
      """;

  private final RMap<String, String> targets;
  private final RScript script;
  private final String key;

  /** @param prefix the same prefix as the deployment's {@link RedisWebhookOutbox} */
  public RedisWebhookTargetStore(RedissonClient client, String prefix) {
    Objects.requireNonNull(client, "client");
    this.key = HashTag.of(prefix) + "targets";
    this.targets = client.getMap(key, StringCodec.INSTANCE);
    this.script = client.getScript(StringCodec.INSTANCE);
  }

  @Override
  public List<WebhookTarget> list() {
    Map<String, String> all = call("list webhooks", targets::readAllMap);
    return all.values().stream()
        .map(json -> WebhookStorageJson.readTarget(json, "redis " + key))
        .sorted(Comparator.comparingLong(WebhookTarget::creationDate).thenComparing(WebhookTarget::webhookId))
        .toList();
  }

  @Override
  public Optional<WebhookTarget> get(String webhookId) {
    String json = call("read a webhook", () -> targets.get(webhookId));
    return json == null ? Optional.empty() : Optional.of(WebhookStorageJson.readTarget(json, "redis " + key));
  }

  @Override
  public boolean create(WebhookTarget target, int maxTargets) {
    Long created = call("create a webhook", () -> script.eval(RScript.Mode.READ_WRITE, CREATE,
        RScript.ReturnType.LONG, List.of(key), target.webhookId(), WebhookStorageJson.write(target),
        Integer.toString(maxTargets)));
    if (created != null && created == -1L) {
      throw new IllegalArgumentException("webhookId " + target.webhookId() + " exists already");
    }
    return created != null && created == 1L;
  }

  @Override
  public boolean update(WebhookTarget target) {
    Long updated = call("update a webhook", () -> script.eval(RScript.Mode.READ_WRITE, UPDATE,
        RScript.ReturnType.LONG, List.of(key), target.webhookId(), WebhookStorageJson.write(target)));
    return updated != null && updated == 1L;
  }

  @Override
  public boolean delete(String webhookId) {
    Long removed = call("delete a webhook", () -> targets.fastRemove(webhookId));
    return removed != null && removed > 0;
  }

  private <T> T call(String what, Supplier<T> operation) {
    try {
      return operation.get();
    } catch (RuntimeException e) {
      // Redisson reports an outage, a timeout or a shut-down client with several unchecked types.
      throw new WebhookException("webhook targets in Redis: could not " + what + ": " + e.getMessage(), e);
    }
  }
}
