package com.example;

import dev.meet.core.Recording;
import dev.meet.core.StartOptions;
import dev.meet.core.engine.RecordingManager;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A user's application: it says on which port LiveKit's webhooks reach it, waits for "go" on its standard input, then
 * records the room named by its first argument and prints the recording's status.
 */
@SpringBootApplication
public class UserApp {

  public static void main(String[] args) throws Exception {
    try (ConfigurableApplicationContext context = SpringApplication.run(UserApp.class, args)) {
      System.out.println("port=" + ((WebServerApplicationContext) context).getWebServer().getPort());
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      if (!"go".equals(in.readLine())) {
        throw new IllegalStateException("expected go");
      }
      RecordingManager recordings = context.getBean(RecordingManager.class);
      Recording recording = recordings.start(args[0], StartOptions.defaults());
      System.out.println("status=" + recording.status());
      recordings.stop(recording.recordingId());
    }
  }
}
