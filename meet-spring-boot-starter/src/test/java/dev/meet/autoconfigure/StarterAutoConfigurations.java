package dev.meet.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfigurations;

/** Every auto-configuration of the starter, as an application with the starter gets them. */
final class StarterAutoConfigurations {

  private StarterAutoConfigurations() {}

  static AutoConfigurations all() {
    return AutoConfigurations.of(MeetAutoConfiguration.class, MeetHealthAutoConfiguration.class,
        MeetMetricsAutoConfiguration.class, MeetWebhookSecurityAutoConfiguration.class,
        MeetWebhooksAutoConfiguration.class);
  }
}
