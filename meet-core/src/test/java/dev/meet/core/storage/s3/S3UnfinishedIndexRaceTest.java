package dev.meet.core.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meet.core.Recording;
import dev.meet.core.RecordingEncoding;
import dev.meet.core.RecordingId;
import dev.meet.core.RecordingStatus;
import dev.meet.core.storage.RecordingMetadata;
import dev.meet.core.storage.RecordingSecrets;
import dev.meet.core.storage.StorageException;
import dev.meet.core.storage.StorageLayout;
import dev.meet.core.storage.StoredRecording;
import dev.meet.core.storage.UnfinishedRecording;
import dev.meet.testkit.s3.S3ProxyExtension;
import dev.meet.testkit.s3.S3Server;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * {@code removeUnfinished} interleaved with a create or an update at the exact S3 request (S3 has no condition that
 * spans two keys, so these orders are what keeps an unfinished recording in the index), and failing half-way.
 */
@ExtendWith(S3ProxyExtension.class)
class S3UnfinishedIndexRaceTest {

  private final StorageLayout layout = StorageLayout.defaults();
  /** Runs once, just before the PUT of this key goes out. */
  private final AtomicReference<String> hookKey = new AtomicReference<>();
  private final AtomicReference<Runnable> hook = new AtomicReference<>();
  private final AtomicReference<String> failGetKey = new AtomicReference<>();
  private S3Client hooked;
  private S3Client plain;
  private S3RecordingStorage writer;
  private S3RecordingStorage reconciler;

  @BeforeEach
  void setUp(S3Server server) {
    hooked = client(server, new ExecutionInterceptor() {
      @Override
      public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (context.request() instanceof PutObjectRequest put && put.key().equals(hookKey.get())) {
          hookKey.set(null);
          hook.get().run();
        }
        if (context.request() instanceof GetObjectRequest get
            && get.key().equals(failGetKey.get())) {
          throw SdkClientException.create("injected: S3 unreachable");
        }
      }
    });
    plain = client(server);
    writer = new S3RecordingStorage(hooked, server.bucket(), layout);
    reconciler = new S3RecordingStorage(plain, server.bucket(), layout);
  }

  @AfterEach
  void tearDown() {
    hooked.close();
    plain.close();
  }

  private static S3Client client(S3Server server, ExecutionInterceptor... interceptors) {
    return S3Client.builder().endpointOverride(server.endpoint()).forcePathStyle(true)
        .region(Region.of(server.region()))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(server.accessKey(),
            server.secretKey())))
        .overrideConfiguration(c -> {
          for (ExecutionInterceptor i : interceptors) {
            c.addExecutionInterceptor(i);
          }
        }).build();
  }

  private static Recording recording(RecordingId id, RecordingStatus status) {
    return new Recording(id.toString(), id.roomId(), id.roomId(), status, "grid", RecordingEncoding.DEFAULT,
        id.mediaBaseName() + ".mp4", Instant.now().toEpochMilli(), null, null, null, null, null, null);
  }

  private boolean indexed(RecordingId id) {
    return reconciler.listUnfinished(null).entries().stream().map(UnfinishedRecording::id).anyMatch(id::equals);
  }

  /** removeUnfinished runs between create's first entry and its metadata: only create's second entry saves it. */
  @Test
  void aRemovalBetweenCreatesFirstEntryAndItsMetadataLeavesTheRecordingIndexed() {
    RecordingId id = new RecordingId("room-1", "EG_ReviewRace001", RecordingId.newUid());
    hookKey.set(layout.metadataKey(id));
    hook.set(() -> assertThat(reconciler.removeUnfinished(id)).isTrue());

    assertThat(writer.create(new RecordingMetadata(recording(id, RecordingStatus.STARTING), 0),
        RecordingSecrets.generate())).isPresent();

    assertThat(hookKey.get()).as("the hook ran").isNull();
    assertThat(indexed(id)).isTrue();
  }

  /** An update to an unfinished status writes its entry before and after the metadata: a removal between keeps it. */
  @Test
  void aRemovalBetweenAnUpdatesEntryAndItsMetadataLeavesTheRecordingIndexed() {
    RecordingId id = new RecordingId("room-1", "EG_ReviewRace002", RecordingId.newUid());
    StoredRecording done = writer.create(new RecordingMetadata(recording(id, RecordingStatus.FAILED), 0),
        RecordingSecrets.generate()).orElseThrow();
    hookKey.set(layout.metadataKey(id));
    hook.set(() -> assertThat(reconciler.removeUnfinished(id)).isTrue());

    assertThat(writer.update(done, new RecordingMetadata(recording(id, RecordingStatus.ACTIVE), 1))).isPresent();

    assertThat(hookKey.get()).as("the hook ran").isNull();
    assertThat(reconciler.find(id).orElseThrow().recording().status()).isEqualTo(RecordingStatus.ACTIVE);
    assertThat(indexed(id)).as("an unfinished recording must stay in the index").isTrue();
  }

  /** S3 failing while removeUnfinished reads the metadata: the error is reported and the entry stays. */
  @Test
  void aFailedReadInsideRemoveUnfinishedDoesNotUnindexAnUnfinishedRecording() {
    RecordingId id = new RecordingId("room-1", "EG_ReviewRace003", RecordingId.newUid());
    assertThat(reconciler.create(new RecordingMetadata(recording(id, RecordingStatus.ACTIVE), 0),
        RecordingSecrets.generate())).isPresent();
    failGetKey.set(layout.metadataKey(id));
    assertThatThrownBy(() -> writer.removeUnfinished(id)).isInstanceOf(StorageException.class);
    failGetKey.set(null);
    assertThat(indexed(id)).as("an ACTIVE recording must stay in the index").isTrue();
  }
}
