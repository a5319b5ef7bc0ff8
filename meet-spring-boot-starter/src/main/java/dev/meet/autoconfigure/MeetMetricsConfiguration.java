package dev.meet.autoconfigure;

import dev.meet.core.lock.RecordingLockProvider;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Micrometer meters of meet, when Micrometer is on the classpath; they bind to the application's registry. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(MeterRegistry.class)
class MeetMetricsConfiguration {

  @Bean
  @ConditionalOnMissingBean
  MeetMetrics meetMetrics(ObjectProvider<MeterRegistry> registry, RecordingLockProvider locks) {
    return new MeetMetrics(registry, locks);
  }
}
