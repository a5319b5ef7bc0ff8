package dev.meet.core.livekit;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Where LiveKit's server API is and how to call it.
 *
 * <p>The URL may be given as LiveKit's clients use it ({@code wss://livekit.example.com}): the server API is the same
 * host over HTTP(S), which {@link #httpUrl()} derives.
 *
 * @param url the LiveKit server, {@code http(s)://} or {@code ws(s)://}
 * @param apiKey the API key; it signs every call and is the {@code iss} of LiveKit's webhooks
 * @param apiSecret the secret of that key; never logged ({@link #toString()} hides it)
 * @param callTimeout the longest a single call may take, connecting included (the SDK has no timeout at all:
 *     without one, a LiveKit that accepts connections and never answers would hang a start forever)
 */
public record LiveKitSettings(String url, String apiKey, String apiSecret, Duration callTimeout) {

  /** Long enough for a StartRoomCompositeEgress on a busy LiveKit, short enough to fail a start in time. */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(10);

  public LiveKitSettings {
    requireNonBlank(url, "url");
    requireNonBlank(apiKey, "apiKey");
    requireNonBlank(apiSecret, "apiSecret");
    Objects.requireNonNull(callTimeout, "callTimeout must not be null");
    if (callTimeout.isNegative() || callTimeout.isZero()) {
      throw new IllegalArgumentException("callTimeout must be positive, was " + callTimeout);
    }
    toHttp(url);
  }

  /** With {@link #DEFAULT_CALL_TIMEOUT}. */
  public LiveKitSettings(String url, String apiKey, String apiSecret) {
    this(url, apiKey, apiSecret, DEFAULT_CALL_TIMEOUT);
  }

  /** The server API's base URL: {@code ws}/{@code wss} become {@code http}/{@code https}, always ending in {@code /}. */
  public String httpUrl() {
    return toHttp(url);
  }

  @Override
  public String toString() {
    return "LiveKitSettings[url=" + url + ", apiKey=" + apiKey + ", apiSecret=***, callTimeout=" + callTimeout + "]";
  }

  private static String toHttp(String url) {
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("url is not a valid URL (expected https://host or wss://host), was " + url,
          e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String httpScheme = switch (scheme) {
      case "http", "ws" -> "http";
      case "https", "wss" -> "https";
      default -> throw new IllegalArgumentException(
          "url must start with http://, https://, ws:// or wss://, was " + url);
    };
    if (uri.getHost() == null || uri.getHost().isBlank()) {
      throw new IllegalArgumentException("url has no host (expected https://host or wss://host), was " + url);
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("url must not have a query or fragment, was " + url);
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    if (!path.isEmpty() && !path.equals("/")) {
      // The SDK calls /twirp/... at the server root and would silently drop a path prefix.
      throw new IllegalArgumentException("url must not have a path (the LiveKit SDK calls /twirp/... at the server"
          + " root), was " + url);
    }
    return httpScheme + "://" + uri.getRawAuthority() + "/";
  }

  private static void requireNonBlank(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }
}
