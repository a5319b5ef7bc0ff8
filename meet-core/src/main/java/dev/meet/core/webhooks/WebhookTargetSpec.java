package dev.meet.core.webhooks;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a user asks for when registering or replacing a webhook ({@code POST /webhooks}, {@code PUT /webhooks/{id}}),
 * validated on construction with messages naming the field.
 *
 * @param url http(s), no credentials ({@link WebhookTarget#validUrl})
 * @param events wire names such as {@code recordingEnded}; null or empty means every event; repeats are merged
 * @param roomId only events of this room when set
 * @param enabled true when null
 */
public record WebhookTargetSpec(
    String url,
    @Nullable List<String> events,
    @Nullable String roomId,
    @Nullable Boolean enabled) {

  public WebhookTargetSpec {
    WebhookTarget.validUrl(url);
    if (events != null) {
      for (int i = 0; i < events.size(); i++) {
        String name = events.get(i);
        try {
          WebhookEventType.of(name);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("events[" + i + "] must be one of " + WebhookEventType.names()
              + "; was '" + name + "'", e);
        }
      }
      events = List.copyOf(events);
    }
    if (roomId != null && roomId.isBlank()) {
      throw new IllegalArgumentException("roomId must not be blank when given");
    }
  }

  /** The target this spec describes. */
  public WebhookTarget toTarget(String webhookId, long creationDate) {
    List<WebhookEventType> types = new ArrayList<>();
    if (events != null) {
      events.stream().map(WebhookEventType::of).distinct().forEach(types::add);
    }
    return new WebhookTarget(webhookId, url, types, roomId, enabled == null || enabled, creationDate);
  }
}
