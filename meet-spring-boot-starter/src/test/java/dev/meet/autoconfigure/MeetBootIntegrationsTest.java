package dev.meet.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meet.core.WebhookOutcome;
import dev.meet.core.engine.RecordingManager;
import dev.meet.core.livekit.LiveKitSettings;
import dev.meet.core.lock.LockValue;
import dev.meet.core.lock.RecordingLockProvider;
import dev.meet.core.lock.inmemory.InMemoryRecordingLockProvider;
import dev.meet.core.lock.redis.RedisRecordingLockProvider;
import dev.meet.testkit.redis.RedisServer;
import dev.meet.testkit.redis.RedisServerExtension;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;
import org.redisson.config.ReadMode;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails.Node;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.FilterChainProxy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.server.RouterFunction;

/**
 * How the starter fits what a Boot application already has: Boot's Redis configuration and service connections,
 * Spring Security, WebFlux, Micrometer observations; and how it backs off when one of them is absent.
 */
@ExtendWith({RedisServerExtension.class, OutputCaptureExtension.class})
class MeetBootIntegrationsTest {

  @TempDir
  Path recordings;

  /** No LiveKit is needed: creating the beans calls nothing. */
  private String[] required() {
    return new String[] {"meet.livekit.url=http://127.0.0.1:7880", "meet.livekit.api-key=devkey",
        "meet.livekit.api-secret=secret", "meet.storage.local-directory=" + recordings};
  }

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner().withConfiguration(StarterAutoConfigurations.all())
        .withBean(RedissonClientCustomizer.class, () -> TestRedis.CUSTOMIZER)
        .withPropertyValues(required());
  }

  private ApplicationContextRunner withBootRedis() {
    return runner().withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class));
  }

  private static String[] isolatedPrefixAndChannel(RedisServer redis) {
    String[] isolated = TestRedis.isolated(redis.uri());
    return new String[] {isolated[1], isolated[2]};
  }

  // ------------------------------------------------------------------------------------------ Boot's Redis

  @Test
  void springDataRedisPropertiesSelectTheRedisLockThroughBootsConnectionDetails(RedisServer redis) {
    String[] isolated = isolatedPrefixAndChannel(redis);
    String prefix = isolated[0].substring("meet.redis.key-prefix=".length());
    withBootRedis()
        .withPropertyValues("spring.data.redis.host=" + redis.host(), "spring.data.redis.port=" + redis.port())
        .withPropertyValues(isolated)
        .run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(RedissonClient.class);
          RedissonClient client = context.getBean(RedissonClient.class);
          assertThat(client.getConfig().useSingleServer().getAddress())
              .isEqualTo("redis://" + redis.host() + ":" + redis.port());
          RecordingLockProvider locks = context.getBean(RecordingLockProvider.class);
          assertThat(locks).isInstanceOf(RedisRecordingLockProvider.class);
          String room = "room-" + UUID.randomUUID().toString().substring(0, 8);
          locks.tryAcquire(room, new LockValue(UUID.randomUUID().toString(), null, "a", Instant.now()),
              Duration.ofMinutes(1));
          assertThat(client.getBucket(prefix + "room:" + room, StringCodec.INSTANCE).isExists()).isTrue();
        });
  }

  @Test
  void aServiceConnectionsDetailsAreUsedAsTestcontainersOrDockerComposeRegisterThem(RedisServer redis) {
    DataRedisConnectionDetails serviceConnection = new DataRedisConnectionDetails() {
      @Override
      public Standalone getStandalone() {
        return Standalone.of(redis.host(), redis.port(), 3);
      }
    };
    runner().withBean(DataRedisConnectionDetails.class, () -> serviceConnection)
        .withPropertyValues(isolatedPrefixAndChannel(redis))
        .run(context -> {
          var server = context.getBean(RedissonClient.class).getConfig().useSingleServer();
          assertThat(server.getAddress()).isEqualTo("redis://" + redis.host() + ":" + redis.port());
          assertThat(server.getDatabase()).isEqualTo(3);
        });
  }

  @Test
  void meetRedisUrlOverridesSpringDataRedis(RedisServer redis) {
    withBootRedis().withPropertyValues("spring.data.redis.host=redis.invalid", "meet.redis.url=" + redis.uri())
        .withPropertyValues(isolatedPrefixAndChannel(redis))
        .run(context -> assertThat(context.getBean(RedissonClient.class).getConfig().useSingleServer().getAddress())
            .isEqualTo(redis.uri()));
  }

  @Test
  void anApplicationRedissonClientWinsOverSpringDataRedis(RedisServer redis) {
    RedissonClient own = TestRedis.connect(redis.uri());
    try {
      withBootRedis().withBean(RedissonClient.class, () -> own).withPropertyValues("spring.data.redis.host=redis.invalid")
          .run(context -> {
            assertThat(context).hasSingleBean(RedissonClient.class).doesNotHaveBean("meetRedissonClient");
            assertThat(context.getBean(RecordingLockProvider.class)).hasFieldOrPropertyWithValue("client", own);
          });
    } finally {
      own.shutdown();
    }
  }

  @Test
  void withoutBootsRedisModuleTheLockStaysInMemory() {
    withBootRedis().withClassLoader(new FilteredClassLoader(DataRedisConnectionDetails.class)).run(context -> {
      assertThat(context).hasNotFailed().doesNotHaveBean(RedissonClient.class);
      assertThat(context.getBean(RecordingLockProvider.class)).isInstanceOf(InMemoryRecordingLockProvider.class);
    });
  }

  @Test
  void withoutRedissonBootsRedisConfigurationLeavesTheLockInMemory() {
    withBootRedis().withClassLoader(new FilteredClassLoader(RedissonClient.class)).run(context -> {
      assertThat(context).hasNotFailed().doesNotHaveBean("meetRedissonClient");
      assertThat(context.getBean(RecordingLockProvider.class)).isInstanceOf(InMemoryRecordingLockProvider.class);
    });
  }

  @Test
  void sentinelSettingsBecomeARedissonSentinelConfigurationWithBothPasswords() {
    Config config = MeetDataRedisConfiguration.config(new Details("app", "app-secret", null) {
      @Override
      public Sentinel getSentinel() {
        return new Sentinel() {
          @Override public int getDatabase() { return 2; }
          @Override public String getMaster() { return "mymaster"; }
          @Override public List<Node> getNodes() { return List.of(new Node("s1", 26379), new Node("::1", 26380)); }
          @Override public String getUsername() { return "sentinel-user"; }
          @Override public String getPassword() { return "sentinel-secret"; }
        };
      }
    });

    assertThat(config.isSentinelConfig()).isTrue();
    var sentinel = config.useSentinelServers();
    assertThat(sentinel.getMasterName()).isEqualTo("mymaster");
    assertThat(sentinel.getSentinelAddresses()).containsExactly("redis://s1:26379", "redis://[::1]:26380");
    assertThat(sentinel.getDatabase()).isEqualTo(2);
    assertThat(sentinel.getSentinelUsername()).isEqualTo("sentinel-user");
    assertThat(sentinel.getSentinelPassword()).isEqualTo("sentinel-secret");
    assertThat(config.getUsername()).isEqualTo("app");
    assertThat(config.getPassword()).isEqualTo("app-secret");
  }

  @Test
  void oneSentinelIsEnoughAsForBootAndEveryTopologyReadsFromTheMaster() {
    Config sentinel = MeetDataRedisConfiguration.config(new Details(null, null, null) {
      @Override
      public Sentinel getSentinel() {
        return new Sentinel() {
          @Override public int getDatabase() { return 0; }
          @Override public String getMaster() { return "mymaster"; }
          @Override public List<Node> getNodes() { return List.of(new Node("s1", 26379)); }
          @Override public String getUsername() { return null; }
          @Override public String getPassword() { return null; }
        };
      }
    });
    assertThat(sentinel.useSentinelServers().isCheckSentinelsList()).isFalse();
    assertThat(sentinel.useSentinelServers().getReadMode()).isEqualTo(ReadMode.MASTER);

    Config cluster = MeetDataRedisConfiguration.config(new Details(null, null, null) {
      @Override
      public Cluster getCluster() {
        return () -> List.of(new Node("c1", 7000));
      }
    });
    assertThat(cluster.useClusterServers().getReadMode()).isEqualTo(ReadMode.MASTER);

    Config replicated = MeetDataRedisConfiguration.config(new Details(null, null, null) {
      @Override
      public MasterReplica getMasterReplica() {
        return () -> List.of(new Node("m", 6379), new Node("r", 6380));
      }
    });
    assertThat(replicated.useReplicatedServers().getReadMode()).isEqualTo(ReadMode.MASTER);
  }

  @Test
  void clusterSettingsBecomeARedissonClusterConfiguration() {
    Config config = MeetDataRedisConfiguration.config(new Details(null, "secret", null) {
      @Override
      public Cluster getCluster() {
        return () -> List.of(new Node("c1", 7000), new Node("c2", 7001));
      }
    });

    assertThat(config.isClusterConfig()).isTrue();
    assertThat(config.useClusterServers().getNodeAddresses()).containsExactly("redis://c1:7000", "redis://c2:7001");
    assertThat(config.getPassword()).isEqualTo("secret");
  }

  @Test
  void staticMasterReplicaNodesBecomeRedissonsReplicatedMode() {
    Config config = MeetDataRedisConfiguration.config(new Details(null, null, null) {
      @Override
      public MasterReplica getMasterReplica() {
        return () -> List.of(new Node("m", 6379), new Node("r", 6380));
      }
    });

    assertThat(config.useReplicatedServers().getNodeAddresses()).containsExactly("redis://m:6379", "redis://r:6380");
  }

  @Test
  void anSslBundleSelectsRedissWithTheBundlesTrustManagers() {
    SslBundle bundle = SslBundle.systemDefault();
    Config config = MeetDataRedisConfiguration.config(new Details(null, null, bundle) {
      @Override
      public Standalone getStandalone() {
        return Standalone.of("redis.example.com", 6380);
      }
    });

    assertThat(config.useSingleServer().getAddress()).isEqualTo("rediss://redis.example.com:6380");
    assertThat(config.getSslTrustManagerFactory()).isSameAs(bundle.getManagers().getTrustManagerFactory());
  }

  /** Connection details with credentials and SSL; each test adds its topology. */
  private abstract static class Details implements DataRedisConnectionDetails {
    private final @Nullable String username;
    private final @Nullable String password;
    private final @Nullable SslBundle ssl;

    Details(@Nullable String username, @Nullable String password, @Nullable SslBundle ssl) {
      this.username = username;
      this.password = password;
      this.ssl = ssl;
    }

    @Override
    public @Nullable String getUsername() {
      return username;
    }

    @Override
    public @Nullable String getPassword() {
      return password;
    }

    @Override
    public @Nullable SslBundle getSslBundle() {
      return ssl;
    }
  }

  // ------------------------------------------------------------------------------------------ Spring Security

  private WebApplicationContextRunner secured() {
    return new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(SecurityAutoConfiguration.class,
            UserDetailsServiceAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class))
        .withConfiguration(StarterAutoConfigurations.all())
        .withPropertyValues(required());
  }

  private static @Nullable SecurityFilterChain chainFor(FilterChainProxy security, String path) {
    MockHttpServletRequest request = new MockHttpServletRequest("POST", path);
    request.setServletPath(path);
    return security.getFilterChains().stream().filter(chain -> chain.matches(request)).findFirst().orElse(null);
  }

  @Test
  void withSpringSecurityTheWebhookPathHasAChainOfItsOwnAndBootsDefaultGuardsTheRest() {
    secured().run(context -> {
      assertThat(context).hasNotFailed().hasBean("meetLiveKitWebhookSecurityFilterChain")
          .hasBean("defaultSecurityFilterChain");
      FilterChainProxy security = context.getBean(FilterChainProxy.class);
      assertThat(chainFor(security, "/livekit/webhook"))
          .isSameAs(context.getBean("meetLiveKitWebhookSecurityFilterChain"));
      assertThat(chainFor(security, "/anything-else")).isSameAs(context.getBean("defaultSecurityFilterChain"));
    });
  }

  @Test
  void theSecurityChainFollowsTheWebhookPath() {
    secured().withPropertyValues("meet.livekit.webhook.path=/hooks/livekit").run(context -> {
      FilterChainProxy security = context.getBean(FilterChainProxy.class);
      assertThat(chainFor(security, "/hooks/livekit"))
          .isSameAs(context.getBean("meetLiveKitWebhookSecurityFilterChain"));
      assertThat(chainFor(security, "/livekit/webhook")).isSameAs(context.getBean("defaultSecurityFilterChain"));
    });
  }

  @Test
  void withoutSpringSecurityThereIsNoSecurityChain() {
    new WebApplicationContextRunner().withConfiguration(StarterAutoConfigurations.all()).withPropertyValues(required())
        .withClassLoader(new FilteredClassLoader(SecurityFilterChain.class))
        .run(context -> assertThat(context).hasNotFailed().hasBean("meetLiveKitWebhookServlet")
            .doesNotHaveBean("meetLiveKitWebhookSecurityFilterChain"));
  }

  @Test
  void withTheWebhookEndpointOffThereIsNoSecurityChainForIt() {
    secured().withPropertyValues("meet.livekit.webhook.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("meetLiveKitWebhookSecurityFilterChain"));
  }

  // ------------------------------------------------------------------------------------------ WebFlux

  private ReactiveWebApplicationContextRunner reactive() {
    return new ReactiveWebApplicationContextRunner().withConfiguration(StarterAutoConfigurations.all())
        .withPropertyValues(required());
  }

  @Test
  void aReactiveApplicationGetsTheWebhookAsARouterFunction() {
    reactive().run(context -> {
      assertThat(context).hasNotFailed().hasBean("meetLiveKitWebhookRouter")
          .doesNotHaveBean(ServletRegistrationBean.class);
      WebTestClient client = WebTestClient.bindToRouterFunction(
          context.getBean("meetLiveKitWebhookRouter", RouterFunction.class)).build();

      client.post().uri("/livekit/webhook").header("Authorization", "forged").bodyValue("{}").exchange()
          .expectStatus().isEqualTo(401)
          .expectBody(String.class).value(body -> assertThat(body).isNotBlank());
      client.post().uri("/livekit/webhook").bodyValue(new byte[LiveKitWebhookHandler.MAX_BODY_BYTES + 1]).exchange()
          .expectStatus().isEqualTo(413);
    });
  }

  @Test
  void withoutWebFluxFunctionalEndpointsAReactiveApplicationHasNoRouter() {
    reactive().withClassLoader(new FilteredClassLoader(RouterFunction.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("meetLiveKitWebhookRouter"));
  }

  @Test
  void reactiveSpringSecurityGetsACustomizerThatPermitsTheWebhookPath() {
    reactive().withConfiguration(AutoConfigurations.of(ReactiveWebSecurityAutoConfiguration.class))
        .run(context -> assertThat(context).hasNotFailed()
            .hasBean("meetLiveKitWebhookServerHttpSecurityCustomizer"));
    reactive().withClassLoader(new FilteredClassLoader(ServerHttpSecurity.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(Customizer.class));
  }

  // ------------------------------------------------------------------------------------------ observations

  @Test
  void eachWebhookIsAnObservationWithItsOutcomeAndEventAsLowCardinalityKeys() {
    TestObservationRegistry observations = TestObservationRegistry.create();
    new WebApplicationContextRunner().withConfiguration(StarterAutoConfigurations.all())
        .withPropertyValues(required())
        .withBean(ObservationRegistry.class, () -> observations)
        .run(context -> {
          LiveKitWebhookHandler handler = context.getBean(LiveKitWebhookHandler.class);
          assertThat(handler).isInstanceOf(ObservedWebhookHandler.class);
          handler.handle("{}".getBytes(StandardCharsets.UTF_8), "forged");

          TestObservationRegistryAssert.assertThat(observations)
              .hasObservationWithNameEqualTo(ObservedWebhookHandler.NAME).that()
              .hasLowCardinalityKeyValue("outcome", "rejected")
              .hasLowCardinalityKeyValue("event", "unverified")
              .hasBeenStarted().hasBeenStopped();
        });
  }

  @Test
  void aVerifiedWebhooksObservationIsTaggedWithItsEvent() {
    TestObservationRegistry observations = TestObservationRegistry.create();
    new WebApplicationContextRunner().withConfiguration(StarterAutoConfigurations.all())
        .withPropertyValues(required())
        .withBean(ObservationRegistry.class, () -> observations)
        .run(context -> {
          byte[] body = TestWebhooks.roomStarted();
          context.getBean(LiveKitWebhookHandler.class).handle(body, TestWebhooks.sign(body, "devkey", "secret"));

          TestObservationRegistryAssert.assertThat(observations)
              .hasObservationWithNameEqualTo(ObservedWebhookHandler.NAME).that()
              .hasLowCardinalityKeyValue("outcome", "ignored")
              .hasLowCardinalityKeyValue("event", "room_started")
              .hasBeenStopped();
        });
  }

  @Test
  void aWebhookEventLiveKitDoesNotSendOrAnUnreadableBodyIsTaggedOther() {
    byte[] invented = "{\"event\":\"made_up_by_anyone\"}".getBytes(StandardCharsets.UTF_8);
    byte[] unreadable = "not json".getBytes(StandardCharsets.UTF_8);

    assertThat(ObservedWebhookHandler.event(invented, WebhookOutcome.Kind.RETRY)).isEqualTo("other");
    assertThat(ObservedWebhookHandler.event(unreadable, WebhookOutcome.Kind.RETRY)).isEqualTo("other");
    assertThat(ObservedWebhookHandler.event(TestWebhooks.roomStarted(), WebhookOutcome.Kind.REJECTED))
        .isEqualTo("unverified");
  }

  @Test
  void withoutMicrometerObservationWebhooksAreHandledUnobserved() {
    new WebApplicationContextRunner().withConfiguration(StarterAutoConfigurations.all())
        .withPropertyValues(required())
        .withClassLoader(new FilteredClassLoader(ObservationRegistry.class))
        .run(context -> assertThat(context.getBean(LiveKitWebhookHandler.class))
            .isNotInstanceOf(ObservedWebhookHandler.class));
  }

  // ------------------------------------------------------------------------------------------ health

  @Test
  void withActuatorLiveKitGetsAHealthGroupOfItsOwn() {
    runner().run(context -> assertThat(context).hasNotFailed().hasBean("meetLiveKitHealthIndicator")
        .hasBean("meetLiveKitHealthGroup"));
  }

  @Test
  void withoutActuatorTheIndicatorsStayButThereIsNoHealthGroup() {
    runner().withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
        .run(context -> assertThat(context).hasNotFailed().hasBean("meetLiveKitHealthIndicator")
            .doesNotHaveBean("meetLiveKitHealthGroup"));
  }

  // ------------------------------------------------------------------------------------------ metrics

  @Test
  void anApplicationRecordingManagerIsWarnedAboutTheMetricsItDoesNotGet(CapturedOutput output) {
    RecordingManager own = RecordingManager.builder()
        .liveKit(new LiveKitSettings("http://127.0.0.1:1", "key", "secret"))
        .localStorage(recordings)
        .build();
    runner().withBean(RecordingManager.class, () -> own).run(context -> assertThat(context).hasNotFailed());
    assertThat(output).contains("meet metrics are not attached to the application's own RecordingManager");
  }

  @Test
  void theStartersRecordingManagerGetsTheMetricsWithoutAWarning(CapturedOutput output) {
    runner().run(context -> assertThat(context).hasNotFailed().hasSingleBean(MeetMetrics.class));
    assertThat(output).doesNotContain("meet metrics are not attached");
  }
}
