package dev.meet.core.webhooks;

import dev.meet.core.livekit.LiveKitEvent;
import dev.meet.core.webhooks.RoomEventDeriver.Activity;
import dev.meet.core.webhooks.RoomEventDeriver.Derived;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes meeting and participant events from verified LiveKit webhooks: derives them with a
 * {@link RoomEventDeriver}, records the room's new activity with a compare-and-set, and publishes only when its write
 * won, so a webhook delivered twice, to one instance or to two, publishes once.
 *
 * <pre>{@code
 * LiveKitRoomWebhooks rooms = new LiveKitRoomWebhooks(RoomEventDeriver.withRoomIdOnly(), activityStore, dispatcher);
 * RecordingManager.builder().liveKitEventListener(rooms::onLiveKitWebhook) // every webhook the manager verified
 * }</pre>
 */
public final class LiveKitRoomWebhooks {

  /** Compare-and-set rounds before giving up on a room that changes under us all the time. */
  static final int MAX_ROUNDS = 16;

  private static final Logger log = LoggerFactory.getLogger(LiveKitRoomWebhooks.class);

  private final RoomEventDeriver deriver;
  private final RoomActivityStore store;
  private final WebhookDispatcher dispatcher;

  public LiveKitRoomWebhooks(RoomEventDeriver deriver, RoomActivityStore store, WebhookDispatcher dispatcher) {
    this.deriver = Objects.requireNonNull(deriver, "deriver");
    this.store = Objects.requireNonNull(store, "store");
    this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher");
  }

  /**
   * Handles one verified LiveKit webhook; events that make no meeting event (egress, track ...) are ignored.
   *
   * @return the events this call published (empty for a repeat, or when another instance published them)
   * @throws WebhookException when the activity store cannot be reached (nothing published: answer LiveKit with an
   *     error so that it retries)
   * @throws IllegalArgumentException when a room or participant webhook lacks its room or participant
   */
  public List<WebhookEvent> onLiveKitWebhook(LiveKitEvent verified) {
    Optional<LiveKitRoomEvent> event = LiveKitRoomEvent.from(verified);
    if (event.isEmpty()) {
      return List.of();
    }
    String roomId = event.get().roomId();
    for (int round = 0; round < MAX_ROUNDS; round++) {
      Activity current = store.get(roomId).orElse(null);
      Derived derived = deriver.derive(current, event.get());
      if (derived.events().isEmpty() && derived.activity().equals(current)) {
        return List.of();
      }
      if (store.compareAndSet(roomId, current, derived.activity())) {
        for (WebhookEvent out : derived.events()) {
          try {
            dispatcher.publish(out);
          } catch (RuntimeException e) {
            log.error("webhook event lost event={} roomId={} reason={}", out.type().value(), roomId, e.getMessage());
          }
        }
        return derived.events();
      }
    }
    throw new WebhookException("room activity of " + roomId + " kept changing; LiveKit webhook " + verified.id()
        + " not applied");
  }
}
