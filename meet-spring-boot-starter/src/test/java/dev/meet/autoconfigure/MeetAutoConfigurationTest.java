package dev.meet.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.meet.core.CollectorRun;
import dev.meet.core.RecordingException;
import dev.meet.core.RecordingObserver;
import dev.meet.core.StartOptions;
import dev.meet.core.WebhookOutcome;
import dev.meet.core.engine.RecordingManager;
import dev.meet.core.events.RecordingEvents;
import dev.meet.core.events.inmemory.InMemoryRecordingEvents;
import dev.meet.core.livekit.LiveKitGateway;
import dev.meet.core.livekit.LiveKitRoomPolicy;
import dev.meet.core.livekit.LiveKitSdkGateway;
import dev.meet.core.livekit.LiveKitSettings;
import dev.meet.core.livekit.RoomCheck;
import dev.meet.core.livekit.RoomPolicy;
import dev.meet.core.lock.LockValue;
import dev.meet.core.lock.RecordingLockProvider;
import dev.meet.core.lock.inmemory.InMemoryRecordingLockProvider;
import dev.meet.core.lock.redis.RedisRecordingLockProvider;
import dev.meet.core.storage.MediaTarget;
import dev.meet.core.storage.RecordingStorage;
import dev.meet.core.storage.StorageLayout;
import dev.meet.core.storage.local.LocalRecordingStorage;
import dev.meet.core.storage.s3.S3RecordingStorage;
import dev.meet.core.testing.WebhookEndpoint;
import dev.meet.testkit.livekit.LiveKitEmulator;
import dev.meet.testkit.livekit.LiveKitEmulatorExtension;
import dev.meet.testkit.redis.RedisServer;
import dev.meet.testkit.redis.RedisServerExtension;
import dev.meet.testkit.s3.S3ProxyExtension;
import dev.meet.testkit.s3.S3Server;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.ApplicationContextAssertProvider;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The auto-configuration's conditions: defaults, each property, user beans backing off, customizers, missing
 * libraries, and misconfiguration failing with what to set. LiveKit is the emulator, Redis and S3 are real servers.
 */
@ExtendWith({RedisServerExtension.class, S3ProxyExtension.class, OutputCaptureExtension.class})
class MeetAutoConfigurationTest {

  @RegisterExtension
  static final LiveKitEmulatorExtension LIVEKIT = new LiveKitEmulatorExtension(LiveKitEmulator.builder()
      .activationDelay(Duration.ofMillis(200))
      .endingDelay(Duration.ofMillis(100))
      .webhookRetryBase(Duration.ofMillis(100)));

  /** Where the local storage lands when meet.storage.local-directory is not set: the working directory. */
  private static final Path DEFAULT_DIRECTORY = Path.of("meet-recordings").toAbsolutePath();

  private static final WebhookEndpoint RELAY = new WebhookEndpoint();
  private static boolean defaultDirectoryExisted;

  @TempDir
  Path recordings;

  @BeforeAll
  static void webhooksReachTheRelay(LiveKitEmulator emulator) {
    emulator.addWebhookUrl(RELAY.url());
    defaultDirectoryExisted = Files.exists(DEFAULT_DIRECTORY);
  }

  @AfterEach
  void dropLateWebhooks() {
    RELAY.routeTo(null);
  }

