package dev.meet.core.webhooks.redis;

import dev.meet.core.webhooks.Delivery;
import dev.meet.core.webhooks.DeliveryStatus;
import dev.meet.core.webhooks.OutboxStats;
import dev.meet.core.webhooks.WebhookException;
import dev.meet.core.webhooks.WebhookOutbox;
import dev.meet.core.webhooks.WebhookStorageJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * The outbox in Redis, shared by every instance of a deployment: what one instance appends, any instance delivers,
 * and a stream leased by an instance that dies is taken over by another when the lease runs out.
 *
 * <p>Every operation is one Lua script, so each is atomic and fenced by the lease token (a settle after a lost lease
 * changes nothing). All keys share one hash tag ({@code {prefix}}), so the scripts also run on Redis Cluster. Keys,
 * with {@code b = "{prefix}:"}:
 * <ul>
 *   <li>{@code b d} hash deliveryId → delivery JSON (pending, failed and recent delivered ones);
 *       {@code b st} hash deliveryId → stream;</li>
 *   <li>{@code b s:<stream>} list of the stream's pending deliveryIds, head first;</li>
 *   <li>{@code b due} sorted set of streams with pending deliveries, scored by when the head is due: its next
 *       attempt, or while leased the lease's end; {@code b lease} hash stream → lease token;</li>
 *   <li>{@code b pending} sorted set deliveryId → enqueuedAt (depth and age of the oldest);
 *       {@code b failed} set of failed deliveryIds;</li>
 *   <li>{@code b w:<webhookId>} sorted set deliveryId → enqueuedAt (the delivery list);
 *       {@code b ok:<webhookId>} list of delivered ids, newest first, trimmed to the history size.</li>
 * </ul>
 *
 * <pre>{@code
 * WebhookOutbox outbox = new RedisWebhookOutbox(redisson, RedisWebhookOutbox.DEFAULT_PREFIX);
 * }</pre>
 */
public final class RedisWebhookOutbox implements WebhookOutbox {

  /** The key prefix every instance of one deployment shares unless configured otherwise. */
  public static final String DEFAULT_PREFIX = "meet:webhooks";

  /** Delivered deliveries kept per target for the delivery list. */
  public static final int DEFAULT_DELIVERED_HISTORY = 100;

  private static final String APPEND = """
      local b = ARGV[1]
      local n = tonumber(ARGV[2])
      for i = 0, n - 1 do
        local id = ARGV[3 + i * 6]
        if redis.call('hexists', b .. 'd', id) == 1 then return id end
      end
      for i = 0, n - 1 do
        local o = 3 + i * 6
        local id, stream, webhook, json, enqueued, due = ARGV[o], ARGV[o+1], ARGV[o+2], ARGV[o+3], ARGV[o+4], ARGV[o+5]
        redis.call('hset', b .. 'd', id, json)
        redis.call('hset', b .. 'st', id, stream)
        redis.call('zadd', b .. 'pending', enqueued, id)
        redis.call('zadd', b .. 'w:' .. webhook, enqueued, id)
        if redis.call('rpush', b .. 's:' .. stream, id) == 1 then
          redis.call('zadd', b .. 'due', due, stream)
        end
      end
      return ''
      """;

  private static final String CLAIM = """
      local b = ARGV[1]
      local now = tonumber(ARGV[2])
      local due = redis.call('zrangebyscore', b .. 'due', '-inf', now, 'LIMIT', 0, 1)
      if #due == 0 then return false end
      local stream = due[1]
      local head = redis.call('lindex', b .. 's:' .. stream, 0)
      if not head then
        redis.call('zrem', b .. 'due', stream)
        return false
      end
      redis.call('hset', b .. 'lease', stream, ARGV[4])
      redis.call('zadd', b .. 'due', now + tonumber(ARGV[3]), stream)
      return redis.call('hget', b .. 'd', head)
      """;

