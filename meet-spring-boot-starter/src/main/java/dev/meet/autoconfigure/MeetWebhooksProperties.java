package dev.meet.autoconfigure;

import dev.meet.core.webhooks.RetryPolicy;
import dev.meet.core.webhooks.WebhookSettings;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The webhooks meet sends to the application's receivers ({@code meet.webhooks.*}). On when {@code enabled} is true,
 * or when it is unset and a {@code url} is set.
 *
 * @param enabled Whether to send webhooks; unset means "when a url is set"
 * @param url The receiver that gets every event (its webhook id is "default")
 * @param signingKey The key of the X-Signature HMAC (meet.livekit.api-key by default, as OpenVidu Meet does)
 * @param attemptTimeout How long one delivery attempt may take, connection and whole answer included
 * @param maxInFlight Delivery attempts in progress at once on this instance
 * @param retry When failed attempts are tried again
 * @param redisPrefix The Redis key prefix of the outbox, the registered webhooks and the room activity, when there is
 *     a RedissonClient; instances sharing it share the outbox
 * @param dataDirectory Where the outbox and the registered webhooks are kept without Redis (one process per
 *     directory)
 */
@ConfigurationProperties("meet.webhooks")
public record MeetWebhooksProperties(
    @Nullable Boolean enabled,
    @Nullable String url,
    @Nullable String signingKey,
    @DefaultValue("5s") Duration attemptTimeout,
    @DefaultValue("64") int maxInFlight,
    @DefaultValue Retry retry,
    @DefaultValue("meet:webhooks") String redisPrefix,
    @DefaultValue("meet-data") Path dataDirectory) {

  /**
   * The dispatcher's settings from these properties, signed with {@code key}; an application whose signing key is not
   * a property (a generated API key) defines its own {@code WebhookSettings} bean with it.
   *
   * @throws MeetConfigurationException naming the property at fault
   */
  public WebhookSettings toSettings(String key) {
    try {
      return WebhookSettings.of(key).withAttemptTimeout(attemptTimeout).withMaxInFlight(maxInFlight)
          .withRetry(new RetryPolicy(retry.initialDelay(), retry.maxDelay(), retry.budget()));
    } catch (IllegalArgumentException e) {
      // The records name the field in the engine's terms: attemptTimeout, maxInFlight, initialDelay, maxDelay.
      throw new MeetConfigurationException("meet.webhooks", e.getMessage(),
          "Fix meet.webhooks.attempt-timeout, meet.webhooks.max-in-flight or meet.webhooks.retry.* as the message "
              + "says (durations positive, max-delay not shorter than initial-delay, max-in-flight at least 1).", e);
    }
  }

  /**
   * Retries: exponential backoff with jitter, {@code Retry-After} honoured.
   *
   * @param initialDelay The first retry's delay
   * @param maxDelay The longest backoff step
   * @param budget How long a delivery is retried after it entered the outbox; then it is kept as failed
   */
  public record Retry(
      @DefaultValue("1s") Duration initialDelay,
      @DefaultValue("10m") Duration maxDelay,
      @DefaultValue("24h") Duration budget) {}
}
