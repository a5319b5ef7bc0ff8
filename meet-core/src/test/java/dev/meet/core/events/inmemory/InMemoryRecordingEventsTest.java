package dev.meet.core.events.inmemory;

import dev.meet.core.events.AbstractRecordingEventsContractTest;
import dev.meet.core.events.RecordingEvents;

class InMemoryRecordingEventsTest extends AbstractRecordingEventsContractTest {

  @Override
  protected RecordingEvents newEvents() {
    return new InMemoryRecordingEvents();
  }

  /** Each instance is its own process-local bus. */
  @Override
  protected boolean sharesAcrossInstances() {
    return false;
  }
}