  private static final String SETTLE = """
      local b, stream, id = ARGV[1], ARGV[2], ARGV[4]
      if redis.call('hget', b .. 'lease', stream) ~= ARGV[3] then return 0 end
      local s = b .. 's:' .. stream
      if redis.call('lindex', s, 0) ~= id then return 0 end
      redis.call('hdel', b .. 'lease', stream)
      redis.call('hset', b .. 'd', id, ARGV[5])
      if ARGV[6] == 'pending' then
        redis.call('zadd', b .. 'due', ARGV[7], stream)
        return 1
      end
      redis.call('lpop', s)
      redis.call('zrem', b .. 'pending', id)
      if ARGV[6] == 'delivered' then
        local ok = b .. 'ok:' .. ARGV[8]
        redis.call('lpush', ok, id)
        while redis.call('llen', ok) > tonumber(ARGV[9]) do
          local old = redis.call('rpop', ok)
          redis.call('hdel', b .. 'd', old)
          redis.call('hdel', b .. 'st', old)
          redis.call('zrem', b .. 'w:' .. ARGV[8], old)
        end
      else
        redis.call('sadd', b .. 'failed', id)
      end
      local next = redis.call('lindex', s, 0)
      if next then
        redis.call('zadd', b .. 'due', cjson.decode(redis.call('hget', b .. 'd', next)).nextAttemptAt, stream)
      else
        redis.call('zrem', b .. 'due', stream)
      end
      return 1
      """;

  private static final String REDELIVER = """
      local b, id = ARGV[1], ARGV[2]
      if redis.call('srem', b .. 'failed', id) == 0 then return 0 end
      local stream = redis.call('hget', b .. 'st', id)
      redis.call('hset', b .. 'd', id, ARGV[3])
      redis.call('zadd', b .. 'pending', ARGV[4], id)
      redis.call('zadd', b .. 'w:' .. ARGV[5], ARGV[4], id)
      if redis.call('rpush', b .. 's:' .. stream, id) == 1 then
        redis.call('zadd', b .. 'due', ARGV[4], stream)
      end
      return 1
      """;

  private static final String LIST = """
      local b = ARGV[1]
      local ids = redis.call('zrevrange', b .. 'w:' .. ARGV[2], 0, tonumber(ARGV[3]) - 1)
      if #ids == 0 then return {} end
      return redis.call('hmget', b .. 'd', unpack(ids))
      """;

  private static final String STATS = """
      local b = ARGV[1]
      local oldest = redis.call('zrange', b .. 'pending', 0, 0, 'WITHSCORES')
      return {tostring(redis.call('zcard', b .. 'pending')), oldest[2] or ''}
      """;

  private final RScript script;
  private final String base;
  private final int deliveredHistory;

  /** With {@link #DEFAULT_DELIVERED_HISTORY}. */
  public RedisWebhookOutbox(RedissonClient client, String prefix) {
    this(client, prefix, DEFAULT_DELIVERED_HISTORY);
  }

  /**
   * @param prefix key prefix; instances that share an outbox use the same one
   * @param deliveredHistory delivered deliveries kept per target
   */
  public RedisWebhookOutbox(RedissonClient client, String prefix, int deliveredHistory) {
    Objects.requireNonNull(client, "client");
    if (deliveredHistory < 0) {
      throw new IllegalArgumentException("deliveredHistory must not be negative, was " + deliveredHistory);
    }
    this.script = client.getScript(StringCodec.INSTANCE);
    this.base = HashTag.of(prefix);
    this.deliveredHistory = deliveredHistory;
  }

  @Override
  public void append(List<Delivery> deliveries) {
    if (deliveries.isEmpty()) {
      return;
    }
    List<Object> args = new ArrayList<>(List.of(base, Integer.toString(deliveries.size())));
    for (Delivery delivery : deliveries) {
      if (delivery.status() != DeliveryStatus.PENDING) {
        throw new IllegalArgumentException("deliveries must be pending, " + delivery.deliveryId() + " is "
            + delivery.status().value());
      }
      args.add(delivery.deliveryId());
      args.add(delivery.stream());
      args.add(delivery.webhookId());
      args.add(WebhookStorageJson.write(delivery));
      args.add(Long.toString(delivery.enqueuedAt()));
      args.add(Long.toString(delivery.nextAttemptAt()));
    }
    String duplicate = call("append deliveries", () -> script.eval(RScript.Mode.READ_WRITE, APPEND,
        RScript.ReturnType.VALUE, List.of(), args.toArray()));
    if (duplicate != null && !duplicate.isEmpty()) {
      throw new IllegalArgumentException("deliveryId " + duplicate + " is in the outbox already");
    }
  }

