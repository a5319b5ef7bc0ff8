package dev.meet.app.recordings;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.redisson.api.RedissonClient;

/**
 * Marks a recording as "being stopped" while one stop call is in flight, on every instance, so that a concurrent
 * stop of the same recording is answered 409 "is already being stopped" instead of racing to LiveKit. The marker
 * expires by itself (a crashed instance never blocks stops for long).
 */
public interface StopGuard {

  /** @return false when another stop of this recording is in flight */
  boolean begin(String recordingId);

  void end(String recordingId);

  /** One instance: a set in memory. */
  static StopGuard inMemory() {
    Set<String> stopping = ConcurrentHashMap.newKeySet();
    return new StopGuard() {
      @Override
      public boolean begin(String recordingId) {
        return stopping.add(recordingId);
      }

      @Override
      public void end(String recordingId) {
        stopping.remove(recordingId);
      }
    };
  }

  /** Several instances: {@code SET NX PX} on a Redis key per recording. */
  static StopGuard redis(RedissonClient redis, Duration ttl) {
    return new StopGuard() {
      @Override
      public boolean begin(String recordingId) {
        return redis.getBucket(key(recordingId)).setIfAbsent("1", ttl);
      }

      @Override
      public void end(String recordingId) {
        redis.getBucket(key(recordingId)).delete();
      }

      private String key(String recordingId) {
        return "meet:stopping:" + recordingId;
      }
    };
  }
}
