package dev.meet.core.webhooks;

import java.util.List;
import java.util.Optional;

/**
 * Where registered webhooks live (SPI). Every instance of a deployment must see the same targets, so a store is
 * shared the way the outbox is (Redis) or belongs to the one instance (data directory, memory).
 *
 * <p>Implementations are thread-safe; failures to reach the store are {@link WebhookException}s and change nothing.
 */
public interface WebhookTargetStore {

  /** Every stored target, oldest first. */
  List<WebhookTarget> list();

  /** The target, or empty when there is none with that id. */
  Optional<WebhookTarget> get(String webhookId);

  /**
   * Stores a new target unless {@code maxTargets} are stored already; atomic across instances.
   *
   * @return false when the limit was reached (nothing stored)
   * @throws IllegalArgumentException when the id is taken
   */
  boolean create(WebhookTarget target, int maxTargets);

  /** Replaces a target; false when there is none with its id (nothing stored). */
  boolean update(WebhookTarget target);

  /** Removes a target; false when there was none. */
  boolean delete(String webhookId);
}
