package dev.meet.core.testing;

import dev.meet.core.RecordingListener;
import dev.meet.core.engine.RecordingManager;
import dev.meet.core.events.redis.RedisRecordingEvents;
import dev.meet.core.livekit.LiveKitSettings;
import dev.meet.core.lock.RecordingLockProvider;
import dev.meet.core.lock.redis.RedisRecordingLockProvider;
import dev.meet.core.storage.RecordingStorage;
import dev.meet.core.storage.StorageLayout;
import dev.meet.core.storage.s3.S3RecordingStorage;
import dev.meet.testkit.livekit.LiveKitEmulator;
import dev.meet.testkit.livekit.S3Target;
import dev.meet.testkit.redis.RedisServer;
import dev.meet.testkit.s3.S3Server;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.redisson.api.RedissonClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The whole recording system for flow tests, every part real: the LiveKit emulator, a Redis server, an S3 server,
 * and as many {@link RecordingManager} instances as a test wants, sharing Redis and the bucket like instances of one
 * deployment. Webhooks reach one chosen instance. Keys and channels are unique per system, so tests sharing one
 * Redis never see each other.
 */
public final class RecordingSystem implements AutoCloseable {

  public static final Duration START_TIMEOUT = Duration.ofSeconds(3);

  private final LiveKitEmulator livekit;
  private final WebhookEndpoint endpoint = new WebhookEndpoint();
  private final RedisServer redis;
  private final S3Server s3;
  private final S3Client s3Client;
  private final String namespace = "meet-test:" + UUID.randomUUID() + ":";
  private final List<RecordingManager> managers = new ArrayList<>();
  private final List<RedissonClient> clients = new ArrayList<>();
  private final List<AutoCloseable> resources = new ArrayList<>();

  public RecordingSystem(RedisServer redis, S3Server s3, Consumer<LiveKitEmulator.Builder> emulator) {
    this.redis = redis;
    this.s3 = s3;
    // The egress writes into the bucket with its own storage configuration (no credential travels in the requests),
    // the default deployment.
    LiveKitEmulator.Builder builder = LiveKitEmulator.builder()
        .defaultS3(new S3Target(s3.endpoint(), s3.region(), s3.accessKey(), s3.secretKey(), s3.bucket(), true))
        .activationDelay(Duration.ofMillis(300))
        .endingDelay(Duration.ofMillis(100))
        .webhookRetryBase(Duration.ofMillis(100));
    emulator.accept(builder);
    this.livekit = builder.build().start();
    livekit.addWebhookUrl(endpoint.url());
    this.s3Client = TestS3.client(s3);
  }

  public RecordingSystem(RedisServer redis, S3Server s3) {
    this(redis, s3, b -> { });
  }

  public LiveKitEmulator livekit() {
    return livekit;
  }

  public WebhookEndpoint webhooks() {
    return endpoint;
  }

  public S3Client s3Client() {
    return s3Client;
  }

  public S3Server s3() {
    return s3;
  }

  /** The key prefix of this system's locks in Redis. */
  public String lockPrefix() {
    return namespace + "lock:";
  }

  /** A lock provider on a Redis client of its own (as another instance would have). */
  public RecordingLockProvider newLockProvider() {
    return new RedisRecordingLockProvider(newClient(), lockPrefix());
  }

  public RedissonClient newClient() {
    RedissonClient client = TestRedisson.connect(redis.uri());
    clients.add(client);
    return client;
  }

  public RecordingStorage newStorage() {
    return new S3RecordingStorage(s3Client, s3.bucket(), StorageLayout.defaults());
  }

  /** A new instance; the first one created also receives the webhooks. */
  public RecordingManager newManager(String instanceId) {
    return newManager(instanceId, b -> { });
  }

  public RecordingManager newManager(String instanceId, Consumer<RecordingManager.Builder> customizer) {
    return newManager(instanceId, newClient(), customizer);
  }

  /**
   * A new instance on a Redis client the caller holds, so a test can cut it off as a crash would:
   * {@code manager.close(); client.shutdown();}. Configured like {@link #newManager(String, Consumer)}.
   */
  public RecordingManager newManager(String instanceId, RedissonClient client,
      Consumer<RecordingManager.Builder> customizer) {
    RedisRecordingEvents events = new RedisRecordingEvents(client, namespace + "signals");
    resources.add(events);
    RecordingManager.Builder builder = RecordingManager.builder()
        .liveKit(new LiveKitSettings(livekit.url(), livekit.apiKey(), livekit.apiSecret(), Duration.ofSeconds(5)))
        .lockProvider(new RedisRecordingLockProvider(client, lockPrefix()))
        .storage(newStorage())
        .events(events)
        .instanceId(instanceId)
        .startTimeout(START_TIMEOUT)
        .collectorInterval(Duration.ofSeconds(1))
        // Just over the call timeout (5 s) + the start timeout + the 2 s margin the manager requires.
        .collectorGrace(START_TIMEOUT.plusSeconds(8));
    customizer.accept(builder);
    RecordingManager manager = builder.build();
    managers.add(manager);
    if (managers.size() == 1) {
      endpoint.routeTo(manager);
    }
    return manager;
  }

  /** Records every change a manager reports, for assertions. */
  public static final class Changes implements RecordingListener {
    private final List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void onRecordingChanged(dev.meet.core.@org.jspecify.annotations.Nullable Recording previous,
        dev.meet.core.Recording current) {
      seen.add(current.recordingId() + ":" + current.status().value());
    }

    public List<String> seen() {
      return List.copyOf(seen);
    }
  }

  @Override
  public void close() {
    managers.forEach(RecordingManager::close);
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        // closing test resources: nothing to do
      }
    }
    clients.forEach(c -> {
      try {
        c.shutdown();
      } catch (RuntimeException e) {
        // already shut down by a test simulating a crash
      }
    });
    livekit.close();
    endpoint.close();
    s3Client.close();
  }
}
