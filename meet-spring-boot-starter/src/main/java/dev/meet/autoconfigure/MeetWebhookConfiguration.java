package dev.meet.autoconfigure;

import dev.meet.core.engine.RecordingManager;
import io.micrometer.observation.ObservationRegistry;
import jakarta.servlet.http.HttpServlet;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/** The LiveKit webhook endpoint: a servlet in servlet web applications, a router function in reactive ones. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
@ConditionalOnBooleanProperty(name = "meet.livekit.webhook.enabled", matchIfMissing = true)
@Import({
    MeetWebhookConfiguration.Observed.class,
    MeetWebhookConfiguration.Plain.class,
    MeetWebhookConfiguration.Servlet.class,
    MeetWebhookConfiguration.Reactive.class})
class MeetWebhookConfiguration {

  static String path(MeetProperties properties) {
    String path = properties.livekit().webhook().path();
    // "/" would take the DispatcherServlet's default mapping and Tomcat would refuse to start.
    if (!path.startsWith("/") || path.contains("*") || path.contains("{") || path.equals("/")) {
      throw new MeetConfigurationException("meet.livekit.webhook.path", "'" + path + "' is not a plain path",
          "Set meet.livekit.webhook.path to a path starting with '/', e.g. /livekit/webhook.");
    }
    return path;
  }

  /** Each webhook an Observation, when Micrometer's observation API is on the classpath. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(ObservationRegistry.class)
  static class Observed {

    @Bean
    @ConditionalOnMissingBean
    LiveKitWebhookHandler meetLiveKitWebhookHandler(RecordingManager recordingManager,
        ObjectProvider<ObservationRegistry> registry) {
      return new ObservedWebhookHandler(recordingManager, () -> registry.getIfAvailable(() -> ObservationRegistry.NOOP));
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingClass("io.micrometer.observation.ObservationRegistry")
  static class Plain {

    @Bean
    @ConditionalOnMissingBean
    LiveKitWebhookHandler meetLiveKitWebhookHandler(RecordingManager recordingManager) {
      return recordingManager::handleWebhook;
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass({HttpServlet.class, ServletRegistrationBean.class})
  static class Servlet {

    @Bean
    @ConditionalOnMissingBean(name = "meetLiveKitWebhookServlet")
    ServletRegistrationBean<HttpServlet> meetLiveKitWebhookServlet(LiveKitWebhookHandler handler,
        MeetProperties properties) {
      ServletRegistrationBean<HttpServlet> registration =
          new ServletRegistrationBean<>(new LiveKitWebhookServlet(handler), path(properties));
      registration.setName("meetLiveKitWebhook");
      return registration;
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
  @ConditionalOnClass(RouterFunction.class)
  static class Reactive {

    @Bean
    @ConditionalOnMissingBean(name = "meetLiveKitWebhookRouter")
    RouterFunction<ServerResponse> meetLiveKitWebhookRouter(LiveKitWebhookHandler handler,
        MeetProperties properties) {
      return LiveKitWebhookRouter.route(path(properties), handler);
    }
  }
}
