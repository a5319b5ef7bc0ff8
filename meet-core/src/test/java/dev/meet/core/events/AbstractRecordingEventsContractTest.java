package dev.meet.core.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.meet.core.RecordingStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link RecordingEvents} provider must have. A provider's test is a short subclass that says how
 * to make an instance and whether instances share a transport:
 *
 * <pre>{@code
 * class MyRecordingEventsTest extends AbstractRecordingEventsContractTest {
 *   protected RecordingEvents newEvents() { return new MyRecordingEvents(sharedTransport); }
 *   protected boolean sharesAcrossInstances() { return true; }
 * }
 * }</pre>
 *
 * <p>"Nothing arrives" cannot be awaited, so those tests publish a marker signal afterwards on the same instance and
 * wait for it: every provider delivers one publisher's signals in publish order, so once the marker has arrived
 * the signal before it would have too. Instances made by {@link #events()} are closed after each test.
 */
public abstract class AbstractRecordingEventsContractTest {

  /** Generous for a loaded CI machine; a passing test never waits this long. */
  protected static final Duration DELIVERY = Duration.ofSeconds(10);

  private static final AtomicInteger EGRESS_COUNTER = new AtomicInteger();

  private final List<RecordingEvents> instances = new ArrayList<>();

  /**
   * A new, open provider instance, as one application instance would create it. Within one test, every instance must
   * use the same transport (the same Redis and channel, say), so that {@link #sharesAcrossInstances()} can hold.
   */
  protected abstract RecordingEvents newEvents();

  /** Whether a signal published on one instance reaches subscribers on another (false for in-process providers). */
  protected abstract boolean sharesAcrossInstances();

  /** A new instance from {@link #newEvents()}, closed after the test. */
  protected final RecordingEvents events() {
    RecordingEvents events = newEvents();
    instances.add(events);
    return events;
  }

  @AfterEach
  final void closeInstances() {
    instances.forEach(RecordingEvents::close);
    instances.clear();
  }

  /** An egress id no other test of the run uses, so tests sharing a server never see each other's signals. */
  protected static String newEgressId() {
    return "EG_contract" + System.nanoTime() + "x" + EGRESS_COUNTER.incrementAndGet();
  }

  protected static EgressSignal signal(String egressId, RecordingStatus status) {
    return new EgressSignal(egressId, status);
  }

  @Test
  void aSubscriberReceivesTheSignalsOfItsEgress() {
    RecordingEvents events = events();
    String egressId = newEgressId();
    Received received = new Received();
    events.subscribe(egressId, received);

    events.publish(signal(egressId, RecordingStatus.ACTIVE));

    received.awaitExactly(signal(egressId, RecordingStatus.ACTIVE));
  }

  @Test
  void aSubscriberReceivesTheSignalsOfItsEgressInPublishOrder() {
    RecordingEvents events = events();
    String egressId = newEgressId();
    Received received = new Received();
    events.subscribe(egressId, received);

    for (RecordingStatus status : List.of(RecordingStatus.STARTING, RecordingStatus.ACTIVE, RecordingStatus.ENDING,
        RecordingStatus.COMPLETE)) {
      events.publish(signal(egressId, status));
    }

    received.awaitExactly(signal(egressId, RecordingStatus.STARTING), signal(egressId, RecordingStatus.ACTIVE),
        signal(egressId, RecordingStatus.ENDING), signal(egressId, RecordingStatus.COMPLETE));
  }

  @Test
  void aSubscriberDoesNotReceiveTheSignalsOfOtherEgresses() {
    RecordingEvents events = events();
    String mine = newEgressId();
    String other = newEgressId();
    Received received = new Received();
    events.subscribe(mine, received);

    events.publish(signal(other, RecordingStatus.ACTIVE));
    events.publish(signal(mine, RecordingStatus.FAILED));

    received.awaitExactly(signal(mine, RecordingStatus.FAILED));
  }

  @Test
  void aClosedSubscriptionReceivesNothing() {
    RecordingEvents events = events();
    String egressId = newEgressId();
    Received closedOne = new Received();
    Received openOne = new Received();
    events.subscribe(egressId, closedOne).close();
    events.subscribe(egressId, openOne);

    events.publish(signal(egressId, RecordingStatus.ACTIVE));
    events.publish(signal(egressId, RecordingStatus.ENDING));

    openOne.awaitExactly(signal(egressId, RecordingStatus.ACTIVE), signal(egressId, RecordingStatus.ENDING));
    assertThat(closedOne.signals()).isEmpty();
  }

  @Test
  void closingASubscriptionStopsDeliveryToItAfterItReceivedSignals() {
    RecordingEvents events = events();
    String egressId = newEgressId();
    Received received = new Received();
    RecordingEvents.Subscription subscription = events.subscribe(egressId, received);
    events.publish(signal(egressId, RecordingStatus.STARTING));
    received.awaitExactly(signal(egressId, RecordingStatus.STARTING));

    subscription.close();
    Received marker = new Received();
    events.subscribe(egressId, marker);
    events.publish(signal(egressId, RecordingStatus.ACTIVE));

    marker.awaitExactly(signal(egressId, RecordingStatus.ACTIVE));
    assertThat(received.signals()).containsExactly(signal(egressId, RecordingStatus.STARTING));
  }

  @Test
  void closingASubscriptionTwiceIsHarmless() {
    RecordingEvents events = events();
    RecordingEvents.Subscription subscription = events.subscribe(newEgressId(), new Received());

    subscription.close();

    assertThatCode(subscription::close).doesNotThrowAnyException();
  }

  @Test
  void aSignalPublishedOnOneInstanceReachesTheSubscriberOnAnother() {
    assumeTrue(sharesAcrossInstances(), "this provider does not share signals across instances");
    RecordingEvents publisher = events();
    RecordingEvents waiter = events();
    String egressId = newEgressId();
    Received received = new Received();
    waiter.subscribe(egressId, received);

    publisher.publish(signal(egressId, RecordingStatus.ACTIVE));

    received.awaitExactly(signal(egressId, RecordingStatus.ACTIVE));
  }

  @Test
  void aSignalReachesSubscribersOnEveryInstanceIncludingThePublishers() {
    assumeTrue(sharesAcrossInstances(), "this provider does not share signals across instances");
    RecordingEvents first = events();
    RecordingEvents second = events();
    String egressId = newEgressId();
    Received onFirst = new Received();
    Received onSecond = new Received();
    first.subscribe(egressId, onFirst);
    second.subscribe(egressId, onSecond);

    first.publish(signal(egressId, RecordingStatus.ACTIVE));

    onFirst.awaitExactly(signal(egressId, RecordingStatus.ACTIVE));
    onSecond.awaitExactly(signal(egressId, RecordingStatus.ACTIVE));
  }

  @Test
  void everySubscriberOfAnEgressReceivesItsSignal() {
    RecordingEvents events = events();
    String egressId = newEgressId();
    List<Received> subscribers = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Received received = new Received();
      events.subscribe(egressId, received);
      subscribers.add(received);
    }

    events.publish(signal(egressId, RecordingStatus.ACTIVE));

    subscribers.forEach(received -> received.awaitExactly(signal(egressId, RecordingStatus.ACTIVE)));
  }

  @Test
  void subscribersOfManyEgressesEachReceiveOnlyTheirOwn() {
    RecordingEvents events = events();
    List<String> egressIds = new ArrayList<>();
    List<Received> subscribers = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      String egressId = newEgressId();
      Received received = new Received();
      events.subscribe(egressId, received);
      egressIds.add(egressId);
      subscribers.add(received);
    }

    egressIds.forEach(egressId -> events.publish(signal(egressId, RecordingStatus.ACTIVE)));

    for (int i = 0; i < egressIds.size(); i++) {
      subscribers.get(i).awaitExactly(signal(egressIds.get(i), RecordingStatus.ACTIVE));
    }
  }

  @Test
  void publishingWithoutSubscribersIsFine() {
    RecordingEvents events = events();

    assertThatCode(() -> events.publish(signal(newEgressId(), RecordingStatus.ACTIVE))).doesNotThrowAnyException();
  }

  @Test
  void aSubscriberDoesNotReceiveSignalsDeliveredBeforeItSubscribed() {
    RecordingEvents events = events();
    String egressId = newEgressId();
    // Pub/sub is asynchronous: "before" means the earlier signal was delivered (to an earlier subscriber) already.
    Received earlier = new Received();
    events.subscribe(egressId, earlier);
    events.publish(signal(egressId, RecordingStatus.STARTING));
    earlier.awaitExactly(signal(egressId, RecordingStatus.STARTING));
    Received received = new Received();
    events.subscribe(egressId, received);

    events.publish(signal(egressId, RecordingStatus.ACTIVE));

    received.awaitExactly(signal(egressId, RecordingStatus.ACTIVE));
  }

  @Test
  void aFailingListenerDoesNotStopDeliveryToTheOthers() {
    RecordingEvents events = events();
    String egressId = newEgressId();
    events.subscribe(egressId, signal -> {
      throw new IllegalStateException("listener bug, on purpose");
    });
    Received received = new Received();
    events.subscribe(egressId, received);

    events.publish(signal(egressId, RecordingStatus.ACTIVE));
    events.publish(signal(egressId, RecordingStatus.ENDING));

    received.awaitExactly(signal(egressId, RecordingStatus.ACTIVE), signal(egressId, RecordingStatus.ENDING));
  }

  @Test
  void listenersDoNotRunOnThePublishersThread() {
    RecordingEvents events = events();
    String egressId = newEgressId();
    List<Thread> threads = new CopyOnWriteArrayList<>();
    Received received = new Received();
    events.subscribe(egressId, signal -> {
      threads.add(Thread.currentThread());
      received.accept(signal);
    });

    events.publish(signal(egressId, RecordingStatus.ACTIVE));

    received.awaitExactly(signal(egressId, RecordingStatus.ACTIVE));
    assertThat(threads).doesNotContain(Thread.currentThread());
  }

  @Test
  void closingTheProviderStopsDeliveryAndRejectsFurtherUse() {
    RecordingEvents events = events();
    String egressId = newEgressId();
    Received received = new Received();
    events.subscribe(egressId, received);

    events.close();

    assertThatThrownBy(() -> events.publish(signal(egressId, RecordingStatus.ACTIVE)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> events.subscribe(egressId, new Received()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThat(received.signals()).isEmpty();
  }

  @Test
  void aClosedInstanceNoLongerReceivesWhatAnotherInstancePublishes() {
    assumeTrue(sharesAcrossInstances(), "this provider does not share signals across instances");
    RecordingEvents publisher = events();
    RecordingEvents closing = events();
    String egressId = newEgressId();
    Received onClosed = new Received();
    closing.subscribe(egressId, onClosed);
    Received marker = new Received();
    publisher.subscribe(egressId, marker);

    closing.close();
    publisher.publish(signal(egressId, RecordingStatus.ACTIVE));

    marker.awaitExactly(signal(egressId, RecordingStatus.ACTIVE));
    // The closed instance dropped its listeners when it closed, before the signal was published.
    assertThat(onClosed.signals()).isEmpty();
  }

  @Test
  void closingTheProviderTwiceIsHarmless() {
    RecordingEvents events = events();

    events.close();

    assertThatCode(events::close).doesNotThrowAnyException();
  }

  @Test
  void subscribingWithoutAnEgressIdIsRejected() {
    RecordingEvents events = events();

    assertThatThrownBy(() -> events.subscribe(" ", new Received()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("egressId");
  }

  /** A listener that records what it receives. */
  protected static final class Received implements java.util.function.Consumer<EgressSignal> {

    private final List<EgressSignal> signals = new CopyOnWriteArrayList<>();

    public Received() {}

    /** What arrived so far, in arrival order. */
    public List<EgressSignal> signals() {
      return List.copyOf(signals);
    }

    @Override
    public void accept(EgressSignal signal) {
      signals.add(signal);
    }

    /** Waits until these signals, and only these, have arrived in this order. */
    public void awaitExactly(EgressSignal... expected) {
      await().atMost(DELIVERY)
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(10))
          .until(() -> signals.size() >= expected.length);
      assertThat(signals).containsExactly(expected);
    }
  }
}
