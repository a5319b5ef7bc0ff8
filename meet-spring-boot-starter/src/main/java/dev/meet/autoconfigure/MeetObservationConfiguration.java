package dev.meet.autoconfigure;

import dev.meet.core.RecordingObserver;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Starts and stops as Observations ({@link ObservedRecordings}), when Micrometer's observation API is on the
 * classpath; they reach the application's {@code ObservationRegistry} (Actuator's), and nothing when it has none.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(ObservationRegistry.class)
class MeetObservationConfiguration {

  @Bean
  @ConditionalOnMissingBean(name = "meetRecordingObservations")
  RecordingObserver meetRecordingObservations(ObjectProvider<ObservationRegistry> registry) {
    return new ObservedRecordings(() -> registry.getIfAvailable(() -> ObservationRegistry.NOOP));
  }
}
