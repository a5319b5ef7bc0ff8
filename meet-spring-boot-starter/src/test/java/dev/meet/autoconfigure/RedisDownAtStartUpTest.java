package dev.meet.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.meet.core.Recording;
import dev.meet.core.RecordingException;
import dev.meet.core.engine.RecordingManager;
import dev.meet.core.RecordingStatus;
import dev.meet.core.StartOptions;
import dev.meet.testkit.livekit.LiveKitEmulator;
import dev.meet.testkit.redis.RedisServer;
import dev.meet.testkit.redis.RedisServerExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * Redis is down when the application starts: the application starts anyway, health says the lock store is DOWN,
 * starts fail cleanly, and once Redis is back everything works without a restart.
 */
@ExtendWith(RedisServerExtension.class)
class RedisDownAtStartUpTest extends EmulatedContextTest {

  @Test
  void theApplicationStartsWithRedisDownAndRecoversOnceItIsBack(@RedisServerExtension.Private RedisServer redis,
      LiveKitEmulator emulator) {
    redis.stop();
    String[] isolated = TestRedis.isolated(redis.uri());
    emulatedRunner()
        .withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
        .withBean(RedissonClientCustomizer.class, () -> TestRedis.CUSTOMIZER)
        .withPropertyValues("spring.data.redis.url=" + redis.uri(), isolated[1], isolated[2])
        .run(context -> {
          assertThat(context).hasNotFailed();
          HealthIndicator lockStore = context.getBean("meetLockStoreHealthIndicator", HealthIndicator.class);
          assertThat(lockStore.health().getStatus()).isEqualTo(Status.DOWN);
          RecordingManager manager = context.getBean(RecordingManager.class);
          RELAY.routeTo(manager);
          String room = room();
          emulator.addParticipant(room, "alice", true);
          assertThatThrownBy(() -> manager.start(room, StartOptions.defaults()))
              .isInstanceOf(RecordingException.class);

          redis.start();

          await().atMost(Duration.ofSeconds(10)).until(() -> lockStore.health().getStatus().equals(Status.UP));
          Recording recording = manager.start(room, StartOptions.defaults());
          assertThat(recording.status()).isEqualTo(RecordingStatus.ACTIVE);
          assertThat(context.getBean(MeetRedisEvents.class).isSubscribed()).isTrue();
          manager.stop(recording.recordingId());
          await().atMost(Duration.ofSeconds(10)).until(
              () -> manager.get(recording.recordingId()).orElseThrow().status() == RecordingStatus.COMPLETE);
        });
  }
}
