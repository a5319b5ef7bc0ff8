package dev.meet.testkit.livekit;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Fault switches of one emulator. Every switch is thread-safe, takes effect for the next request or webhook, and
 * stays armed until it is turned off or {@link #reset()} is called.
 */
public final class Faults {

  /** The method name that stands for every Twirp method in the per-method faults. */
  public static final String ANY_METHOD = "*";

  /** The longest a {@link LostAnswer#TIMEOUT} holds a connection before closing it unanswered. */
  public static final Duration LOST_ANSWER_HOLD = Duration.ofSeconds(60);

  private volatile boolean duplicateWebhooks;
  private final Set<String> droppedEvents = ConcurrentHashMap.newKeySet();
  private final Map<String, Duration> delayedEvents = new ConcurrentHashMap<>();
  private volatile WebhookTokenFault webhookTokenFault = WebhookTokenFault.NONE;
  private volatile boolean egressStuckInStarting;
  private volatile boolean stopEgressUnavailable;
  private volatile boolean startEgressNotEnoughCpu;
  private final Map<String, Duration> requestDelays = new ConcurrentHashMap<>();
  private final Map<String, Duration> answerDelays = new ConcurrentHashMap<>();
  private final Map<String, LostAnswer> lostAnswers = new ConcurrentHashMap<>();
  /** Signalled whenever a lost-answer switch changes, so held connections re-check theirs. */
  private final Object lostAnswerChanged = new Object();

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
    Map<String, Long> millis = new TreeMap<>();
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

  // ------------------------------------------------------------------ per Twirp method

  /**
   * Calls of {@code method} reach LiveKit {@code delay} late: the call is applied after the delay, then answered (a
   * slow network or a busy server in front of the call). {@link Duration#ZERO} removes the delay.
   *
   * @param method a Twirp method as the request counters name it ({@code "Egress/StartRoomCompositeEgress"},
   *     {@code "RoomService/ListRooms"}, ...) or {@value #ANY_METHOD} for every method; a method's own setting wins
   *     over {@value #ANY_METHOD}
   * @throws IllegalArgumentException for an unknown method or a negative delay
   */
  public Faults delayRequest(String method, Duration delay) {
    put(requestDelays, requireMethod(method), requireDelay(delay, "delay"));
    return this;
  }

  /**
   * Calls of {@code method} are applied at once but answered {@code delay} later: a caller with a shorter timeout
   * gives up although the call took effect. {@link Duration#ZERO} removes the delay.
   *
   * @param method as in {@link #delayRequest(String, Duration)}
   * @throws IllegalArgumentException for an unknown method or a negative delay
   */
  public Faults delayAnswer(String method, Duration delay) {
    put(answerDelays, requireMethod(method), requireDelay(delay, "delay"));
    return this;
  }

  /**
   * Calls of {@code method} are applied (an egress is created, stopped, ...) and then their answer is lost the given
   * way. {@link LostAnswer#NONE} removes the fault and releases connections held by {@link LostAnswer#TIMEOUT}.
   *
   * @param method as in {@link #delayRequest(String, Duration)}
   * @throws IllegalArgumentException for an unknown method
   */
  public Faults loseAnswer(String method, LostAnswer how) {
    String key = requireMethod(method);
    Objects.requireNonNull(how, "how");
    if (how == LostAnswer.NONE) {
      lostAnswers.remove(key);
    } else {
      lostAnswers.put(key, how);
    }
    signalLostAnswerChanged();
    return this;
  }

  /** The request delay armed for {@code method} (or for every method), else {@link Duration#ZERO}. */
  public Duration requestDelayOf(String method) {
    return lookup(requestDelays, method, Duration.ZERO);
  }

  /** The answer delay armed for {@code method} (or for every method), else {@link Duration#ZERO}. */
  public Duration answerDelayOf(String method) {
    return lookup(answerDelays, method, Duration.ZERO);
  }

  /** How the answers of {@code method} are lost (or of every method), else {@link LostAnswer#NONE}. */
  public LostAnswer lostAnswerOf(String method) {
    return lookup(lostAnswers, method, LostAnswer.NONE);
  }

  /** The armed request delays in milliseconds, by method. */
  public Map<String, Long> requestDelaysMillis() {
    return millis(requestDelays);
  }

  /** The armed answer delays in milliseconds, by method. */
  public Map<String, Long> answerDelaysMillis() {
    return millis(answerDelays);
  }

  /** The armed lost answers, by method. */
  public Map<String, LostAnswer> lostAnswers() {
    return new TreeMap<>(lostAnswers);
  }

  /**
   * Holds the calling thread while the answers of {@code method} are lost by {@link LostAnswer#TIMEOUT}: until the
   * fault changes, {@link #LOST_ANSWER_HOLD} passes, or the thread is interrupted (the emulator closes).
   */
  void holdLostAnswer(String method) {
    long deadline = System.nanoTime() + LOST_ANSWER_HOLD.toNanos();
    synchronized (lostAnswerChanged) {
      while (lostAnswerOf(method) == LostAnswer.TIMEOUT) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(lostAnswerChanged, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private void signalLostAnswerChanged() {
    synchronized (lostAnswerChanged) {
      lostAnswerChanged.notifyAll();
    }
  }

  private static String requireMethod(String method) {
    Objects.requireNonNull(method, "method");
    if (!method.equals(ANY_METHOD) && !TwirpHandler.METHOD_NAMES.contains(method)) {
      throw new IllegalArgumentException(
          "method must be " + ANY_METHOD + " or one of " + TwirpHandler.METHOD_NAMES + ", was " + method);
    }
    return method;
  }

  private static Duration requireDelay(Duration delay, String name) {
    Objects.requireNonNull(delay, name);
    if (delay.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, was " + delay);
    }
    return delay;
  }

  private static void put(Map<String, Duration> delays, String method, Duration delay) {
    if (delay.isZero()) {
      delays.remove(method);
    } else {
      delays.put(method, delay);
    }
  }

  private static <V> V lookup(Map<String, V> byMethod, String method, V none) {
    V own = byMethod.get(method);
    return own != null ? own : byMethod.getOrDefault(ANY_METHOD, none);
  }

  private static Map<String, Long> millis(Map<String, Duration> delays) {
    Map<String, Long> millis = new TreeMap<>();
    delays.forEach((method, delay) -> millis.put(method, delay.toMillis()));
    return millis;
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
    requestDelays.clear();
    answerDelays.clear();
    lostAnswers.clear();
    signalLostAnswerChanged();
    return this;
  }
}
