package dev.meet.core.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meet.core.Recording;
import dev.meet.core.RecordingId;
import dev.meet.core.RecordingStatus;
import dev.meet.core.storage.AbstractRecordingStorageContractTest;
import dev.meet.core.storage.MediaTarget;
import dev.meet.core.storage.RecordingMetadata;
import dev.meet.core.storage.RecordingQuery;
import dev.meet.core.storage.RecordingSecrets;
import dev.meet.core.storage.RecordingStorage;
import dev.meet.core.storage.StorageException;
import dev.meet.core.storage.StorageLayout;
import dev.meet.core.storage.StoredRecording;
import dev.meet.core.storage.UnfinishedRecording;
import dev.meet.testkit.s3.S3ProxyExtension;
import dev.meet.testkit.s3.S3Server;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The S3 storage against the contract on a real S3 HTTP server (s3proxy in this JVM, a fresh bucket per test), plus
 * what only S3 shows: outages and the DeleteObjects limit.
 */
@ExtendWith(S3ProxyExtension.class)
class S3RecordingStorageTest extends AbstractRecordingStorageContractTest {

  private static final MediaTarget.S3Upload UPLOAD =
      new MediaTarget.S3Upload(null, "us-east-1", "egress-access-key", "egress-secret", "egress-bucket", true);

  private final DeleteObjectsCounter deletes = new DeleteObjectsCounter();
  private final IndexFault indexFault = new IndexFault();
  private final GetObjectCounter gets = new GetObjectCounter();
  private S3Client s3;
  private String bucket;
  private S3RecordingStorage storage;

  @BeforeEach
  void createStorage(S3Server server) {
    s3 = client(server, server.secretKey(), deletes, indexFault, gets);
    bucket = server.bucket();
    storage = new S3RecordingStorage(s3, bucket, StorageLayout.defaults(), UPLOAD);
  }

  @AfterEach
  void closeClient() {
    s3.close();
  }

