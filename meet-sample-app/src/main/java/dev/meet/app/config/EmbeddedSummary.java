package dev.meet.app.config;

import dev.meet.autoconfigure.MeetProperties;
import dev.meet.core.lock.RecordingLockProvider;
import dev.meet.core.lock.inmemory.InMemoryRecordingLockProvider;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;

/** Says in one WARN line, once started, which parts are embedded and that such a setup is for trying it out. */
final class EmbeddedSummary implements ApplicationListener<ApplicationReadyEvent> {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedSummary.class);

  private final @Nullable EmbeddedLiveKit liveKit;
  private final RecordingLockProvider locks;
  private final MeetProperties meet;

  EmbeddedSummary(@Nullable EmbeddedLiveKit liveKit, RecordingLockProvider locks, MeetProperties meet) {
    this.liveKit = liveKit;
    this.locks = locks;
    this.meet = meet;
  }

  @Override
  public void onApplicationEvent(ApplicationReadyEvent event) {
    List<String> embedded = new ArrayList<>();
    if (liveKit != null) {
      embedded.add("LiveKit emulator at " + liveKit.url() + " (set LIVEKIT_URL)");
    }
    if (locks instanceof InMemoryRecordingLockProvider) {
      embedded.add("in-memory lock, one instance only (set MEET_REDIS_HOST or MEET_REDIS_URL)");
    }
    String bucket = meet.storage().s3().bucket();
    if (bucket == null || bucket.isBlank()) {
      embedded.add("local storage in " + meet.storage().localDirectory().toAbsolutePath().normalize()
          + " (set MEET_S3_BUCKET)");
    }
    if (!embedded.isEmpty()) {
      log.warn("embedded parts: {}. This setup is for trying the backend out, not for production.",
          String.join("; ", embedded));
    }
  }
}
