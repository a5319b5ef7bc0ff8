package dev.meet.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.meet.core.lock.RecordingLockProvider;
import dev.meet.testkit.livekit.LiveKitEmulator;
import dev.meet.testkit.s3.S3Server;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;
import org.redisson.config.ReadMode;

/**
 * OpenVidu Meet's {@code MEET_REDIS_SENTINEL_*} variables against a real Redis Sentinel: a password-protected Redis
 * and a password-protected sentinel monitoring it, both run from the {@code redis-server} binary on the PATH (the
 * test is skipped without one). The backend finds the master through the sentinel and keeps its locks there.
 */
class SentinelTest {

  static final String MASTER = "meetmaster";
  static final String REDIS_PASSWORD = "redis-secret";
  static final String SENTINEL_PASSWORD = "sentinel-secret";

  @TempDir
  static Path dir;
  static final List<Process> processes = new ArrayList<>();
  static int redisPort;
  static int sentinelPort;
  static S3Server s3;
  static LiveKitEmulator emulator;
  static Backend backend;

  @BeforeAll
  static void start() throws Exception {
    Optional<Path> binary = redisServerOnPath();
    assumeTrue(binary.isPresent(), "no redis-server on the PATH: the Sentinel test needs one");
    redisPort = freePort();
    processes.add(run(binary.get(), "redis", "--port", String.valueOf(redisPort), "--bind", "127.0.0.1",
        "--requirepass", REDIS_PASSWORD, "--save", "", "--appendonly", "no"));
    sentinelPort = freePort();
    Path conf = dir.resolve("sentinel.conf"); // the sentinel rewrites its configuration file: it must be its own
    Files.writeString(conf, String.join("\n",
        "port " + sentinelPort,
        "bind 127.0.0.1",
        "dir " + dir,
        "sentinel monitor " + MASTER + " 127.0.0.1 " + redisPort + " 1",
        "sentinel auth-pass " + MASTER + " " + REDIS_PASSWORD,
        "requirepass " + SENTINEL_PASSWORD, ""));
    processes.add(run(binary.get(), "sentinel", conf.toString(), "--sentinel"));
    awaitSentinelKnowsTheMaster();

    s3 = S3Server.startPrivate();
    emulator = LiveKitEmulator.builder().defaultS3(Stack.egressStorage(s3)).activationDelay(Duration.ofMillis(200))
        .endingDelay(Duration.ofMillis(100)).webhookRetryBase(Duration.ofMillis(50)).build().start();
    Map<String, String> settings = new LinkedHashMap<>(Stack.settings(emulator, null, s3));
    settings.put("MEET_REDIS_SENTINEL_HOST_LIST", "127.0.0.1:" + sentinelPort);
    settings.put("MEET_REDIS_SENTINEL_MASTER_NAME", MASTER);
    settings.put("MEET_REDIS_SENTINEL_PASSWORD", SENTINEL_PASSWORD);
    settings.put("MEET_REDIS_PASSWORD", REDIS_PASSWORD);
    backend = Backend.start(settings);
    emulator.addWebhookUrl(URI.create(backend.webhookUrl()));
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (backend != null) {
      backend.close();
    }
    if (emulator != null) {
      emulator.close();
    }
    if (s3 != null) {
      s3.close();
    }
    for (Process process : processes) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  @Test
  void theBackendReachesRedisThroughTheSentinelAndKeepsItsLocksOnTheMaster() {
    assertThat(backend.bean(RecordingLockProvider.class).getClass().getSimpleName())
        .isEqualTo("RedisRecordingLockProvider");
    Backend.Response created = backend.post("/rooms", "{\"roomName\":\"through sentinel\"}");
    String roomId = created.json().get("roomId").asString();
    emulator.addParticipant(roomId, "alice", true);

    Backend.Response started = backend.post("/recordings", "{\"roomId\":\"" + roomId + "\"}");

    assertThat(started.status()).as(started.toString()).isEqualTo(201);
    Config direct = new Config();
    direct.useSingleServer().setAddress("redis://127.0.0.1:" + redisPort).setPassword(REDIS_PASSWORD);
    RedissonClient master = Redisson.create(direct);
    try {
      assertThat(master.getBucket("meet:lock:room:" + roomId, StringCodec.INSTANCE).isExists())
          .as("the room's lock is on the master the sentinel names").isTrue();
    } finally {
      master.shutdown();
    }
    String recordingId = started.json().get("recordingId").asString();
    assertThat(backend.post("/recordings/" + recordingId + "/stop", "").status()).isEqualTo(202);
  }

  private static void awaitSentinelKnowsTheMaster() {
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
      Config config = new Config();
      config.useSentinelServers().setMasterName(MASTER).addSentinelAddress("redis://127.0.0.1:" + sentinelPort)
          .setSentinelPassword(SENTINEL_PASSWORD).setPassword(REDIS_PASSWORD).setCheckSentinelsList(false)
          .setReadMode(ReadMode.MASTER);
      RedissonClient probe = Redisson.create(config);
      try {
        return probe.getKeys().count() >= 0;
      } finally {
        probe.shutdown();
      }
    });
  }

  private static Process run(Path binary, String name, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile())
        .start();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static Optional<Path> redisServerOnPath() {
    for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(entry, "redis-server");
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