  @Override
  public Optional<Claim> claim(long now, Duration lease) {
    String token = UUID.randomUUID().toString();
    String json = call("claim a delivery", () -> script.eval(RScript.Mode.READ_WRITE, CLAIM,
        RScript.ReturnType.VALUE, List.of(), base, Long.toString(now), Long.toString(lease.toMillis()), token));
    return json == null ? Optional.empty()
        : Optional.of(new Claim(WebhookStorageJson.readDelivery(json, "redis " + base + "d"), token));
  }

  @Override
  public boolean settle(Claim claim, Delivery outcome) {
    Delivery claimed = claim.delivery();
    if (!claimed.deliveryId().equals(outcome.deliveryId()) || !claimed.stream().equals(outcome.stream())) {
      throw new IllegalArgumentException("outcome " + outcome.deliveryId() + " is not the claimed delivery "
          + claimed.deliveryId());
    }
    Long settled = call("settle a delivery", () -> script.eval(RScript.Mode.READ_WRITE, SETTLE,
        RScript.ReturnType.LONG, List.of(), base, claimed.stream(), claim.token(), outcome.deliveryId(),
        WebhookStorageJson.write(outcome), outcome.status().value(), Long.toString(outcome.nextAttemptAt()),
        outcome.webhookId(), Integer.toString(deliveredHistory)));
    return settled != null && settled == 1L;
  }

  @Override
  public Optional<Delivery> get(String deliveryId) {
    String json = call("read a delivery", () -> script.eval(RScript.Mode.READ_ONLY,
        "return redis.call('hget', ARGV[1] .. 'd', ARGV[2])", RScript.ReturnType.VALUE, List.of(), base,
        deliveryId));
    return json == null ? Optional.empty() : Optional.of(WebhookStorageJson.readDelivery(json, "redis " + base + "d"));
  }

  @Override
  public List<Delivery> deliveries(String webhookId, int limit) {
    if (limit <= 0) {
      return List.of();
    }
    List<Object> documents = call("list deliveries", () -> script.eval(RScript.Mode.READ_ONLY, LIST,
        RScript.ReturnType.LIST, List.of(), base, webhookId, Integer.toString(limit)));
    List<Delivery> deliveries = new ArrayList<>();
    for (Object document : documents) {
      if (document instanceof String json) {
        deliveries.add(WebhookStorageJson.readDelivery(json, "redis " + base + "d"));
      }
    }
    return deliveries;
  }

  @Override
  public Optional<Delivery> redeliver(String deliveryId, long now) {
    Optional<Delivery> current = get(deliveryId);
    if (current.isEmpty() || current.get().status() != DeliveryStatus.FAILED) {
      return Optional.empty();
    }
    Delivery again = current.get().redelivered(now);
    Long done = call("redeliver a delivery", () -> script.eval(RScript.Mode.READ_WRITE, REDELIVER,
        RScript.ReturnType.LONG, List.of(), base, deliveryId, WebhookStorageJson.write(again), Long.toString(now),
        again.webhookId()));
    return done != null && done == 1L ? Optional.of(again) : Optional.empty();
  }

  @Override
  public OutboxStats stats() {
    List<Object> answer = call("read outbox stats", () -> script.eval(RScript.Mode.READ_ONLY, STATS,
        RScript.ReturnType.LIST, List.of(), base));
    long pending = Long.parseLong(String.valueOf(answer.get(0)));
    String oldest = String.valueOf(answer.get(1));
    return new OutboxStats(pending, oldest.isEmpty() ? null : (long) Double.parseDouble(oldest));
  }

  private <T> T call(String what, Supplier<T> operation) {
    try {
      return operation.get();
    } catch (RuntimeException e) {
      // Redisson reports an outage, a timeout or a shut-down client with several unchecked types.
      throw new WebhookException("webhook outbox in Redis: could not " + what + ": " + e.getMessage(), e);
    }
  }
}
