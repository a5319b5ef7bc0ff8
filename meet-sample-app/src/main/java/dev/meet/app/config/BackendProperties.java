package dev.meet.app.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The backend's own settings, beside the starter's {@code meet.*}.
 *
 * @param dataDir Where the embedded setup keeps its data (recordings, rooms, the generated API key): MEET_DATA_DIR
 * @param embeddedLivekit Whether the LiveKit emulator runs in-process (set when no LiveKit URL is configured)
 * @param emulatorPort The embedded emulator's port on 127.0.0.1 (0 for any free port): MEET_EMULATOR_PORT
 * @param publicUrl The URL clients reach this backend at, for absolute URLs in answers; by default the request's
 * @param roomCollectorInterval How often rooms past their autoDeletionDate are deleted (one instance at a time)
 */
@ConfigurationProperties("meet.backend")
public record BackendProperties(
    @DefaultValue("./meet-data") Path dataDir,
    @DefaultValue("false") boolean embeddedLivekit,
    @DefaultValue("7880") int emulatorPort,
    @Nullable URI publicUrl,
    @DefaultValue("1m") Duration roomCollectorInterval) {}
