package dev.meet.core.webhooks;

import dev.meet.core.webhooks.RoomEventDeriver.Activity;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where {@link LiveKitRoomWebhooks} keeps what it has seen of each room (SPI). The compare-and-set is what makes
 * meeting and participant events exactly-once across instances: of two instances handling the same LiveKit webhook,
 * only the one whose write wins publishes. Failures to reach the store are {@link WebhookException}s.
 */
public interface RoomActivityStore {

  /** What was seen of the room, or empty for a room never seen (or forgotten). */
  Optional<Activity> get(String roomId);

  /**
   * Stores {@code next} if the stored activity is still {@code expected} (null: none stored).
   *
   * @return false when another write came first (nothing stored)
   */
  boolean compareAndSet(String roomId, @Nullable Activity expected, Activity next);
}
