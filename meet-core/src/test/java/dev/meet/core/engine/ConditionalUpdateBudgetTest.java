package dev.meet.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meet.core.RecordingId;
import dev.meet.core.RecordingStatus;
import dev.meet.core.livekit.EgressState;
import dev.meet.core.storage.RecordingStorage;
import dev.meet.core.storage.StorageException;
import dev.meet.core.storage.StorageLayout;
import dev.meet.core.storage.s3.S3RecordingStorage;
import dev.meet.core.testing.TestS3;
import dev.meet.testkit.s3.S3ProxyExtension;
import dev.meet.testkit.s3.S3Server;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The retries of a conditional update (S3 If-Match) are bounded in time as well as in number: a webhook never
 * waits on a storage where every write is slow and loses its race, LiveKit's queue behind it.
 */
@ExtendWith(S3ProxyExtension.class)
class ConditionalUpdateBudgetTest {

  private static final Duration BUDGET = Duration.ofMillis(400);
  /** How long each conditional write of the contended storage takes before it loses. */
  private static final long WRITE_LATENCY_MILLIS = 150;

  @Test
  void aConditionalUpdateThatKeepsLosingStopsRetryingWhenItsTimeBudgetIsSpent(S3Server s3) {
    RecordingStorage real = new S3RecordingStorage(TestS3.client(s3), s3.bucket(), StorageLayout.defaults());
    RecordingId id = new RecordingId("room-1", "EG_budget", RecordingId.newUid());
    new RecordingStates(real, List.of(), Clock.systemUTC(), Duration.ofHours(1), BUDGET)
        .applyEgress(id, egress(id, RecordingStatus.STARTING, 1));
    AtomicInteger writes = new AtomicInteger();
    RecordingStorage contended = (RecordingStorage) Proxy.newProxyInstance(RecordingStorage.class.getClassLoader(),
        new Class<?>[] {RecordingStorage.class}, (proxy, method, args) -> {
          if (method.getName().equals("update")) {
            // A slow S3 answering 412: another writer got there first, every time.
            writes.incrementAndGet();
            Thread.sleep(WRITE_LATENCY_MILLIS);
            return Optional.empty();
          }
          try {
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    RecordingStates states = new RecordingStates(contended, List.of(), Clock.systemUTC(), Duration.ofHours(1), BUDGET);

    assertThatThrownBy(() -> states.applyEgress(id, egress(id, RecordingStatus.ACTIVE, 2)))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("within " + BUDGET);

    // 16 attempts of 150 ms would hold the webhook for 2.4 s; the budget allows three or four.
    assertThat(writes.get()).isBetween(1, (int) (BUDGET.toMillis() / WRITE_LATENCY_MILLIS) + 1);
    assertThat(writes.get()).isLessThan(RecordingStates.MAX_ATTEMPTS);
  }

  private static EgressState egress(RecordingId id, RecordingStatus status, long updatedAt) {
    return new EgressState(id.egressId(), id.roomId(), status, updatedAt, null, null, null, null, null, null, null,
        "grid", null, id.mediaBaseName() + ".mp4");
  }
}
