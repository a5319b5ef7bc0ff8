package dev.meet.core.webhooks;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where events go: a URL, the events it wants (none = all), an optional room scope, and whether it is enabled.
 * In JSON it is OpenVidu Meet's webhook object {@code {webhookId, url, events?, roomId?, enabled, creationDate}}.
 *
 * @param webhookId unique id ({@value WebhookTargets#FIXED_ID} for the configured fixed URL)
 * @param url http(s), without credentials; see {@link #validUrl}
 * @param events the events it receives, no duplicates; empty means every event
 * @param roomId only events of this room when set
 * @param enabled a disabled target gets nothing, and its pending deliveries fail with "webhook disabled"
 * @param creationDate ms since the epoch
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WebhookTarget(
    String webhookId,
    String url,
    List<WebhookEventType> events,
    @Nullable String roomId,
    boolean enabled,
    long creationDate) {

  /** URLs longer than this are refused. */
  public static final int MAX_URL_LENGTH = 2048;

  public WebhookTarget {
    if (webhookId == null || webhookId.isBlank()) {
      throw new IllegalArgumentException("webhookId must not be blank, was " + webhookId);
    }
    validUrl(url);
    events = List.copyOf(Objects.requireNonNull(events, "events"));
    if (events.stream().distinct().count() != events.size()) {
      throw new IllegalArgumentException("events must not repeat an event, was " + events);
    }
    if (roomId != null && roomId.isBlank()) {
      throw new IllegalArgumentException("roomId must not be blank when given");
    }
  }

  /** Whether this target is to get {@code event}. */
  public boolean accepts(WebhookEvent event) {
    return enabled && (events.isEmpty() || events.contains(event.type()))
        && (roomId == null || roomId.equals(event.roomId()));
  }

  /** The URL as a URI. */
  @JsonIgnore
  public URI uri() {
    return URI.create(url);
  }

  /**
   * Checks a webhook URL: absolute {@code http} or {@code https} with a host, no user name or password in it (a
   * credential in a URL ends up in logs and delivery lists), no fragment, at most {@value #MAX_URL_LENGTH}
   * characters.
   *
   * @return the URL as a URI
   * @throws IllegalArgumentException naming the field {@code url} and what is wrong
   */
  public static URI validUrl(@Nullable String url) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("url must not be blank");
    }
    if (url.length() > MAX_URL_LENGTH) {
      throw new IllegalArgumentException("url must be at most " + MAX_URL_LENGTH + " characters, was "
          + url.length());
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("url is not a valid URL: " + e.getReason(), e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("url must be an http or https URL, was scheme '" + scheme + "'");
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("url must not contain a user name or password");
    }
    if (uri.getHost() == null || uri.getHost().isBlank()) {
      throw new IllegalArgumentException("url must name a host");
    }
    if (uri.getRawFragment() != null) {
      throw new IllegalArgumentException("url must not have a fragment (#...)");
    }
    return uri;
  }
}
