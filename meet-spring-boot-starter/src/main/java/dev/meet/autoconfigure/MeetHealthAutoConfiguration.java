package dev.meet.autoconfigure;

import dev.meet.core.livekit.LiveKitGateway;
import dev.meet.core.lock.RecordingLockProvider;
import dev.meet.core.storage.RecordingStorage;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Health of meet's dependencies ({@code meetLockStore}, {@code meetStorage}, {@code meetLiveKit}), when Boot's health
 * support is on the classpath and {@code management.health.meet.enabled} is not false. Each probe is one cheap call.
 *
 * <p>{@code meetLiveKit} is left out of the overall status and shown in the health group {@value
 * MeetLiveKitHealthGroup#GROUP} instead: while LiveKit is down, reading, streaming and deleting recordings still work,
 * so it must not take the whole application out of service.
 */
@AutoConfiguration(after = MeetAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnEnabledHealthIndicator("meet")
public final class MeetHealthAutoConfiguration {

  /** A room id no room has: reading its lock or asking LiveKit about it is the cheapest real round trip. */
  static final String PROBE = "meet-health-probe";

  @Bean
  @ConditionalOnBean(RecordingLockProvider.class)
  @ConditionalOnMissingBean(name = "meetLockStoreHealthIndicator")
  HealthIndicator meetLockStoreHealthIndicator(RecordingLockProvider locks) {
    return () -> probe(() -> locks.get(PROBE), locks.getClass().getSimpleName());
  }

  @Bean
  @ConditionalOnBean(RecordingStorage.class)
  @ConditionalOnMissingBean(name = "meetStorageHealthIndicator")
  HealthIndicator meetStorageHealthIndicator(RecordingStorage storage) {
    return () -> probe(storage::check, storage.getClass().getSimpleName());
  }

  @Bean
  @ConditionalOnBean(LiveKitGateway.class)
  @ConditionalOnMissingBean(name = "meetLiveKitHealthIndicator")
  HealthIndicator meetLiveKitHealthIndicator(LiveKitGateway liveKit) {
    return () -> probe(() -> liveKit.findRoom(PROBE), liveKit.getClass().getSimpleName());
  }

  private static Health probe(Runnable call, String provider) {
    try {
      call.run();
      return Health.up().withDetail("provider", provider).build();
    } catch (RuntimeException e) {
      return Health.down().withDetail("provider", provider).withDetail("error", String.valueOf(e.getMessage()))
          .build();
    }
  }

  /** With Actuator's health endpoint: LiveKit in a group of its own. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {
      "org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor",
      "org.springframework.boot.actuate.endpoint.SecurityContext"})
  static class Groups {

    @Bean
    @ConditionalOnMissingBean(MeetLiveKitHealthGroup.class)
    static HealthEndpointGroupsPostProcessor meetLiveKitHealthGroup() {
      return new MeetLiveKitHealthGroup();
    }
  }
}
