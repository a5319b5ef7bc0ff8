package dev.meet.testkit.livekit;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fault switches of one emulator. Every switch is thread-safe, takes effect for the next request or webhook, and
 * stays armed until it is turned off or {@link #reset()} is called.
 */
public final class Faults {

  private volatile boolean duplicateWebhooks;
  private final Set<String> droppedEvents = ConcurrentHashMap.newKeySet();
  private final Map<String, Duration> delayedEvents = new ConcurrentHashMap<>();
  private volatile WebhookTokenFault webhookTokenFault = WebhookTokenFault.NONE;
  private volatile boolean egressStuckInStarting;
  private volatile boolean stopEgressUnavailable;
  private volatile boolean startEgressNotEnoughCpu;

  /** Every webhook is delivered twice: the same bytes and id, one right after the other. */
  public Faults duplicateWebhooks(boolean on) {
    this.duplicateWebhooks = on;
    return this;
  }

  public boolean duplicateWebhooks() {
    return duplicateWebhooks;
  }

  /** Webhooks with this event name (e.g. {@code egress_ended}) are never sent. */
  public Faults dropEvent(String event) {
    droppedEvents.add(Objects.requireNonNull(event, "event"));
    return this;
  }

  public boolean isDropped(String event) {
    return droppedEvents.contains(event);
  }

  /**
   * Webhooks with this event name leave their FIFO queue and are sent on their own after {@code delay}, so later
   * events, of the same resource or of another one, overtake them.
   */
  public Faults delayEvent(String event, Duration delay) {
    Objects.requireNonNull(event, "event");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative, was " + delay);
    }
    delayedEvents.put(event, delay);
    return this;
  }

  /** The event names being dropped. */
  public Set<String> droppedEvents() {
    return Set.copyOf(droppedEvents);
  }

  /** The armed delays in milliseconds, by event name. */
  public Map<String, Long> delayedEventsMillis() {
    Map<String, Long> millis = new java.util.TreeMap<>();
    delayedEvents.forEach((event, delay) -> millis.put(event, delay.toMillis()));
    return millis;
  }

  /** The delay armed for this event name, or {@link Duration#ZERO}. */
  public Duration delayOf(String event) {
    return delayedEvents.getOrDefault(event, Duration.ZERO);
  }

  /** Corrupts the {@code Authorization} header of every webhook sent from now on. */
  public Faults webhookToken(WebhookTokenFault fault) {
    this.webhookTokenFault = Objects.requireNonNull(fault, "fault");
    return this;
  }

  public WebhookTokenFault webhookToken() {
    return webhookTokenFault;
  }

  /** Egresses started from now on never become ACTIVE (as when the egress never receives its start signal). */
  public Faults egressStuckInStarting(boolean on) {
    this.egressStuckInStarting = on;
    return this;
  }

  public boolean egressStuckInStarting() {
    return egressStuckInStarting;
  }

  /** StopEgress answers 503 {@code unavailable} "no response from servers" and changes nothing. */
  public Faults stopEgressUnavailable(boolean on) {
    this.stopEgressUnavailable = on;
    return this;
  }

  public boolean stopEgressUnavailable() {
    return stopEgressUnavailable;
  }

  /** StartRoomCompositeEgress answers 503 {@code unavailable} "not enough CPU" and creates nothing. */
  public Faults startEgressNotEnoughCpu(boolean on) {
    this.startEgressNotEnoughCpu = on;
    return this;
  }

  public boolean startEgressNotEnoughCpu() {
    return startEgressNotEnoughCpu;
  }

  /** Turns every switch off. */
  public Faults reset() {
    duplicateWebhooks = false;
    droppedEvents.clear();
    delayedEvents.clear();
    webhookTokenFault = WebhookTokenFault.NONE;
    egressStuckInStarting = false;
    stopEgressUnavailable = false;
    startEgressNotEnoughCpu = false;
    return this;
  }
}