  /**
   * A client that fails fast: short timeouts and no retries, so an outage shows within a test's patience. Production
   * clients keep the SDK's retries.
   */
  private static S3Client client(S3Server server, String secretKey, ExecutionInterceptor... interceptors) {
    return S3Client.builder()
        .endpointOverride(server.endpoint())
        .forcePathStyle(true)
        .region(Region.of(server.region()))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(server.accessKey(),
            secretKey)))
        .httpClientBuilder(Apache5HttpClient.builder()
            .connectionTimeout(Duration.ofMillis(500))
            .socketTimeout(Duration.ofSeconds(5)))
        .overrideConfiguration(c -> {
          c.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(Duration.ofSeconds(10));
          for (ExecutionInterceptor interceptor : interceptors) {
            c.addExecutionInterceptor(interceptor);
          }
        })
        .build();
  }

  @Override
  protected RecordingStorage storage() {
    return storage;
  }

  @Override
  protected void writeObject(String key, byte[] content) {
    s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(content));
  }

  @Override
  protected Optional<byte[]> readObject(String key) {
    try {
      return Optional.of(s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    }
  }

  @Override
  protected Set<String> storedKeys() {
    Set<String> keys = new TreeSet<>();
    s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream().map(S3Object::key).forEach(keys::add);
    return keys;
  }

  @Test
  void theVersionIsTheETagAndTheEgressGetsTheUploadSettings() {
    RecordingId id = newId("room-1");
    StoredRecording created =
        storage.create(metadata(id, RecordingStatus.STARTING), RecordingSecrets.generate()).orElseThrow();

    String etag = s3.headObject(b -> b.bucket(bucket).key(StorageLayout.defaults().metadataKey(id))).eTag();
    assertThat(created.version()).isEqualTo(etag);
    assertThat(storage.mediaTarget(id.roomId(), id.uid()))
        .isEqualTo(new MediaTarget("openvidu-meet/recordings/room-1/" + id.mediaBaseName(), UPLOAD));
  }

  @Test
  @Timeout(60)
  void deleteRequestsNeverCarryMoreThanAThousandKeys() {
    List<RecordingId> ids = new ArrayList<>();
    for (int i = 0; i < 340; i++) {
      RecordingId id = newId("room-" + (i % 3));
      storage.create(metadata(id, RecordingStatus.COMPLETE), RecordingSecrets.generate()).orElseThrow();
      ids.add(id);
    }
    deletes.keysPerRequest.clear();

    Map<RecordingId, @Nullable String> results = storage.deleteAll(ids);

    assertThat(results.values()).hasSize(340).containsOnlyNulls();
    // Media, secrets and metadata of 340 recordings in two requests, then their index entries in a third of their own
    // (whose failure would not undo the deletion).
    assertThat(deletes.keysPerRequest).containsExactly(1000, 20, 340);
  }

  @Test
  void aMissingBucketFailsTheCheckNamingTheBucket() {
    S3RecordingStorage missing = new S3RecordingStorage(s3, "no-such-bucket", StorageLayout.defaults(), null);

    assertThatThrownBy(missing::check).isInstanceOf(StorageException.class).hasMessageContaining("no-such-bucket");
    assertThatThrownBy(() -> missing.create(metadata(newId("room-1"), RecordingStatus.STARTING),
        RecordingSecrets.generate())).isInstanceOf(StorageException.class);
  }

  @Test
  void rejectedCredentialsAreAStorageErrorWithTheCauseAttached(S3Server server) {
    try (S3Client wrong = client(server, "not-the-secret")) {
      S3RecordingStorage rejected = new S3RecordingStorage(wrong, bucket, StorageLayout.defaults(), null);

      assertThatThrownBy(() -> rejected.find(newId("room-1")))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("S3 bucket '" + bucket + "'")
          .hasCauseInstanceOf(S3Exception.class);
    }
  }

  @Test
  @Timeout(30)
  void anOutageIsAQuickStorageErrorAndPassesWhenS3IsBack(@S3ProxyExtension.Private S3Server server) {
    try (S3Client client = client(server, server.secretKey())) {
      S3RecordingStorage outaged = new S3RecordingStorage(client, server.bucket(), StorageLayout.defaults(), null);
      RecordingId id = newId("room-1");
      outaged.create(metadata(id, RecordingStatus.COMPLETE), RecordingSecrets.generate()).orElseThrow();

      server.stop();
      long started = System.nanoTime();
      assertThatThrownBy(outaged::check).isInstanceOf(StorageException.class)
          .hasMessageContaining(server.bucket()).hasCauseInstanceOf(SdkClientException.class);
      assertThatThrownBy(() -> outaged.find(id)).isInstanceOf(StorageException.class);
      assertThatThrownBy(() -> outaged.list(RecordingQuery.all())).isInstanceOf(StorageException.class);
      assertThatThrownBy(() -> outaged.openMedia(id, null)).isInstanceOf(StorageException.class);
      assertThatThrownBy(() -> outaged.delete(id)).isInstanceOf(StorageException.class);
      assertThat(outaged.deleteAll(List.of(id)).get(id)).contains(server.bucket());
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));

      server.start();
      outaged.check();
      assertThat(outaged.find(id)).isPresent();
    }
  }

  @Test
  void aCreateWhoseIndexEntryCannotBeWrittenFailsAndStoresNothing() {
    RecordingId id = newId("room-1");
    indexFault.failing = true;

    assertThatThrownBy(() -> storage.create(metadata(id, RecordingStatus.STARTING), RecordingSecrets.generate()))
        .isInstanceOf(StorageException.class).hasMessageContaining("create recording " + id);

    indexFault.failing = false;
    assertThat(storage.find(id)).isEmpty();
    assertThat(storage.secrets(id)).isEmpty();
    assertThat(storage.create(metadata(id, RecordingStatus.STARTING), RecordingSecrets.generate())).isPresent();
    assertThat(storage.listUnfinished(null).entries()).extracting(UnfinishedRecording::id).containsExactly(id);
  }

  @Test
  void anUpdateToATerminalStatusSucceedsWhenItsEntryCannotBeRemovedAndLeavesItStale() {
    RecordingId id = newId("room-1");
    StoredRecording active = storage.create(metadata(id, RecordingStatus.ACTIVE), RecordingSecrets.generate())
        .orElseThrow();
    indexFault.failing = true;

    assertThat(storage.update(active, new RecordingMetadata(active.recording().withStatus(RecordingStatus.COMPLETE),
        1))).isPresent();
    assertThat(storage.delete(id)).isTrue();

    indexFault.failing = false;
    assertThat(storage.listUnfinished(null).entries()).extracting(UnfinishedRecording::id).containsExactly(id);
  }

  @Test
  void aListingReadsOnlyTheRecordingsThatChangedSinceTheLastOne() {
    List<StoredRecording> stored = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      stored.add(storage.create(metadata(newId("room-1"), RecordingStatus.ACTIVE), RecordingSecrets.generate())
          .orElseThrow());
    }
    assertThat(storage.list(new RecordingQuery("room-1", null, 100, null)).recordings()).hasSize(5);
    gets.count.set(0);

    assertThat(storage.list(new RecordingQuery("room-1", null, 100, null)).recordings()).hasSize(5);
    assertThat(gets.count.get()).isZero();

    StoredRecording changed = stored.get(2);
    storage.update(changed, new RecordingMetadata(changed.recording().withStatus(RecordingStatus.COMPLETE), 1))
        .orElseThrow();
    // Another instance's write looks the same: only the listing's ETag tells.
    assertThat(storage.list(new RecordingQuery("room-1", RecordingStatus.COMPLETE, 100, null)).recordings())
        .extracting(Recording::recordingId).containsExactly(changed.recording().recordingId());
    assertThat(gets.count.get()).isEqualTo(1);
  }

  /** Counts GetObject requests, as the SDK sends them. */
  private static final class GetObjectCounter implements ExecutionInterceptor {

    final java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes executionAttributes) {
      if (context.request() instanceof software.amazon.awssdk.services.s3.model.GetObjectRequest) {
        count.incrementAndGet();
      }
    }
  }

  /** Fails every write to the index of unfinished recordings while {@code failing}, as an S3 error would. */
  private static final class IndexFault implements ExecutionInterceptor {

    volatile boolean failing;

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes executionAttributes) {
      String key = context.request() instanceof PutObjectRequest put ? put.key()
          : context.request() instanceof DeleteObjectRequest delete ? delete.key() : "";
      if (failing && key.startsWith(StorageLayout.defaults().unfinishedPrefix())) {
        throw SdkClientException.create("injected failure writing " + key);
      }
    }
  }

  /** Records how many keys each DeleteObjects request carries, as the SDK sends it. */
  private static final class DeleteObjectsCounter implements ExecutionInterceptor {

    final List<Integer> keysPerRequest = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes executionAttributes) {
      if (context.request() instanceof DeleteObjectsRequest request) {
        keysPerRequest.add(request.delete().objects().size());
      }
    }
  }
}
