package dev.meet.autoconfigure;

import dev.meet.core.engine.RecordingManager;
import dev.meet.core.lock.RecordingLockProvider;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.core.type.MethodMetadata;

/**
 * meet's Micrometer meters ({@link MeetMetrics}), when Micrometer is on the classpath. {@code MeetMetrics} is a
 * {@code MeterBinder}, which Boot binds to the application's registries, and a {@code RecordingObserver}, which the
 * starter's {@code RecordingManager} tells about starts, webhooks and collector runs.
 */
@AutoConfiguration(after = MeetAutoConfiguration.class)
@ConditionalOnClass({MeterRegistry.class, MeterBinder.class})
@ConditionalOnBean(RecordingLockProvider.class)
public final class MeetMetricsAutoConfiguration {

  private static final Logger log = LoggerFactory.getLogger(MeetMetricsAutoConfiguration.class);

  @Bean
  @ConditionalOnMissingBean
  MeetMetrics meetMetrics(RecordingLockProvider locks) {
    return new MeetMetrics(locks);
  }

  /**
   * The application's own {@code RecordingManager} was built by the application, so the starter cannot hand it the
   * metrics: say so once, with what to do, rather than show meters that never move.
   */
  @Bean
  static ApplicationListener<ContextRefreshedEvent> meetMetricsAttachmentCheck() {
    return event -> {
      if (!(event.getApplicationContext().getAutowireCapableBeanFactory()
          instanceof ConfigurableListableBeanFactory beans)) {
        return;
      }
      for (String name : beans.getBeanNamesForType(RecordingManager.class, false, false)) {
        if (!builtByTheStarter(beans.getMergedBeanDefinition(name))) {
          log.warn("meet metrics are not attached to the application's own RecordingManager bean={}: unless it was "
              + "built with RecordingManager.builder().observer(...) given the RecordingObserver beans (meetMetrics, "
              + "meetRecordingObservations; RecordingObserver.all(...) for several), its meet.* meters stay at zero "
              + "and its starts and stops are not observed", name);
        }
      }
    };
  }

  private static boolean builtByTheStarter(BeanDefinition definition) {
    if (definition instanceof AnnotatedBeanDefinition annotated) {
      MethodMetadata factory = annotated.getFactoryMethodMetadata();
      return factory != null && factory.getDeclaringClassName().equals(MeetAutoConfiguration.class.getName());
    }
    return false;
  }
}
