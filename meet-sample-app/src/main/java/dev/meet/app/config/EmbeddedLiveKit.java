package dev.meet.app.config;

import dev.meet.testkit.livekit.LiveKitEmulator;
import java.net.URI;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;

/**
 * The LiveKit emulator, in-process on 127.0.0.1, when no LiveKit URL is configured: its webhooks point at this
 * backend (once its port is known) and its egress writes MP4s into the same directory as the local storage.
 */
public final class EmbeddedLiveKit implements ApplicationListener<WebServerInitializedEvent>, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedLiveKit.class);

  private final LiveKitEmulator emulator;

  public EmbeddedLiveKit(int port, String apiKey, String apiSecret, Path mediaDirectory) {
    this.emulator = LiveKitEmulator.builder()
        .host("127.0.0.1")
        .port(port)
        .credentials(apiKey, apiSecret)
        .outputDirectory(mediaDirectory)
        .build()
        .start();
    log.warn("embedded LiveKit emulator started url={} (no LIVEKIT_URL configured: for trying it out only)",
        emulator.url());
  }

  public String url() {
    return emulator.url();
  }

  public LiveKitEmulator emulator() {
    return emulator;
  }

  @Override
  public void onApplicationEvent(WebServerInitializedEvent event) {
    if (!"server".equals(event.getApplicationContext().getServerNamespace())
        && event.getApplicationContext().getServerNamespace() != null) {
      return; // the management server, if separate, does not receive webhooks
    }
    URI webhook = URI.create("http://127.0.0.1:" + event.getWebServer().getPort() + "/livekit/webhook");
    emulator.addWebhookUrl(webhook);
    log.info("embedded LiveKit emulator sends its webhooks to {}", webhook);
  }

  @Override
  public void close() {
    emulator.close();
  }
}
