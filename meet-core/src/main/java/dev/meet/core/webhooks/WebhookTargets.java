package dev.meet.core.webhooks;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The targets events go to: an optional fixed URL that gets every event (OpenVidu Meet's {@code MEET_WEBHOOK_URL})
 * plus at most {@value #MAX_TARGETS} registered webhooks kept in a {@link WebhookTargetStore}. This is what a
 * {@code /webhooks} REST resource calls.
 *
 * <pre>{@code
 * WebhookTargets targets = new WebhookTargets(store, System.getenv("MEET_WEBHOOK_URL"), Clock.systemUTC());
 * Optional<WebhookTarget> created = targets.create(new WebhookTargetSpec(url, List.of("recordingEnded"), null, true));
 * }</pre>
 */
public final class WebhookTargets {

  /** The id of the fixed URL's target. */
  public static final String FIXED_ID = "default";

  /** How many webhooks may be registered (the fixed URL not counted). */
  public static final int MAX_TARGETS = 20;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final WebhookTargetStore store;
  private final @Nullable WebhookTarget fixed;
  private final Clock clock;

  /**
   * @param fixedUrl a URL for every event, or null/blank for none
   * @throws IllegalArgumentException when the fixed URL is not a valid webhook URL
   */
  public WebhookTargets(WebhookTargetStore store, @Nullable String fixedUrl, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.fixed = fixedUrl == null || fixedUrl.isBlank() ? null
        : new WebhookTarget(FIXED_ID, fixedUrl.strip(), List.of(), null, true, 0);
  }

  /** The fixed URL's target, when one is configured. */
  public Optional<WebhookTarget> fixed() {
    return Optional.ofNullable(fixed);
  }

  /** The fixed target (when configured) first, then the registered ones. */
  public List<WebhookTarget> all() {
    List<WebhookTarget> all = new ArrayList<>();
    if (fixed != null) {
      all.add(fixed);
    }
    all.addAll(store.list());
    return all;
  }

  /** The registered webhooks, oldest first (what {@code GET /webhooks} lists). */
  public List<WebhookTarget> registered() {
    return store.list();
  }

  /** A target by id, the fixed one included. */
  public Optional<WebhookTarget> find(String webhookId) {
    if (fixed != null && FIXED_ID.equals(webhookId)) {
      return Optional.of(fixed);
    }
    return store.get(webhookId);
  }

  /**
   * Registers a webhook.
   *
   * @return the new target, or empty when {@value #MAX_TARGETS} are registered already
   */
  public Optional<WebhookTarget> create(WebhookTargetSpec spec) {
    WebhookTarget target = spec.toTarget("wh_" + HexFormat.of().formatHex(randomBytes()), clock.millis());
    return store.create(target, MAX_TARGETS) ? Optional.of(target) : Optional.empty();
  }

  /**
   * Replaces what a registered webhook wants; its id and creation date stay.
   *
   * @return the updated target, or empty when there is none with that id
   * @throws IllegalArgumentException for the fixed URL's target, which only configuration changes
   */
  public Optional<WebhookTarget> update(String webhookId, WebhookTargetSpec spec) {
    requireNotFixed(webhookId);
    Optional<WebhookTarget> current = store.get(webhookId);
    if (current.isEmpty()) {
      return Optional.empty();
    }
    WebhookTarget updated = spec.toTarget(webhookId, current.get().creationDate());
    return store.update(updated) ? Optional.of(updated) : Optional.empty();
  }

  /**
   * Removes a registered webhook; its pending deliveries then fail with "webhook deleted".
   *
   * @return false when there was none with that id
   * @throws IllegalArgumentException for the fixed URL's target
   */
  public boolean delete(String webhookId) {
    requireNotFixed(webhookId);
    return store.delete(webhookId);
  }

  private void requireNotFixed(String webhookId) {
    if (FIXED_ID.equals(webhookId)) {
      throw new IllegalArgumentException("webhookId '" + FIXED_ID + "' is the configured webhook URL; change it in "
          + "the configuration");
    }
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[8];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
