package dev.meet.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The standalone backend: OpenVidu Meet's REST API over the meet recording engine. */
@SpringBootApplication
public class MeetBackendApplication {

  public static void main(String[] args) {
    SpringApplication.run(MeetBackendApplication.class, args);
  }
}
