package dev.meet.testkit.livekit;

import static org.assertj.core.api.Assertions.assertThat;

import io.livekit.server.EgressServiceClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import livekit.LivekitEgress.EncodedFileOutput;
import livekit.LivekitEgress.EncodedFileType;
import livekit.LivekitEgress.S3Upload;
import livekit.LivekitWebhook.WebhookEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import retrofit2.Response;

/** The egress service as the LiveKit SDK sees it, and the webhooks its lifecycle sends. */
class LiveKitEmulatorEgressTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path output;
  private WebhookSink sink;
  private LiveKitEmulator livekit;
  private EgressServiceClient egress;

  @BeforeEach
  void start() throws IOException {
    sink = new WebhookSink("devkey", "secret");
    livekit = TestEmulators.fast(sink, output)
        .build()
        .start();
    egress = EgressServiceClient.createClient(livekit.url(), livekit.apiKey(), livekit.apiSecret());
  }

  @AfterEach
  void stop() {
    livekit.close();
    sink.close();
  }

  private static EncodedFileOutput file(String path) {
    return EncodedFileOutput.newBuilder().setFileType(EncodedFileType.MP4).setFilepath(path).build();
  }

  private EgressInfo startIn(String room) throws IOException {
    Response<EgressInfo> response = egress.startRoomCompositeEgress(room, file("recordings/" + room + "/" + room + "--abc"), "grid").execute();
    assertThat(response.isSuccessful()).as("start: %s", response).isTrue();
    return response.body();
  }

  @Test
  void startReturnsStartingWithThePlannedFileAndTheRequestEchoed() throws Exception {
    livekit.addParticipant("room-a", "alice", true);

    EgressInfo info = startIn("room-a");

    assertThat(info.getEgressId()).startsWith("EG_").hasSize(15);
    assertThat(info.getStatus()).isEqualTo(EgressStatus.EGRESS_STARTING);
    assertThat(info.getRoomName()).isEqualTo("room-a");
    assertThat(info.getRoomId()).startsWith("RM_");
    assertThat(info.getRoomComposite().getLayout()).isEqualTo("grid");
    assertThat(info.getFileResultsList()).singleElement()
        .satisfies(f -> assertThat(f.getFilename()).isEqualTo("recordings/room-a/room-a--abc.mp4"));
    assertThat(info.getUpdatedAt()).isPositive();
  }

  @Test
  void fullLifecycleSendsEachWebhookInOrderAndWritesAPlayableFile() throws Exception {
    livekit.addParticipant("room-b", "alice", true);
    EgressInfo started = startIn("room-b");
    String id = started.getEgressId();

    WebhookEvent active = sink.await(e -> e.getEvent().equals("egress_updated")
        && e.getEgressInfo().getStatus() == EgressStatus.EGRESS_ACTIVE, WAIT);
    assertThat(active.getEgressInfo().getStartedAt()).isPositive();

    EgressInfo stopping = egress.stopEgress(id).execute().body();
    assertThat(stopping.getStatus()).isEqualTo(EgressStatus.EGRESS_ENDING);

    WebhookEvent ended = sink.await("egress_ended", id, WAIT);
    EgressInfo done = ended.getEgressInfo();
    assertThat(done.getStatus()).isEqualTo(EgressStatus.EGRESS_COMPLETE);
    assertThat(done.getDetails()).isEqualTo("End reason: StopEgress API");
    assertThat(done.getEndedAt()).isGreaterThan(done.getStartedAt());
    var file = done.getFileResults(0);
    assertThat(file.getDuration()).isEqualTo(file.getEndedAt() - file.getStartedAt()).isPositive();
    Path written = output.resolve("recordings/room-b/room-b--abc.mp4");
    assertThat(written).exists();
    assertThat(file.getSize()).isEqualTo(Files.size(written)).isPositive();
    assertThat(new String(Files.readAllBytes(written), 4, 4, java.nio.charset.StandardCharsets.US_ASCII))
        .isEqualTo("ftyp");

    List<String> egressEvents = sink.all().stream()
        .filter(r -> r.event() != null && r.event().hasEgressInfo())
        .map(r -> r.event().getEvent() + ":" + r.event().getEgressInfo().getStatus())
        .toList();
    assertThat(egressEvents).containsExactly(
        "egress_started:EGRESS_STARTING",
        "egress_updated:EGRESS_ACTIVE",
        "egress_updated:EGRESS_ENDING",
        "egress_ended:EGRESS_COMPLETE");
    assertThat(ended.getRoom().getName()).isEqualTo("room-b");
    assertThat(ended.getRoom().getSid()).isEqualTo(started.getRoomId());
  }

  @Test
  void startInAnUnknownRoomIsNotFound() throws Exception {
    Response<EgressInfo> response = egress.startRoomCompositeEgress("nobody-here", file("x")).execute();

    assertThat(response.code()).isEqualTo(404);
    assertThat(response.errorBody().string())
        .contains("\"code\":\"not_found\"").contains("requested room does not exist");
    assertThat(livekit.egresses()).isEmpty();
  }

  @Test
  void egressStaysStartingUntilTheRoomHasAPublisher() throws Exception {
    livekit.addParticipant("room-c", "viewer", false);
    String id = startIn("room-c").getEgressId();

    livekit.addParticipant("room-c", "speaker", true);

    WebhookEvent active = sink.await("egress_updated", id, WAIT);
    assertThat(active.getEgressInfo().getStatus()).isEqualTo(EgressStatus.EGRESS_ACTIVE);
    // it was STARTING all the while the viewer alone was in the room: the publisher's join came first
    List<String> order = sink.events();
    assertThat(order.indexOf("egress_updated")).isGreaterThan(order.lastIndexOf("participant_joined"));
  }

  @Test
  void stopWhileStartingAbortsTheEgress() throws Exception {
    livekit.faults().egressStuckInStarting(true);
    livekit.addParticipant("room-d", "alice", true);
    String id = startIn("room-d").getEgressId();

    Response<EgressInfo> stopped = egress.stopEgress(id).execute();

    assertThat(stopped.isSuccessful()).isTrue();
    EgressInfo ended = sink.await("egress_ended", id, WAIT).getEgressInfo();
    assertThat(ended.getStatus()).isEqualTo(EgressStatus.EGRESS_ABORTED);
    assertThat(ended.getError()).isEqualTo("Stop called before pipeline could start");
    assertThat(ended.getErrorCode()).isEqualTo(412);
    assertThat(ended.getFileResults(0).getSize()).isZero();
  }

  @Test
  void stopAnswersEndingWithTheEndReasonAndTheFilesTimesAlreadySet() throws Exception {
    livekit.addParticipant("room-s", "alice", true);
    String id = startIn("room-s").getEgressId();
    EgressInfo active = sink.await("egress_updated", id, WAIT).getEgressInfo();

    EgressInfo stopping = egress.stopEgress(id).execute().body();

    assertThat(stopping.getStatus()).isEqualTo(EgressStatus.EGRESS_ENDING);
    assertThat(stopping.getDetails()).isEqualTo("End reason: StopEgress API");
    var file = stopping.getFileResults(0);
    assertThat(file.getStartedAt()).isEqualTo(active.getStartedAt());
    assertThat(file.getEndedAt()).isGreaterThan(file.getStartedAt());
    assertThat(file.getDuration()).isEqualTo(file.getEndedAt() - file.getStartedAt());
    assertThat(stopping.getFile().getDuration()).isEqualTo(file.getDuration());
    // The file keeps the end time of the stop; the egress ends later, once the file is written.
    EgressInfo done = sink.await("egress_ended", id, WAIT).getEgressInfo();
    assertThat(done.getFileResults(0).getEndedAt()).isEqualTo(file.getEndedAt());
    assertThat(done.getFileResults(0).getDuration()).isEqualTo(file.getDuration());
    assertThat(done.getEndedAt()).isGreaterThanOrEqualTo(file.getEndedAt());
  }

  @Test
  void stoppingAnEndingEgressAgainAnswersItsInfo() throws Exception {
    try (WebhookSink slowSink = new WebhookSink("devkey", "secret");
        LiveKitEmulator slow = TestEmulators.fast(slowSink, output).endingDelay(Duration.ofSeconds(30)).build().start()) {
      EgressServiceClient client = EgressServiceClient.createClient(slow.url(), slow.apiKey(), slow.apiSecret());
      slow.addParticipant("room-t", "alice", true);
      String id = client.startRoomCompositeEgress("room-t", file("room-t")).execute().body().getEgressId();
      slowSink.await("egress_updated", id, WAIT);
      EgressInfo first = client.stopEgress(id).execute().body();

      Response<EgressInfo> again = client.stopEgress(id).execute();

      assertThat(again.code()).isEqualTo(200);
      assertThat(again.body().getStatus()).isEqualTo(EgressStatus.EGRESS_ENDING);
      assertThat(again.body().getDetails()).isEqualTo("End reason: StopEgress API");
      assertThat(again.body().getFileResults(0).getEndedAt()).isEqualTo(first.getFileResults(0).getEndedAt());
      slow.awaitWebhooksIdle(WAIT);
      assertThat(slowSink.all().stream()
          .filter(r -> r.event() != null && r.event().getEgressInfo().getStatus() == EgressStatus.EGRESS_ENDING))
          .as("the end of stream is sent once").hasSize(1);
    }
  }

  @Test
  void stoppingAnEndedEgressIsAFailedPrecondition() throws Exception {
    livekit.addParticipant("room-e", "alice", true);
    String id = startIn("room-e").getEgressId();
    sink.await("egress_updated", id, WAIT);
    egress.stopEgress(id).execute();
    sink.await("egress_ended", id, WAIT);

    Response<EgressInfo> again = egress.stopEgress(id).execute();

    assertThat(again.code()).isEqualTo(412);
    assertThat(again.errorBody().string())
        .contains("failed_precondition").contains("egress with status EGRESS_COMPLETE cannot be stopped");
  }

  @Test
  void stoppingAnUnknownEgressIsNotFound() throws Exception {
    Response<EgressInfo> response = egress.stopEgress("EG_doesnotexist").execute();

    assertThat(response.code()).isEqualTo(404);
    assertThat(response.errorBody().string()).contains("egress does not exist");
  }

  @Test
  void listEgressFiltersByRoomByIdAndByActivity() throws Exception {
    livekit.addParticipant("room-f", "alice", true);
    livekit.addParticipant("room-g", "bob", true);
    String first = startIn("room-f").getEgressId();
    String second = startIn("room-g").getEgressId();
    sink.await("egress_updated", first, WAIT);
    egress.stopEgress(first).execute();
    sink.await("egress_ended", first, WAIT);

    assertThat(egress.listEgress().execute().body()).extracting(EgressInfo::getEgressId)
        .containsExactly(first, second);
    assertThat(egress.listEgress("room-f").execute().body()).extracting(EgressInfo::getEgressId)
        .containsExactly(first);
    assertThat(egress.listEgress(null, null, true).execute().body()).extracting(EgressInfo::getEgressId)
        .containsExactly(second);
    assertThat(egress.listEgress(null, second).execute().body()).extracting(EgressInfo::getEgressId)
        .containsExactly(second);
    assertThat(egress.listEgress(null, "EG_unknown00000").execute().code()).isEqualTo(404);
  }

  @Test
  void updateLayoutChangesTheRunningEgress() throws Exception {
    livekit.addParticipant("room-h", "alice", true);
    String id = startIn("room-h").getEgressId();

    EgressInfo updated = egress.updateLayout(id, "speaker").execute().body();

    assertThat(updated.getRoomComposite().getLayout()).isEqualTo("speaker");
    assertThat(egress.updateLayout("EG_unknown00000", "grid").execute().code()).isEqualTo(404);
  }

  @Test
  void closingTheRoomEndsTheEgressWithSourceClosed() throws Exception {
    livekit.addParticipant("room-i", "alice", true);
    String id = startIn("room-i").getEgressId();
    sink.await("egress_updated", id, WAIT);

    livekit.closeRoom("room-i");

    EgressInfo ended = sink.await("egress_ended", id, WAIT).getEgressInfo();
    assertThat(ended.getStatus()).isEqualTo(EgressStatus.EGRESS_COMPLETE);
    assertThat(ended.getDetails()).isEqualTo("End reason: Source closed");
    assertThat(sink.events()).contains("room_finished");
  }

  @Test
  void anEgressThatNeverGetsAPublisherAbortsWithoutStartSignal() throws Exception {
    livekit.close();
    livekit = LiveKitEmulator.builder().webhookUrl(sink.url()).activationDelay(Duration.ofMillis(10))
        .startSignalTimeout(Duration.ofMillis(200)).outputDirectory(output).build().start();
    egress = EgressServiceClient.createClient(livekit.url(), livekit.apiKey(), livekit.apiSecret());
    livekit.addParticipant("room-j", "viewer", false);
    String id = startIn("room-j").getEgressId();

    EgressInfo ended = sink.await("egress_ended", id, WAIT).getEgressInfo();

    assertThat(ended.getStatus()).isEqualTo(EgressStatus.EGRESS_ABORTED);
    assertThat(ended.getError()).isEqualTo("Start signal not received");
    assertThat(ended.getErrorCode()).isEqualTo(412);
  }

  @Test
  void forcedFailureEndsTheEgressWithTheGivenError() throws Exception {
    livekit.addParticipant("room-k", "alice", true);
    String id = startIn("room-k").getEgressId();

    livekit.forceEgressStatus(id, EgressStatus.EGRESS_FAILED, "pipeline crashed");

    EgressInfo ended = sink.await("egress_ended", id, WAIT).getEgressInfo();
    assertThat(ended.getStatus()).isEqualTo(EgressStatus.EGRESS_FAILED);
    assertThat(ended.getError()).isEqualTo("pipeline crashed");
    assertThat(ended.getDetails()).isEqualTo("End reason: Failure");
  }

  @Test
  void forcedLimitReachedWritesTheFileAndSays413() throws Exception {
    livekit.addParticipant("room-l", "alice", true);
    String id = startIn("room-l").getEgressId();
    sink.await("egress_updated", id, WAIT);

    livekit.forceEgressStatus(id, EgressStatus.EGRESS_LIMIT_REACHED);

    EgressInfo ended = sink.await("egress_ended", id, WAIT).getEgressInfo();
    assertThat(ended.getStatus()).isEqualTo(EgressStatus.EGRESS_LIMIT_REACHED);
    assertThat(ended.getErrorCode()).isEqualTo(413);
    assertThat(ended.getError()).isEqualTo("Session limit reached");
    assertThat(ended.getDetails()).isEqualTo("End reason: Session limit reached");
    assertThat(ended.getFileResults(0).getSize()).isPositive();
  }

  @Test
  void forcedActiveNeedsNoPublisherAndForcedAbortNeedsStarting() throws Exception {
    livekit.addParticipant("room-m", "viewer", false);
    String first = startIn("room-m").getEgressId();
    String second = startIn("room-m").getEgressId();

    assertThat(livekit.forceEgressStatus(first, EgressStatus.EGRESS_ACTIVE).getStatus())
        .isEqualTo(EgressStatus.EGRESS_ACTIVE);
    assertThat(livekit.forceEgressStatus(second, EgressStatus.EGRESS_ABORTED).getStatus())
        .isEqualTo(EgressStatus.EGRESS_ABORTED);
    assertThat(sink.await("egress_ended", second, WAIT).getEgressInfo().getError())
        .isEqualTo("Start signal not received");
  }

  @Test
  void uploadCredentialsAreRedactedInTheEcho() throws Exception {
    livekit.addParticipant("room-n", "alice", true);
    EncodedFileOutput output = file("x/{room_name}").toBuilder()
        .setS3(S3Upload.newBuilder().setAccessKey("AKIA-secret-key").setSecret("very-secret").setBucket("b")
            .setEndpoint("http://127.0.0.1:1").setForcePathStyle(true))
        .build();

    EgressInfo info = egress.startRoomCompositeEgress("room-n", output).execute().body();

    assertThat(info.getRoomComposite().getFile().getS3().getAccessKey()).isEqualTo("{access_key}");
    assertThat(info.getRoomComposite().getFile().getS3().getSecret()).isEqualTo("{secret}");
    assertThat(info.getRoomComposite().getFile().getS3().getBucket()).isEqualTo("b");
    assertThat(info.getFileResults(0).getFilename()).isEqualTo("x/room-n.mp4");
  }

  @Test
  void anUploadThatFailsEndsTheEgressFailed() throws Exception {
    livekit.addParticipant("room-o", "alice", true);
    EncodedFileOutput output = file("x/y").toBuilder()
        .setS3(S3Upload.newBuilder().setAccessKey("k").setSecret("s").setBucket("b").setRegion("us-east-1")
            .setEndpoint("http://127.0.0.1:1").setForcePathStyle(true))
        .build();
    String id = egress.startRoomCompositeEgress("room-o", output).execute().body().getEgressId();
    sink.await("egress_updated", id, WAIT);

    egress.stopEgress(id).execute();

    EgressInfo ended = sink.await("egress_ended", id, WAIT).getEgressInfo();
    assertThat(ended.getStatus()).isEqualTo(EgressStatus.EGRESS_FAILED);
    assertThat(ended.getError()).isNotEmpty();
  }
}
