package dev.meet.autoconfigure;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration of meet ({@code meet.*}).
 *
 * @param livekit The LiveKit server and its webhooks
 * @param redis The Redis that instances share (lock and signals); absent for a single instance
 * @param storage Where recordings live
 * @param recording How recordings start
 * @param collectors The orphaned-lock collector and the stale-recording reconciler
 * @param instanceId This instance's name in the locks it takes (hostname, pid and a random suffix by default)
 */
@ConfigurationProperties("meet")
public record MeetProperties(
    @DefaultValue LiveKit livekit,
    @DefaultValue Redis redis,
    @DefaultValue Storage storage,
    @DefaultValue Recording recording,
    @DefaultValue Collectors collectors,
    @Nullable String instanceId) {

  /**
   * The LiveKit server.
   *
   * @param url LiveKit's URL, e.g. http://127.0.0.1:7880 (ws(s):// is accepted)
   * @param apiKey The API key
   * @param apiSecret The API key's secret; it verifies webhooks too
   * @param callTimeout The timeout of every LiveKit call
   * @param webhook The endpoint LiveKit sends its webhooks to
   */
  public record LiveKit(
      @Nullable String url,
      @Nullable String apiKey,
      @Nullable String apiSecret,
      @DefaultValue("10s") Duration callTimeout,
      @DefaultValue Webhook webhook) {}

  /**
   * The LiveKit webhook endpoint (servlet and reactive applications).
   *
   * @param enabled Whether to register the endpoint
   * @param path The path LiveKit's webhook.urls point at
   * @param leeway The clock skew allowed on webhook tokens
   * @param deadline How long handling one webhook may take; past it LiveKit is answered 503 and redelivers (its sender
   *     has no timeout, so a slow dependency must not hold its queue)
   * @param additionalKeys Other API keys (key to secret) whose webhooks are accepted besides meet.livekit.api-key's,
   *     for key rotation: LiveKit never retries a 401, so while it moves to a new key both must verify
   */
  public record Webhook(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("/livekit/webhook") String path,
      @DefaultValue("60s") Duration leeway,
      @DefaultValue("5s") Duration deadline,
      @DefaultValue Map<String, String> additionalKeys) {}

  /**
   * Redis, shared by the instances: the active-recording locks and the "recording is active" signal. Used when this
   * is set or when the application has a {@code RedissonClient} bean.
   *
   * @param url E.g. redis://127.0.0.1:6379 (rediss:// for TLS; credentials in the URL)
   * @param keyPrefix The prefix of the lock keys
   * @param channel The pub/sub channel of the signals
   */
  public record Redis(
      @Nullable String url,
      @DefaultValue("meet:lock:") String keyPrefix,
      @DefaultValue("meet:egress-signals") String channel) {}

  /**
   * Where recordings live: S3 when {@code meet.storage.s3.bucket} is set, else a local directory.
   *
   * @param prefix The key prefix inside the bucket or directory
   * @param localDirectory The directory of the local storage (the egress must write its files there too)
   * @param s3 The S3 bucket
   */
  public record Storage(
      @DefaultValue("openvidu-meet/") String prefix,
      @DefaultValue("meet-recordings") Path localDirectory,
      @DefaultValue S3 s3) {}

  /**
   * An S3 bucket (AWS or S3-compatible).
   *
   * @param bucket The bucket; setting it selects S3 storage
   * @param endpoint The endpoint of an S3-compatible server (AWS when absent)
   * @param region The region
   * @param accessKey The access key (the AWS default credential chain when absent)
   * @param secretKey The secret key
   * @param forcePathStyle Path-style addressing, as most S3-compatible servers need
   * @param sendCredentialsToEgress Whether every egress request carries this bucket's settings, access key and secret
   *     included, so the egress uploads with them (needs the keys). Off by default: the egress writes into the bucket
   *     with its own storage configuration, and no credential of ours goes to LiveKit. <b>Risk:</b> when on, the keys
   *     are part of every StartRoomCompositeEgress request and of the egress info LiveKit keeps, lists and sends in
   *     webhooks; with a LiveKit run by someone else, that party gets write access to the bucket. Turn on only when
   *     you run LiveKit yourself, with keys that can write the recordings prefix and nothing more
   * @param callTimeout The longest one S3 call may take, retries included (the AWS SDK has no limit by default, and a
   *     stalled call would hold a webhook, and LiveKit's queue, past its deadline)
   */
  public record S3(
      @Nullable String bucket,
      @Nullable URI endpoint,
      @DefaultValue("us-east-1") String region,
      @Nullable String accessKey,
      @Nullable String secretKey,
      @DefaultValue("true") boolean forcePathStyle,
      @DefaultValue("false") boolean sendCredentialsToEgress,
      @DefaultValue("10s") Duration callTimeout) {}

  /**
   * How recordings start.
   *
   * @param startTimeout How long a start waits for its egress to become active
   * @param lockTtl How long a room's active lock lives at most (the last safety net)
   * @param shutdownGrace How long in-flight starts may finish when the application stops
   */
  public record Recording(
      @DefaultValue("30s") Duration startTimeout,
      @DefaultValue("6h") Duration lockTtl,
      @DefaultValue("10s") Duration shutdownGrace) {}

  /**
   * The collectors.
   *
   * @param enabled Whether this instance schedules them (one instance at a time runs each anyway)
   * @param interval How often they run
   * @param grace How old a lock or recording must be before they touch it (start timeout + 30 s by default)
   */
  public record Collectors(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("1m") Duration interval,
      @Nullable Duration grace) {}
}
