package dev.meet.core.lock.inmemory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meet.core.lock.AbstractRecordingLockProviderContractTest;
import dev.meet.core.lock.LockValue;
import dev.meet.core.lock.RecordingLockProvider;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The in-memory provider against the shared contract, on a clock the tests move. */
class InMemoryRecordingLockProviderTest extends AbstractRecordingLockProviderContractTest {

  private final MovableClock clock = new MovableClock(Instant.parse("2026-11-25T10:00:00Z"));
  private final InMemoryRecordingLockProvider provider = new InMemoryRecordingLockProvider(clock);

  @Override
  protected RecordingLockProvider provider() {
    return provider;
  }

  @Override
  protected void elapse(Duration duration) {
    clock.advance(duration);
  }

  @Test
  void aLockExpiresExactlyWhenItsTtlRunsOut() {
    LockValue mine = new LockValue("token-1", null, "instance-a", clock.instant());
    provider.tryAcquire("room-1", mine, Duration.ofSeconds(10));

    clock.advance(Duration.ofMillis(9_999));
    assertThat(provider.get("room-1")).contains(mine);

    clock.advance(Duration.ofMillis(1));
    assertThat(provider.get("room-1")).isEmpty();
  }

  @Test
  void replacingDoesNotExtendTheDeadline() {
    LockValue unbound = new LockValue("token-1", null, "instance-a", clock.instant());
    provider.tryAcquire("room-1", unbound, Duration.ofHours(6));
    clock.advance(Duration.ofHours(5));

    provider.replace("room-1", unbound, unbound.boundTo("EG_abcdefghijkl"));
    clock.advance(Duration.ofHours(1));

    assertThat(provider.get("room-1")).isEmpty();
  }

  @Test
  void aRenewedLeaseRunsFromTheRenewal() {
    provider.tryLead("collector", "instance-a", Duration.ofMinutes(1));
    clock.advance(Duration.ofSeconds(50));
    provider.tryLead("collector", "instance-a", Duration.ofMinutes(1));

    clock.advance(Duration.ofSeconds(59));
    assertThat(provider.tryLead("collector", "instance-b", Duration.ofMinutes(1))).isFalse();

    clock.advance(Duration.ofSeconds(1));
    assertThat(provider.tryLead("collector", "instance-b", Duration.ofMinutes(1))).isTrue();
  }

  @Test
  void aScanResumesAfterItsLastRoomEvenWhenThatRoomWasReleased() {
    LockValue value = new LockValue("token-1", null, "instance-a", clock.instant());
    provider.tryAcquire("room-a", value, Duration.ofMinutes(1));
    provider.tryAcquire("room-b", value, Duration.ofMinutes(1));
    provider.tryAcquire("room-c", value, Duration.ofMinutes(1));

    var first = provider.scan(null, 1);
    provider.release(first.locks().get(0).roomId(), value);
    var rest = provider.scan(first.nextCursor(), 10);

    assertThat(first.locks()).extracting(lock -> lock.roomId()).containsExactly("room-a");
    assertThat(rest.locks()).extracting(lock -> lock.roomId()).containsExactly("room-b", "room-c");
    assertThat(rest.isLast()).isTrue();
  }

  /** A clock that stands still until a test moves it. */
  private static final class MovableClock extends Clock {
    private volatile Instant now;

    MovableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("the lock provider needs only instants");
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