  @AfterAll
  static void cleanUp() throws IOException {
    RELAY.close();
    if (!defaultDirectoryExisted && Files.exists(DEFAULT_DIRECTORY)) {
      try (Stream<Path> files = Files.walk(DEFAULT_DIRECTORY)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(file);
        }
      }
    }
  }

  /** Only what every application must set: LiveKit's URL, key and secret. */
  private static ApplicationContextRunner minimal() {
    return new ApplicationContextRunner()
        .withConfiguration(StarterAutoConfigurations.all())
        .withPropertyValues(liveKitProperties());
  }

  private static String[] liveKitProperties() {
    LiveKitEmulator emulator = LIVEKIT.emulator();
    return new String[] {"meet.livekit.url=" + emulator.url(), "meet.livekit.api-key=" + emulator.apiKey(),
        "meet.livekit.api-secret=" + emulator.apiSecret()};
  }

  /** The minimal configuration with the recordings in this test's directory. */
  private ApplicationContextRunner runner() {
    return minimal().withPropertyValues("meet.storage.local-directory=" + recordings);
  }

  private WebApplicationContextRunner webRunner() {
    return new WebApplicationContextRunner()
        .withConfiguration(StarterAutoConfigurations.all())
        .withPropertyValues(liveKitProperties())
        .withPropertyValues("meet.storage.local-directory=" + recordings);
  }

  private static String room() {
    return "room-" + UUID.randomUUID().toString().substring(0, 8);
  }

  // ------------------------------------------------------------------------------------------ defaults

  @Test
  void liveKitPropertiesAloneGiveASingleInstanceManager(CapturedOutput output) {
    minimal().run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(RecordingManager.class).hasSingleBean(MeetLifecycle.class);
      assertThat(context.getBean(RecordingLockProvider.class)).isInstanceOf(InMemoryRecordingLockProvider.class);
      assertThat(context.getBean(RecordingEvents.class)).isInstanceOf(InMemoryRecordingEvents.class);
      assertThat(context.getBean(LiveKitGateway.class)).isInstanceOf(LiveKitSdkGateway.class);
      assertThat(context.getBean(RoomPolicy.class)).isInstanceOf(LiveKitRoomPolicy.class);
      assertThat(context.getBean(RecordingStorage.class)).isInstanceOfSatisfying(LocalRecordingStorage.class,
          storage -> assertThat(storage.baseDirectory()).isEqualTo(DEFAULT_DIRECTORY));
      assertThat(context).doesNotHaveBean(RedissonClient.class).doesNotHaveBean(S3Client.class);
      assertThat(context.getBean(LiveKitSettings.class)).isEqualTo(new LiveKitSettings(LIVEKIT.emulator().url(),
          LIVEKIT.emulator().apiKey(), LIVEKIT.emulator().apiSecret(), Duration.ofSeconds(10)));
      assertThat(context.getBean(RecordingManager.class))
          .hasFieldOrPropertyWithValue("settings.startTimeout", Duration.ofSeconds(30))
          .hasFieldOrPropertyWithValue("settings.lockTtl", Duration.ofHours(6))
          .hasFieldOrPropertyWithValue("settings.collectorInterval", Duration.ofMinutes(1))
          .hasFieldOrPropertyWithValue("settings.collectorGrace", Duration.ofSeconds(60))
          .hasFieldOrPropertyWithValue("settings.webhookLeeway", Duration.ofSeconds(60));
      assertThat(context.getBean(MeetLifecycle.class).isRunning()).isTrue();
    });
    assertThat(output).contains("meet uses an in-memory recording lock: correct for a single instance only");
  }

  @Test
  void webhooksSignedWithAnAdditionalKeyAreAcceptedDuringKeyRotation() {
    byte[] body = TestWebhooks.roomStarted();
    runner().withPropertyValues("meet.livekit.webhook.additional-keys.nextkey=next-secret").run(context -> {
      RecordingManager manager = context.getBean(RecordingManager.class);
      assertThat(manager.handleWebhook(body, TestWebhooks.sign(body, "nextkey", "next-secret")).kind())
          .isEqualTo(WebhookOutcome.Kind.IGNORED);
      assertThat(manager.handleWebhook(body, TestWebhooks.sign(body, LIVEKIT.emulator().apiKey(), LIVEKIT.emulator().apiSecret()))
          .kind()).as("meet.livekit.api-key keeps working").isEqualTo(WebhookOutcome.Kind.IGNORED);
      assertThat(manager.handleWebhook(body, TestWebhooks.sign(body, "otherkey", "next-secret")).kind())
          .isEqualTo(WebhookOutcome.Kind.REJECTED);
    });
    runner().run(context -> assertThat(context.getBean(RecordingManager.class)
        .handleWebhook(body, TestWebhooks.sign(body, "nextkey", "next-secret")).kind()).isEqualTo(WebhookOutcome.Kind.REJECTED));
  }

  @Test
  void anAdditionalWebhookKeyWithABlankSecretFailsNamingTheKey() {
    runner().withPropertyValues("meet.livekit.webhook.additional-keys.nextkey= ").run(context -> {
      MeetConfigurationException failure = configurationFailure(context);
      assertThat(failure.property()).isEqualTo("meet.livekit.webhook.additional-keys");
      assertThat(failure.getMessage()).contains("'nextkey'");
    });
  }

  @Test
  void aNonWebApplicationHasNoWebhookEndpoint() {
    runner().run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("meetLiveKitWebhookServlet"));
  }

  @Test
  void aServletWebApplicationGetsTheWebhookEndpointAtLiveKitWebhook() {
    webRunner().run(context -> {
      ServletRegistrationBean<?> registration = context.getBean("meetLiveKitWebhookServlet",
          ServletRegistrationBean.class);
      assertThat(registration.getUrlMappings()).containsExactly("/livekit/webhook");
      assertThat(registration.getServlet()).isInstanceOf(LiveKitWebhookServlet.class);
    });
  }

  @Test
  void theDefaultManagerRecordsARoomOfTheEmulator(LiveKitEmulator emulator) {
    runner().run(context -> {
      RecordingManager manager = context.getBean(RecordingManager.class);
      RELAY.routeTo(manager);
      String room = room();
      emulator.addParticipant(room, "alice", true);

      var recording = manager.start(room, StartOptions.defaults());

      assertThat(recording.status().value()).isEqualTo("active");
      manager.stop(recording.recordingId());
      await().atMost(Duration.ofSeconds(10)).until(
          () -> manager.get(recording.recordingId()).orElseThrow().status().value().equals("complete"));
    });
  }

  // ------------------------------------------------------------------------------------------ properties

  @Test
  void recordingCollectorAndLiveKitPropertiesReachTheManager() {
    runner().withPropertyValues("meet.recording.start-timeout=5s", "meet.recording.lock-ttl=2h",
        "meet.collectors.interval=10s", "meet.collectors.grace=45s", "meet.instance-id=instance-7",
        "meet.livekit.webhook.leeway=5s", "meet.livekit.webhook.deadline=2s", "meet.livekit.call-timeout=3s")
        .run(context -> {
          assertThat(context.getBean(RecordingManager.class))
              .hasFieldOrPropertyWithValue("settings.startTimeout", Duration.ofSeconds(5))
              .hasFieldOrPropertyWithValue("settings.lockTtl", Duration.ofHours(2))
              .hasFieldOrPropertyWithValue("settings.collectorInterval", Duration.ofSeconds(10))
              .hasFieldOrPropertyWithValue("settings.collectorGrace", Duration.ofSeconds(45))
              .hasFieldOrPropertyWithValue("settings.webhookLeeway", Duration.ofSeconds(5))
              .hasFieldOrPropertyWithValue("settings.webhookDeadline", Duration.ofSeconds(2))
              .hasFieldOrPropertyWithValue("settings.instanceId", "instance-7");
          assertThat(context.getBean(LiveKitSettings.class).callTimeout()).isEqualTo(Duration.ofSeconds(3));
        });
  }

  @Test
  void theWebhookDeadlineIsFiveSecondsByDefault() {
    runner().run(context -> assertThat(context.getBean(RecordingManager.class))
        .hasFieldOrPropertyWithValue("settings.webhookDeadline", Duration.ofSeconds(5)));
  }

  @Test
  void aWebhookHandledPastTheDeadlinePropertyIsAnswered503() {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    // A listener that holds the handling until the test releases it: a dependency slower than the deadline.
    RecordingManager.LiveKitEventListener slow = event -> {
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
    byte[] body = TestWebhooks.roomStarted();
    runner().withBean(RecordingManager.LiveKitEventListener.class, () -> slow)
        .withPropertyValues("meet.livekit.webhook.deadline=300ms").run(context -> {
          try {
            WebhookOutcome outcome = context.getBean(RecordingManager.class).handleWebhook(body,
                TestWebhooks.sign(body, LIVEKIT.emulator().apiKey(), LIVEKIT.emulator().apiSecret()));
            assertThat(entered.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("the handling reached the listener")
                .isTrue();
            assertThat(outcome.httpStatus()).isEqualTo(503);
            assertThat(outcome.message()).contains("not handled within PT0.3S");
          } finally {
            release.countDown();
          }
        });
  }

  @Test
  void aWebhookDeadlineThatIsNotPositiveFailsNamingItsProperty() {
    runner().withPropertyValues("meet.livekit.webhook.deadline=0s").run(context -> {
      MeetConfigurationException failure = configurationFailure(context);
      assertThat(failure.property()).isEqualTo("meet.livekit.webhook.deadline");
      assertThat(failure.getMessage()).contains("must be a positive duration");
    });
  }

  @Test
  void startTimeoutBoundsTheWaitForAnActiveEgress(LiveKitEmulator emulator) {
    emulator.faults().egressStuckInStarting(true);
    runner().withPropertyValues("meet.recording.start-timeout=300ms").run(context -> {
      RecordingManager manager = context.getBean(RecordingManager.class);
      String room = room();
      emulator.addParticipant(room, "alice", true);
      long started = System.nanoTime();

      assertThatThrownBy(() -> manager.start(room, StartOptions.defaults()))
          .isInstanceOfSatisfying(RecordingException.class,
              e -> assertThat(e.reason()).isEqualTo(RecordingException.Reason.START_TIMED_OUT));
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    });
  }

  @Test
  void collectorsRunEveryInterval() {
    CollectorRuns runs = new CollectorRuns();
    runner().withBean(RecordingObserver.class, () -> runs).withPropertyValues("meet.collectors.interval=100ms")
        .run(context -> await().atMost(Duration.ofSeconds(5)).until(
            () -> runs.count("lock-collector") >= 2 && runs.count("recording-reconciler") >= 2));
  }

  @Test
  void collectorsDoNotRunWhenDisabled() {
    CollectorRuns runs = new CollectorRuns();
    runner().withBean(RecordingObserver.class, () -> runs)
        .withPropertyValues("meet.collectors.interval=100ms", "meet.collectors.enabled=false")
        .run(context -> await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2))
            .until(() -> runs.count("lock-collector") == 0));
  }

  @Test
  void collectorGraceDecidesWhenAnOrphanedLockIsReleased() {
    // The grace must exceed the LiveKit call timeout + the start timeout + 2 s.
    runner().withPropertyValues("meet.recording.start-timeout=200ms", "meet.livekit.call-timeout=500ms",
        "meet.collectors.grace=3s", "meet.collectors.interval=100ms").run(context -> {
          RecordingLockProvider locks = context.getBean(RecordingLockProvider.class);
          String old = room();
          String young = room();
          // A lock's age is read from the store: the lock lifetime (6 h by default) less what is left of it.
          Duration lockTtl = Duration.ofHours(6);
          locks.tryAcquire(old, lock("crashed-instance", Instant.now().minusSeconds(10)), lockTtl.minusSeconds(10));
          locks.tryAcquire(young, lock("crashed-instance", Instant.now()), lockTtl);

          await().atMost(Duration.ofSeconds(5)).until(() -> locks.get(old).isEmpty());
          assertThat(locks.get(young)).isPresent();
        });
  }

  private static LockValue lock(String instance, Instant acquiredAt) {
    return new LockValue(UUID.randomUUID().toString(), null, instance, acquiredAt);
  }

  @Test
  void webhookPathMovesTheEndpoint() {
    webRunner().withPropertyValues("meet.livekit.webhook.path=/hooks/livekit").run(context -> {
      ServletRegistrationBean<?> registration = context.getBean("meetLiveKitWebhookServlet",
          ServletRegistrationBean.class);
      assertThat(registration.getUrlMappings()).containsExactly("/hooks/livekit");
    });
  }

  @Test
  void webhookEndpointCanBeTurnedOff() {
    webRunner().withPropertyValues("meet.livekit.webhook.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("meetLiveKitWebhookServlet"));
  }

  @Test
  void redisUrlSelectsRedisLocksAndSignalsUnderTheConfiguredKeyPrefixAndChannel(RedisServer redis) {
    String prefix = "meet-test:" + UUID.randomUUID() + ":lock:";
    String channel = "meet-test:" + UUID.randomUUID() + ":signals";
    runner().withBean(RedissonClientCustomizer.class, () -> TestRedis.CUSTOMIZER)
        .withPropertyValues("meet.redis.url=" + redis.uri(), "meet.redis.key-prefix=" + prefix,
            "meet.redis.channel=" + channel)
        .run(context -> {
          assertThat(context).hasSingleBean(RedissonClient.class);
          assertThat(context.getBean(RecordingLockProvider.class)).isInstanceOf(RedisRecordingLockProvider.class);
          assertThat(context.getBean(RecordingEvents.class)).isInstanceOfSatisfying(MeetRedisEvents.class,
              events -> {
                assertThat(events.channel()).isEqualTo(channel);
                await().atMost(Duration.ofSeconds(5)).until(events::isSubscribed);
              });
          String room = room();
          context.getBean(RecordingLockProvider.class).tryAcquire(room, lock("a", Instant.now()), Duration.ofHours(1));

          RedissonClient own = TestRedis.connect(redis.uri());
          try {
            assertThat(own.getBucket(prefix + "room:" + room, StringCodec.INSTANCE).isExists()).isTrue();
          } finally {
            own.shutdown();
          }
        });
  }

  @Test
  void lockTtlIsTheLifetimeOfARoomsLockInRedis(RedisServer redis, LiveKitEmulator emulator) {
    String[] redisProperties = TestRedis.isolated(redis.uri());
    String prefix = redisProperties[1].substring("meet.redis.key-prefix=".length());
    runner().withBean(RedissonClientCustomizer.class, () -> TestRedis.CUSTOMIZER)
        .withPropertyValues(redisProperties).withPropertyValues("meet.recording.lock-ttl=2h").run(context -> {
          RecordingManager manager = context.getBean(RecordingManager.class);
          RELAY.routeTo(manager);
          String room = room();
          emulator.addParticipant(room, "alice", true);

          var recording = manager.start(room, StartOptions.defaults());

          long ttl = context.getBean(RedissonClient.class).getBucket(prefix + "room:" + room, StringCodec.INSTANCE)
              .remainTimeToLive();
          assertThat(Duration.ofMillis(ttl)).isBetween(Duration.ofMinutes(119), Duration.ofHours(2));
          manager.stop(recording.recordingId());
          await().atMost(Duration.ofSeconds(10)).until(
              () -> manager.get(recording.recordingId()).orElseThrow().status().value().equals("complete"));
        });
  }

  @Test
  void storagePrefixAndLocalDirectoryPlaceTheRecordings() {
    runner().withPropertyValues("meet.storage.prefix=tenant-a/meet/").run(context -> {
      LocalRecordingStorage storage = (LocalRecordingStorage) context.getBean(RecordingStorage.class);
      assertThat(storage.baseDirectory()).isEqualTo(recordings.toAbsolutePath().normalize());
      assertThat(storage.mediaTarget("room-1", "0123456789").filepath())
          .isEqualTo("tenant-a/meet/recordings/room-1/room-1--0123456789");
      assertThat(recordings.resolve("tenant-a/meet/recordings")).isDirectory();
    });
  }

  @Test
  void s3PropertiesSelectS3StorageInTheBucketAndSendNoCredentialToTheEgress(S3Server s3) {
    runner().withPropertyValues(TestS3.properties(s3)).run(context -> {
      assertThat(context).hasSingleBean(S3Client.class);
      S3RecordingStorage storage = (S3RecordingStorage) context.getBean(RecordingStorage.class);
      assertThat(storage.bucket()).isEqualTo(s3.bucket());
      MediaTarget target = storage.mediaTarget("room-1", "0123456789");
      assertThat(target.filepath()).isEqualTo("openvidu-meet/recordings/room-1/room-1--0123456789");
      assertThat(target.s3()).isNull();
      storage.check();
    });
  }

  @Test
  void sendingCredentialsToTheEgressIsAnOptInThatPutsTheBucketSettingsIntoEveryRequest(S3Server s3) {
    runner().withPropertyValues(TestS3.properties(s3))
        .withPropertyValues("meet.storage.s3.send-credentials-to-egress=true")
        .run(context -> assertThat(context.getBean(RecordingStorage.class).mediaTarget("room-1", "0123456789").s3())
            .isEqualTo(new MediaTarget.S3Upload(s3.endpoint(), s3.region(), s3.accessKey(), s3.secretKey(),
                s3.bucket(), true)));
  }

  @Test
  void sendingCredentialsToTheEgressWithoutKeysFailsNamingTheAccessKey(S3Server s3) {
    runner().withPropertyValues("meet.storage.s3.bucket=" + s3.bucket(), "meet.storage.s3.endpoint=" + s3.endpoint(),
            "meet.storage.s3.send-credentials-to-egress=true")
        .run(context -> {
          MeetConfigurationException failure = configurationFailure(context);
          assertThat(failure.property()).isEqualTo("meet.storage.s3.access-key");
          assertThat(failure.getMessage()).contains("send-credentials-to-egress=true");
          assertThat(failure.action()).contains("meet.storage.s3.secret-key");
        });
  }

  // ------------------------------------------------------------------------------------------ user beans win

  @Test
  void aUserRecordingManagerWins() {
    RecordingManager own = RecordingManager.builder()
        .liveKit(new LiveKitSettings("http://127.0.0.1:1", "key", "secret"))
        .localStorage(recordings)
        .build();
    runner().withBean(RecordingManager.class, () -> own).run(context -> {
      assertThat(context).hasSingleBean(RecordingManager.class);
      assertThat(context.getBean(RecordingManager.class)).isSameAs(own);
      assertThat(context.getBean(MeetLifecycle.class)).hasFieldOrPropertyWithValue("manager", own);
    });
  }

  @Test
  void aUserLockProviderWinsAndNothingWarnsAboutIt(CapturedOutput output) {
    RecordingLockProvider own = new InMemoryRecordingLockProvider();
    runner().withBean(RecordingLockProvider.class, () -> own).run(context -> {
      assertThat(context).hasSingleBean(RecordingLockProvider.class);
      assertThat(context.getBean(RecordingLockProvider.class)).isSameAs(own);
      assertThat(context.getBean(RecordingManager.class)).hasFieldOrPropertyWithValue("starts.locks", own);
    });
    assertThat(output).doesNotContain("in-memory recording lock");
  }

  @Test
  void aUserStorageWinsOverTheS3Properties(S3Server s3) {
    RecordingStorage own = new LocalRecordingStorage(recordings, StorageLayout.defaults());
    runner().withBean(RecordingStorage.class, () -> own).withPropertyValues(TestS3.properties(s3)).run(context -> {
      assertThat(context).hasSingleBean(RecordingStorage.class);
      assertThat(context.getBean(RecordingManager.class)).hasFieldOrPropertyWithValue("storage", own);
    });
  }

  @Test
  void userEventsWin() {
    InMemoryRecordingEvents own = new InMemoryRecordingEvents();
    runner().withBean(RecordingEvents.class, () -> own).run(context -> {
      assertThat(context).hasSingleBean(RecordingEvents.class);
      assertThat(context.getBean(RecordingManager.class)).hasFieldOrPropertyWithValue("starts.events", own);
    });
  }

  @Test
  void aUserRoomPolicyDecidesWhichRoomsMayBeRecorded(LiveKitEmulator emulator) {
    RoomPolicy own = roomId -> RoomCheck.rejected(RoomCheck.Rejection.RECORDING_DISABLED, "recording is off here");
    runner().withBean(RoomPolicy.class, () -> own).run(context -> {
      String room = room();
      emulator.addParticipant(room, "alice", true);

      assertThatThrownBy(() -> context.getBean(RecordingManager.class).start(room, StartOptions.defaults()))
          .isInstanceOfSatisfying(RecordingException.class,
              e -> assertThat(e.reason()).isEqualTo(RecordingException.Reason.RECORDING_DISABLED));
      assertThat(emulator.egresses()).noneMatch(egress -> egress.getRoomName().equals(room));
    });
  }

  @Test
  void aUserLiveKitGatewayWins(LiveKitEmulator emulator) {
    LiveKitSdkGateway own = new LiveKitSdkGateway(
        new LiveKitSettings(emulator.url(), emulator.apiKey(), emulator.apiSecret()));
    try {
      runner().withBean(LiveKitGateway.class, () -> own).run(context -> {
        assertThat(context).hasSingleBean(LiveKitGateway.class).doesNotHaveBean("meetLiveKitGateway");
        assertThat(context.getBean(RecordingManager.class)).hasFieldOrPropertyWithValue("liveKit", own);
      });
    } finally {
      own.close();
    }
  }

  @Test
  void userLiveKitSettingsWinAndMakeTheLiveKitPropertiesUnnecessary(LiveKitEmulator emulator) {
    LiveKitSettings own = new LiveKitSettings(emulator.url(), emulator.apiKey(), emulator.apiSecret());
    new ApplicationContextRunner()
        .withConfiguration(StarterAutoConfigurations.all())
        .withPropertyValues("meet.storage.local-directory=" + recordings)
        .withBean(LiveKitSettings.class, () -> own)
        .run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(LiveKitSettings.class);
          String room = room();
          emulator.createRoom(room);
          assertThat(context.getBean(LiveKitGateway.class).findRoom(room)).isPresent();
        });
  }

  @Test
  void aUserRedissonClientSelectsTheRedisProvidersWithoutRedisUrl(RedisServer redis) {
    RedissonClient own = TestRedis.connect(redis.uri());
    try {
      runner().withBean(RedissonClient.class, () -> own).run(context -> {
        assertThat(context).hasSingleBean(RedissonClient.class).doesNotHaveBean("meetRedissonClient");
        assertThat(context.getBean(RecordingLockProvider.class)).isInstanceOf(RedisRecordingLockProvider.class)
            .hasFieldOrPropertyWithValue("client", own);
        assertThat(context.getBean(RecordingEvents.class)).isInstanceOf(MeetRedisEvents.class);
      });
    } finally {
      own.shutdown();
    }
  }

  @Test
  void aUserS3ClientServesTheBucket(S3Server s3) {
    S3Client own = TestS3.client(s3);
    try {
      runner().withBean(S3Client.class, () -> own).withPropertyValues(TestS3.properties(s3)).run(context -> {
        assertThat(context).hasSingleBean(S3Client.class).doesNotHaveBean("meetS3Client");
        assertThat(context.getBean(RecordingStorage.class)).isInstanceOf(S3RecordingStorage.class)
            .hasFieldOrPropertyWithValue("s3", own);
      });
    } finally {
      own.close();
    }
  }

  @Test
  void aUserRecordingObserverHearsFromTheManagerAlongsideTheMetrics() {
    List<String> webhooks = new CopyOnWriteArrayList<>();
    RecordingObserver own = new RecordingObserver() {
      @Override
      public void webhookHandled(String event, WebhookOutcome.Kind outcome) {
        webhooks.add(event + ":" + outcome);
      }
    };
    runner().withBean(RecordingObserver.class, () -> own).run(context -> {
      assertThat(context).hasSingleBean(MeetMetrics.class).getBeans(RecordingObserver.class)
          .containsOnlyKeys("meetMetrics", "meetRecordingObservations", "recordingObserver");

      context.getBean(RecordingManager.class).handleWebhook("{}".getBytes(), "not-a-token");

      assertThat(webhooks).containsExactly("unverified:REJECTED");
    });
  }

  // ------------------------------------------------------------------------------------------ customizers

  @Test
  void redissonClientCustomizersAdjustTheConfigurationBeforeTheClientExists(RedisServer redis) {
    AtomicInteger calls = new AtomicInteger();
    runner().withPropertyValues(TestRedis.isolated(redis.uri()))
        .withBean("tuning", RedissonClientCustomizer.class, () -> TestRedis.CUSTOMIZER)
        .withBean("threads", RedissonClientCustomizer.class, () -> config -> {
          calls.incrementAndGet();
          config.setThreads(3);
        })
        .run(context -> {
          assertThat(calls).hasValue(1);
          assertThat(context.getBean(RedissonClient.class).getConfig().getThreads()).isEqualTo(3);
        });
  }

  @Test
  void s3ClientCustomizersAdjustTheClientBeforeItIsBuilt(S3Server s3) {
    List<String> operations = new CopyOnWriteArrayList<>();
    ExecutionInterceptor recorder = new ExecutionInterceptor() {
      @Override
      public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        operations.add(context.request().getClass().getSimpleName());
      }
    };
    runner().withPropertyValues(TestS3.properties(s3))
        .withBean(S3ClientCustomizer.class, () -> builder -> builder.overrideConfiguration(
            c -> c.addExecutionInterceptor(recorder)))
        .run(context -> {
          context.getBean(RecordingStorage.class).check();
          assertThat(operations).contains("HeadBucketRequest");
        });
  }

  @Test
  void theS3ClientSendsAndChecksChecksumsOnlyWhereS3RequiresThem(S3Server s3) {
    List<String> sent = new CopyOnWriteArrayList<>();
    ExecutionInterceptor recorder = new ExecutionInterceptor() {
      @Override
      public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        String checksums = context.httpRequest().headers().keySet().stream()
            .map(h -> h.toLowerCase(Locale.ROOT))
            .filter(h -> h.startsWith("x-amz-checksum") || h.startsWith("x-amz-sdk-checksum")
                || h.equals("x-amz-trailer") || h.equals("content-md5"))
            .sorted().toList().toString();
        sent.add(context.request().getClass().getSimpleName() + " " + checksums);
      }
    };
    runner().withPropertyValues(TestS3.properties(s3))
        .withBean(S3ClientCustomizer.class, () -> builder -> builder.overrideConfiguration(
            c -> c.addExecutionInterceptor(recorder)))
        .run(context -> {
          S3Client client = context.getBean(S3Client.class);
          String key = "checksums/" + UUID.randomUUID();
          client.putObject(b -> b.bucket(s3.bucket()).key(key).ifNoneMatch("*"),
              RequestBody.fromString("{}"));
          assertThatThrownBy(() -> client.putObject(b -> b.bucket(s3.bucket()).key(key).ifNoneMatch("*"),
              RequestBody.fromString("{}")))
              .isInstanceOfSatisfying(S3Exception.class,
                  e -> assertThat(e.statusCode()).isEqualTo(412));
          String etag = client.getObjectAsBytes(b -> b.bucket(s3.bucket()).key(key)).response().eTag();
          client.putObject(b -> b.bucket(s3.bucket()).key(key).ifMatch(etag),
              RequestBody.fromString("{\"v\":2}"));
          var deleted = client.deleteObjects(b -> b.bucket(s3.bucket()).delete(d -> d.objects(o -> o.key(key))));
          assertThat(deleted.errors()).isEmpty();
          assertThat(client.listObjectsV2(b -> b.bucket(s3.bucket()).prefix(key)).contents()).isEmpty();

          // PUT and GET carry no checksum (and ask for none); DeleteObjects, where S3 requires one, still does.
          assertThat(sent).containsExactly("PutObjectRequest []", "PutObjectRequest []", "GetObjectRequest []",
              "PutObjectRequest []", "DeleteObjectsRequest [x-amz-checksum-crc32, x-amz-sdk-checksum-algorithm]",
              "ListObjectsV2Request []");
        });
  }

  // ------------------------------------------------------------------------------------------ missing libraries

  @Test
  void withoutRedissonTheLockStaysInMemory() {
    runner().withClassLoader(new FilteredClassLoader(RedissonClient.class)).run(context -> {
      assertThat(context).hasNotFailed().doesNotHaveBean("meetRedissonClient");
      assertThat(context.getBean(RecordingLockProvider.class)).isInstanceOf(InMemoryRecordingLockProvider.class);
    });
  }

  @Test
  void withoutRedissonARedisUrlFailsSayingToAddRedisson() {
    runner().withClassLoader(new FilteredClassLoader(RedissonClient.class))
        .withPropertyValues("meet.redis.url=redis://127.0.0.1:6379")
        .run(context -> assertThat(configurationFailure(context)).satisfies(e -> {
          assertThat(e.property()).isEqualTo("meet.redis.url");
          assertThat(e.getMessage()).contains("Redisson is not on the classpath");
          assertThat(e.action()).contains("org.redisson:redisson");
        }));
  }

  @Test
  void withoutTheAwsSdkStorageIsLocal() {
    runner().withClassLoader(new FilteredClassLoader(S3Client.class)).run(context -> {
      assertThat(context).hasNotFailed().doesNotHaveBean("meetS3Client");
      assertThat(context.getBean(RecordingStorage.class)).isInstanceOf(LocalRecordingStorage.class);
    });
  }

  @Test
  void withoutTheAwsSdkAnS3BucketFailsNamingTheSdk(S3Server s3) {
    runner().withClassLoader(new FilteredClassLoader(S3Client.class)).withPropertyValues(TestS3.properties(s3))
        .run(context -> assertThat(configurationFailure(context)).satisfies(e -> {
          assertThat(e.property()).isEqualTo("meet.storage.s3.bucket");
          assertThat(e.getMessage()).contains("AWS SDK is not on the classpath");
          assertThat(e.action()).contains("software.amazon.awssdk:s3");
        }));
  }

  @Test
  void healthIndicatorsExistOnlyWithBootsHealthSupport() {
    runner().run(context -> assertThat(context.getBeansOfType(HealthIndicator.class)).containsOnlyKeys(
        "meetLockStoreHealthIndicator", "meetStorageHealthIndicator", "meetLiveKitHealthIndicator"));
    runner().withClassLoader(new FilteredClassLoader(HealthIndicator.class)).run(context -> assertThat(context)
        .hasNotFailed().doesNotHaveBean("meetLockStoreHealthIndicator").doesNotHaveBean("meetStorageHealthIndicator")
        .doesNotHaveBean("meetLiveKitHealthIndicator"));
  }

  @Test
  void withoutMicrometerThereAreNoMetrics() {
    runner().withClassLoader(new FilteredClassLoader(MeterRegistry.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(MeetMetrics.class));
  }

  @Test
  void withoutTheServletApiThereIsNoWebhookEndpoint() {
    webRunner().withClassLoader(new FilteredClassLoader(HttpServlet.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("meetLiveKitWebhookServlet"));
  }

  // ------------------------------------------------------------------------------------------ misconfiguration

  @Test
  void aMissingApiSecretFailsSayingWhatToSet() {
    new ApplicationContextRunner()
        .withConfiguration(StarterAutoConfigurations.all())
        .withPropertyValues("meet.livekit.url=http://127.0.0.1:7880", "meet.livekit.api-key=devkey",
            "meet.storage.local-directory=" + recordings)
        .run(context -> {
          MeetConfigurationException failure = configurationFailure(context);
          assertThat(failure.property()).isEqualTo("meet.livekit.api-secret");
          FailureAnalysis analysis = new MeetConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
          assertThat(analysis.getDescription()).isEqualTo("meet is misconfigured: meet.livekit.api-secret: is not set");
          assertThat(analysis.getAction()).startsWith("Set meet.livekit.api-secret to the secret of");
        });
  }

  @Test
  void aMalformedLiveKitUrlFailsNamingIt() {
    runner().withPropertyValues("meet.livekit.url=ftp://livekit.example.com").run(context -> {
      MeetConfigurationException failure = configurationFailure(context);
      assertThat(failure.property()).isEqualTo("meet.livekit.url");
      assertThat(failure.action()).contains("http://127.0.0.1:7880");
    });
  }

  @Test
  void aMalformedRedisUrlFailsWithTheExpectedForm() {
    runner().withPropertyValues("meet.redis.url=127.0.0.1:6379").run(context -> {
      MeetConfigurationException failure = configurationFailure(context);
      assertThat(failure.property()).isEqualTo("meet.redis.url");
      assertThat(failure.getMessage()).contains("'127.0.0.1:6379' is not a Redis URL");
      assertThat(failure.action()).contains("redis://[user:password@]host:port[/database]");
    });
  }

  @Test
  void aMalformedRedisUrlDoesNotRevealItsPassword() {
    runner().withPropertyValues("meet.redis.url=redis://meet:hunter2@redis.internal").run(context -> {
      MeetConfigurationException failure = configurationFailure(context);
      assertThat(failure.getMessage()).contains("redis://***@redis.internal").doesNotContain("hunter2");
      assertThat(new MeetConfigurationFailureAnalyzer().analyze(context.getStartupFailure()).getDescription())
          .doesNotContain("hunter2");
    });
  }

  @Test
  void aRedisWithNothingListeningDoesNotFailStartUpAndShowsInHealth() throws IOException {
    String url = "redis://127.0.0.1:" + closedPort();
    runner().withBean(RedissonClientCustomizer.class, () -> TestRedis.CUSTOMIZER)
        .withPropertyValues("meet.redis.url=" + url).run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(RecordingLockProvider.class)).isInstanceOf(RedisRecordingLockProvider.class);
          assertThat(context.getBean("meetLockStoreHealthIndicator", HealthIndicator.class).health().getStatus())
              .isEqualTo(Status.DOWN);
        });
  }

  @Test
  void anS3EndpointWithNothingListeningDoesNotFailStartUpAndShowsInHealth(S3Server s3) throws IOException {
    String endpoint = "http://127.0.0.1:" + closedPort();
    runner().withPropertyValues(TestS3.properties(s3)).withPropertyValues("meet.storage.s3.endpoint=" + endpoint)
        .withBean(S3ClientCustomizer.class, () -> TestS3.CUSTOMIZER)
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(RecordingStorage.class)).isInstanceOf(S3RecordingStorage.class);
          assertThat(context.getBean("meetStorageHealthIndicator", HealthIndicator.class).health().getStatus())
              .isEqualTo(Status.DOWN);
        });
  }

  @Test
  void aMissingS3BucketShowsInHealthNamingIt(S3Server s3) {
    runner().withPropertyValues(TestS3.properties(s3)).withPropertyValues("meet.storage.s3.bucket=no-such-bucket")
        .run(context -> {
          assertThat(context).hasNotFailed();
          Health health = context.getBean("meetStorageHealthIndicator", HealthIndicator.class).health();
          assertThat(health.getStatus()).isEqualTo(Status.DOWN);
          assertThat(health.getDetails().get("error")).asString().contains("no-such-bucket");
        });
  }

  @Test
  void theS3ClientBuiltFromPropertiesHasAnApiCallTimeout(S3Server s3) {
    runner().withPropertyValues(TestS3.properties(s3)).run(context -> assertThat(context.getBean(S3Client.class)
        .serviceClientConfiguration().overrideConfiguration().apiCallTimeout()).contains(Duration.ofSeconds(10)));
    runner().withPropertyValues(TestS3.properties(s3)).withPropertyValues("meet.storage.s3.call-timeout=3s")
        .run(context -> assertThat(context.getBean(S3Client.class)
            .serviceClientConfiguration().overrideConfiguration().apiCallTimeout()).contains(Duration.ofSeconds(3)));
  }

  @Test
  void anS3CallTimeoutThatIsNotPositiveFailsNamingItsProperty(S3Server s3) {
    runner().withPropertyValues(TestS3.properties(s3)).withPropertyValues("meet.storage.s3.call-timeout=0s")
        .run(context -> assertThat(configurationFailure(context).property())
            .isEqualTo("meet.storage.s3.call-timeout"));
  }

  @Test
  void anS3AccessKeyWithoutItsSecretFails(S3Server s3) {
    runner().withPropertyValues("meet.storage.s3.bucket=" + s3.bucket(), "meet.storage.s3.endpoint=" + s3.endpoint(),
            "meet.storage.s3.access-key=" + s3.accessKey())
        .run(context -> assertThat(configurationFailure(context).property())
            .isEqualTo("meet.storage.s3.secret-key"));
  }

  @Test
  void redisUrlsAreShownWithoutTheirCredentialsEvenWhenThePasswordHoldsSlashesOrAts() {
    assertThat(MeetRedisConfigurations.UrlClient.redacted("redis://:ab/cd@redis:6379")).isEqualTo("redis://***@redis:6379");
    assertThat(MeetRedisConfigurations.UrlClient.redacted("redis://user:p@ss@redis:6379/0"))
        .isEqualTo("redis://***@redis:6379/0");
    assertThat(MeetRedisConfigurations.UrlClient.redacted("redis://redis:6379")).isEqualTo("redis://redis:6379");
  }

  @Test
  void aWebhookPathThatIsNotAPlainPathFails() {
    for (String path : List.of("livekit/webhook", "/livekit/*", "/")) {
      webRunner().withPropertyValues("meet.livekit.webhook.path=" + path).run(context -> {
        MeetConfigurationException failure = configurationFailure(context);
        assertThat(failure.property()).isEqualTo("meet.livekit.webhook.path");
        assertThat(failure.action()).contains("starting with '/'");
      });
    }
  }

  @Test
  void aStoragePrefixOutsideTheLayoutFails() {
    for (String prefix : List.of("../escape/", "no-trailing-slash")) {
      runner().withPropertyValues("meet.storage.prefix=" + prefix).run(context -> {
        MeetConfigurationException failure = configurationFailure(context);
        assertThat(failure.property()).isEqualTo("meet.storage.prefix");
        assertThat(failure.action()).contains("ending with '/'");
      });
    }
  }

  @Test
  void aCollectorGraceNotLongerThanTheStartTimeoutFails() {
    runner().withPropertyValues("meet.recording.start-timeout=30s", "meet.collectors.grace=30s").run(context -> {
      MeetConfigurationException failure = configurationFailure(context);
      assertThat(failure.property()).isEqualTo("meet.collectors.grace");
      assertThat(failure.getMessage()).contains("is not longer than meet.recording.start-timeout");
    });
  }

  @Test
  void aDurationThatMustBePositiveFailsNamingItsProperty() {
    runner().withPropertyValues("meet.recording.start-timeout=0s").run(context -> {
      MeetConfigurationException failure = configurationFailure(context);
      assertThat(failure.property()).isEqualTo("meet.recording.start-timeout");
      assertThat(failure.getMessage()).contains("must be a positive duration");
    });
  }

  @Test
  void anInstanceIdThatCannotBeWrittenIntoALockFails() {
    runner().withPropertyValues("meet.instance-id=my host|1").run(context -> assertThat(
        configurationFailure(context).property()).isEqualTo("meet.instance-id"));
  }

  @Test
  void theFailureAnalyzerIsRegisteredAndReportsWhatToSet(CapturedOutput output) {
    SpringApplication application = new SpringApplication(Misconfigured.class);
    application.setWebApplicationType(WebApplicationType.NONE);
    application.setDefaultProperties(java.util.Map.of("meet.livekit.url", "http://127.0.0.1:7880",
        "meet.livekit.api-key", "devkey", "meet.storage.local-directory", recordings.toString()));

    assertThatThrownBy(application::run).isInstanceOf(BeanCreationException.class);

    assertThat(output).contains("APPLICATION FAILED TO START")
        .contains("meet is misconfigured: meet.livekit.api-secret: is not set")
        .contains("Set meet.livekit.api-secret to the secret of meet.livekit.api-key");
  }

  /** An application with nothing but the auto-configuration, and no LiveKit secret. */
  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class Misconfigured {}

  /** The MeetConfigurationException that stopped the context (it may carry a cause of its own). */
  private static MeetConfigurationException configurationFailure(ApplicationContextAssertProvider<?> context) {
    assertThat(context).hasFailed();
    List<Throwable> chain = new ArrayList<>();
    for (Throwable cause = context.getStartupFailure(); cause != null; cause = cause.getCause()) {
      chain.add(cause);
    }
    return chain.stream().filter(MeetConfigurationException.class::isInstance)
        .map(MeetConfigurationException.class::cast).findFirst()
        .orElseThrow(() -> new AssertionError("no MeetConfigurationException in " + chain));
  }

  /** A port nothing listens on (bound a moment ago, then released). */
  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Counts collector runs per task. */
  static final class CollectorRuns implements RecordingObserver {
    private final List<String> tasks = new CopyOnWriteArrayList<>();

    @Override
    public void collectorRan(String task, CollectorRun run) {
      tasks.add(task);
    }

    long count(String task) {
      return tasks.stream().filter(task::equals).count();
    }
  }
}
