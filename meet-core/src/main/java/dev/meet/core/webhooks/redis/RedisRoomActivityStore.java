package dev.meet.core.webhooks.redis;

import dev.meet.core.webhooks.RoomActivityStore;
import dev.meet.core.webhooks.RoomEventDeriver.Activity;
import dev.meet.core.webhooks.WebhookException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Room activity in Redis, one JSON string per room ({@code {prefix}:room:<roomId>}), compared and set in one Lua
 * script; each key expires {@code ttl} after its last change (default 7 days), so rooms that are gone are forgotten.
 */
public final class RedisRoomActivityStore implements RoomActivityStore {

  /** How long a room's activity is kept after its last change unless configured otherwise. */
  public static final Duration DEFAULT_TTL = Duration.ofDays(7);

  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private static final String COMPARE_AND_SET = """
      local current = redis.call('get', KEYS[1])
      if (current or '') ~= ARGV[1] then return 0 end
      redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3])
      return 1
      """;

  private final RedissonClient client;
  private final RScript script;
  private final String prefix;
  private final Duration ttl;

  public RedisRoomActivityStore(RedissonClient client, String prefix) {
    this(client, prefix, DEFAULT_TTL);
  }

  /** @param prefix the same prefix as the deployment's {@link RedisWebhookOutbox} */
  public RedisRoomActivityStore(RedissonClient client, String prefix, Duration ttl) {
    this.client = Objects.requireNonNull(client, "client");
    if (ttl == null || ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive, was " + ttl);
    }
    this.script = client.getScript(StringCodec.INSTANCE);
    this.prefix = HashTag.of(prefix) + "room:";
    this.ttl = ttl;
  }

  @Override
  public Optional<Activity> get(String roomId) {
    String json = call("read room activity", () ->
        client.<String>getBucket(prefix + roomId, StringCodec.INSTANCE).get());
    if (json == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(MAPPER.readValue(json, Activity.class));
    } catch (JacksonException | IllegalArgumentException | NullPointerException e) {
      throw new WebhookException("corrupt room activity in redis " + prefix + roomId, e);
    }
  }

  @Override
  public boolean compareAndSet(String roomId, @Nullable Activity expected, Activity next) {
    String expectedJson = expected == null ? "" : MAPPER.writeValueAsString(expected);
    String nextJson = MAPPER.writeValueAsString(Objects.requireNonNull(next, "next"));
    Long set = call("write room activity", () -> script.eval(RScript.Mode.READ_WRITE, COMPARE_AND_SET,
        RScript.ReturnType.LONG, List.of(prefix + roomId), expectedJson, nextJson, Long.toString(ttl.toMillis())));
    return set != null && set == 1L;
  }

  private <T> T call(String what, Supplier<T> operation) {
    try {
      return operation.get();
    } catch (RuntimeException e) {
      throw new WebhookException("room activity in Redis: could not " + what + ": " + e.getMessage(), e);
    }
  }
}
