package dev.meet.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.meet.core.RecordingException;
import dev.meet.core.StartOptions;
import dev.meet.core.lock.LockValue;
import dev.meet.core.lock.RecordingLockProvider;
import dev.meet.core.storage.RecordingStorage;
import dev.meet.core.testing.RecordingSystem;
import dev.meet.testkit.redis.RedisServer;
import dev.meet.testkit.redis.RedisServerExtension;
import dev.meet.testkit.s3.S3ProxyExtension;
import dev.meet.testkit.s3.S3Server;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Any failure after LiveKit started the egress stops it and frees the lock before the caller hears of it. */
@ExtendWith({RedisServerExtension.class, S3ProxyExtension.class})
class StartCleanupTest {

  private RecordingSystem system;
  private RecordingLockProvider locks;

  @BeforeEach
  void start(RedisServer redis, S3Server s3) {
    system = new RecordingSystem(redis, s3);
    locks = system.newLockProvider();
    system.livekit().addParticipant("room-1", "alice", true);
  }

  @AfterEach
  void stop() {
    system.close();
  }

  /** A delegate whose method {@code failing} runs {@code instead} (a bug, or a lock vanishing) before delegating. */
  @SuppressWarnings("unchecked")
  private static <T> T intercepting(Class<T> type, T delegate, String failing, Interception<T> instead) {
    return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
      if (method.getName().equals(failing)) {
        instead.run(delegate, args);
      }
      try {
        return method.invoke(delegate, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    });
  }

  private interface Interception<T> {
    void run(T delegate, Object[] args);
  }

  private List<EgressInfo> egressesOfRoom() {
    return system.livekit().egresses().stream().filter(e -> e.getRoomName().equals("room-1")).toList();
  }

  private void assertEgressStoppedAndRoomUnlocked() {
    assertThat(egressesOfRoom()).hasSize(1);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(egressesOfRoom().get(0).getStatus())
        .isNotIn(EgressStatus.EGRESS_STARTING, EgressStatus.EGRESS_ACTIVE));
    assertThat(locks.get("room-1")).isEmpty();
  }

  @Test
  void anUnexpectedStorageFailureAfterTheEgressStartedStopsItAndReleasesTheLock() {
    RecordingStorage broken = intercepting(RecordingStorage.class, system.newStorage(), "create", (d, a) -> {
      throw new IllegalStateException("a bug in a storage of the application's own");
    });
    RecordingManager manager = system.newManager("instance-a", b -> b.storage(broken));

    assertThatThrownBy(() -> manager.start("room-1", StartOptions.defaults()))
        .isInstanceOfSatisfying(RecordingException.class,
            e -> assertThat(e.reason()).isEqualTo(RecordingException.Reason.INTERNAL_ERROR));

    assertEgressStoppedAndRoomUnlocked();
  }

  @Test
  void aLockThatVanishedBeforeItWasBoundFailsTheStartAndStopsTheEgress() {
    RecordingLockProvider vanishing = intercepting(RecordingLockProvider.class, system.newLockProvider(), "replace",
        (d, a) -> d.release((String) a[0], (LockValue) a[1]));
    RecordingManager manager = system.newManager("instance-a", b -> b.lockProvider(vanishing));

    assertThatThrownBy(() -> manager.start("room-1", StartOptions.defaults()))
        .isInstanceOfSatisfying(RecordingException.class, e -> {
          assertThat(e.reason()).isEqualTo(RecordingException.Reason.LOCK_STORE_UNAVAILABLE);
          assertThat(e.getMessage()).contains("released while the recording was starting");
        });

    assertEgressStoppedAndRoomUnlocked();
  }
}
