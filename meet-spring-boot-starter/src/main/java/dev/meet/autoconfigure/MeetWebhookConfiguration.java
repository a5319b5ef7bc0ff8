package dev.meet.autoconfigure;

import dev.meet.core.engine.RecordingManager;
import jakarta.servlet.http.HttpServlet;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The LiveKit webhook endpoint, in servlet web applications. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({HttpServlet.class, ServletRegistrationBean.class})
@ConditionalOnBooleanProperty(name = "meet.livekit.webhook.enabled", matchIfMissing = true)
class MeetWebhookConfiguration {

  @Bean
  @ConditionalOnMissingBean(name = "meetLiveKitWebhookServlet")
  ServletRegistrationBean<HttpServlet> meetLiveKitWebhookServlet(RecordingManager recordingManager,
      MeetProperties properties) {
    String path = properties.livekit().webhook().path();
    // "/" would take the DispatcherServlet's default mapping and Tomcat would refuse to start.
    if (!path.startsWith("/") || path.contains("*") || path.equals("/")) {
      throw new MeetConfigurationException("meet.livekit.webhook.path", "'" + path + "' is not a plain path",
          "Set meet.livekit.webhook.path to a path starting with '/', e.g. /livekit/webhook.");
    }
    ServletRegistrationBean<HttpServlet> registration =
        new ServletRegistrationBean<>(new LiveKitWebhookServlet(recordingManager), path);
    registration.setName("meetLiveKitWebhook");
    return registration;
  }
}
