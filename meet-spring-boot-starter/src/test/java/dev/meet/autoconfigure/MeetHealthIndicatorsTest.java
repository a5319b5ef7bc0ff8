package dev.meet.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.meet.testkit.livekit.LiveKitEmulator;
import dev.meet.testkit.livekit.LiveKitEmulatorExtension;
import dev.meet.testkit.redis.RedisServer;
import dev.meet.testkit.redis.RedisServerExtension;
import dev.meet.testkit.s3.S3ProxyExtension;
import dev.meet.testkit.s3.S3Server;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The health indicators probe the real Redis, S3 and LiveKit, and turn DOWN while one of them is down. */
@ExtendWith({RedisServerExtension.class, S3ProxyExtension.class})
class MeetHealthIndicatorsTest {

  @RegisterExtension
  static final LiveKitEmulatorExtension LIVEKIT = new LiveKitEmulatorExtension();

  @TempDir
  Path recordings;

  private ApplicationContextRunner runner() {
    LiveKitEmulator emulator = LIVEKIT.emulator();
    return new ApplicationContextRunner()
        .withConfiguration(StarterAutoConfigurations.all())
        .withBean(RedissonClientCustomizer.class, () -> TestRedis.CUSTOMIZER)
        .withBean(S3ClientCustomizer.class, () -> TestS3.CUSTOMIZER)
        .withPropertyValues("meet.livekit.url=" + emulator.url(), "meet.livekit.api-key=" + emulator.apiKey(),
            "meet.livekit.api-secret=" + emulator.apiSecret(), "meet.storage.local-directory=" + recordings);
  }

  private static Health health(AssertableApplicationContext context, String indicator) {
    return context.getBean(indicator + "HealthIndicator", HealthIndicator.class).health();
  }

  @Test
  void everyIndicatorIsUpWhileRedisS3AndLiveKitAnswer(RedisServer redis, S3Server s3) {
    runner().withPropertyValues(TestRedis.isolated(redis.uri())).withPropertyValues(TestS3.properties(s3))
        .run(context -> {
          assertThat(health(context, "meetLockStore").getStatus()).isEqualTo(Status.UP);
          assertThat(health(context, "meetLockStore").getDetails())
              .containsEntry("provider", "RedisRecordingLockProvider");
          assertThat(health(context, "meetStorage").getStatus()).isEqualTo(Status.UP);
          assertThat(health(context, "meetStorage").getDetails()).containsEntry("provider", "S3RecordingStorage");
          assertThat(health(context, "meetLiveKit").getStatus()).isEqualTo(Status.UP);
        });
  }

  @Test
  void lockStoreIsDownWhileRedisIsStoppedAndUpOnceItIsBack(@RedisServerExtension.Private RedisServer redis) {
    runner().withPropertyValues(TestRedis.isolated(redis.uri())).run(context -> {
      assertThat(health(context, "meetLockStore").getStatus()).isEqualTo(Status.UP);

      redis.stop();
      Health down = health(context, "meetLockStore");
      assertThat(down.getStatus()).isEqualTo(Status.DOWN);
      assertThat(down.getDetails()).containsKey("error");

      redis.start();
      await().atMost(Duration.ofSeconds(10))
          .until(() -> health(context, "meetLockStore").getStatus().equals(Status.UP));
    });
  }

  @Test
  void storageIsDownWhileS3IsStopped(@S3ProxyExtension.Private S3Server s3) {
    runner().withPropertyValues(TestS3.properties(s3)).run(context -> {
      assertThat(health(context, "meetStorage").getStatus()).isEqualTo(Status.UP);

      s3.stop();

      Health down = health(context, "meetStorage");
      assertThat(down.getStatus()).isEqualTo(Status.DOWN);
      assertThat(down.getDetails()).containsEntry("provider", "S3RecordingStorage").containsKey("error");
    });
  }

  @Test
  void liveKitIsDownDuringAnOutage(LiveKitEmulator emulator) {
    runner().run(context -> {
      assertThat(health(context, "meetLiveKit").getStatus()).isEqualTo(Status.UP);

      emulator.startOutage();

      Health down = health(context, "meetLiveKit");
      assertThat(down.getStatus()).isEqualTo(Status.DOWN);
      assertThat(down.getDetails()).containsEntry("provider", "LiveKitSdkGateway").containsKey("error");
    });
  }

  @Test
  void theIndicatorsCanBeTurnedOffLikeBootsOwn() {
    runner().withPropertyValues("management.health.meet.enabled=false").run(context -> assertThat(context)
        .hasNotFailed().doesNotHaveBean("meetLockStoreHealthIndicator").doesNotHaveBean("meetStorageHealthIndicator")
        .doesNotHaveBean("meetLiveKitHealthIndicator"));
  }
}
