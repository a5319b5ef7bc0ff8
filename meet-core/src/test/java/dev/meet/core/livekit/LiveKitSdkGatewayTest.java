package dev.meet.core.livekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.meet.core.RecordingEncoding;
import dev.meet.core.RecordingStatus;
import dev.meet.core.storage.MediaTarget;
import dev.meet.testkit.livekit.LiveKitEmulator;
import dev.meet.testkit.livekit.LiveKitEmulatorExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import livekit.LivekitEgress.EgressStatus;
import livekit.LivekitEgress.EncodingOptionsPreset;
import livekit.LivekitEgress.RoomCompositeEgressRequest;
import livekit.LivekitModels.AudioCodec;
import livekit.LivekitModels.VideoCodec;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every gateway call against the LiveKit emulator, through the real SDK: what it returns and how it fails. */
class LiveKitSdkGatewayTest {

  @RegisterExtension
  static final LiveKitEmulatorExtension LIVEKIT =
      new LiveKitEmulatorExtension(LiveKitEmulator.builder().endingDelay(Duration.ofMillis(50)));

  private static final AtomicInteger ROOMS = new AtomicInteger();

  private LiveKitEmulator emulator;
  private LiveKitSdkGateway gateway;

  @BeforeEach
  void connect() {
    emulator = LIVEKIT.emulator();
    gateway = new LiveKitSdkGateway(new LiveKitSettings(emulator.url(), emulator.apiKey(), emulator.apiSecret()));
  }

  @AfterEach
  void disconnect() {
    gateway.close();
  }

  private static String newRoom() {
    return "gateway-room-" + ROOMS.incrementAndGet() + "-" + System.nanoTime();
  }

  private static MediaTarget file(String room) {
    return new MediaTarget("openvidu-meet/recordings/" + room + "/" + room + "--0123456789", null);
  }

  private String roomWithParticipant() {
    String room = newRoom();
    emulator.addParticipant(room, "alice", true);
    return room;
  }

  private EgressState startIn(String room) {
    return gateway.startRoomComposite(room, file(room), "grid", RecordingEncoding.preset("H264_720P_30"));
  }

  /** The request LiveKit received for an egress. */
  private RoomCompositeEgressRequest requestOf(EgressState egress) {
    return emulator.egress(egress.egressId()).orElseThrow().getRoomComposite();
  }

  // ------------------------------------------------------------------ start

  @Test
  void startingAnEgressReturnsItStartingWithTheRequestedPresetAndLayout() {
    String room = roomWithParticipant();

    EgressState egress = startIn(room);

    assertThat(egress.egressId()).startsWith("EG_");
    assertThat(egress.status()).isEqualTo(RecordingStatus.STARTING);
    assertThat(egress.roomName()).isEqualTo(room);
    assertThat(egress.layout()).isEqualTo("grid");
    assertThat(egress.preset()).isEqualTo("H264_720P_30");
    assertThat(requestOf(egress).getPreset()).isEqualTo(EncodingOptionsPreset.H264_720P_30);
  }

  @Test
  void startingWithAdvancedEncodingOptionsSendsThemInsteadOfAPreset() {
    String room = roomWithParticipant();
    RecordingEncoding advanced = RecordingEncoding.of(new RecordingEncoding.Options(
        new RecordingEncoding.Video(640, 360, 15, "H264_MAIN", 1200, 4, null),
        new RecordingEncoding.Audio("OPUS", 64, 48000)));

    EgressState egress = gateway.startRoomComposite(room, file(room), null, advanced);

    assertThat(requestOf(egress).hasAdvanced()).isTrue();
    assertThat(requestOf(egress).getAdvanced().getWidth()).isEqualTo(640);
    assertThat(requestOf(egress).getAdvanced().getFramerate()).isEqualTo(15);
  }

  @Test
  void startingWithAdvancedEncodingOptionsSendsTheirVideoAndAudioCodecs() {
    String room = roomWithParticipant();
    RecordingEncoding advanced = RecordingEncoding.of(new RecordingEncoding.Options(
        new RecordingEncoding.Video(1280, 720, 30, "VP8", 3000, 2, null),
        new RecordingEncoding.Audio("AAC", 128, 44100)));

    EgressState egress = gateway.startRoomComposite(room, file(room), null, advanced);

    assertThat(requestOf(egress).getAdvanced().getVideoCodec()).isEqualTo(VideoCodec.VP8);
    assertThat(requestOf(egress).getAdvanced().getAudioCodec()).isEqualTo(AudioCodec.AAC);
    assertThat(requestOf(egress).getAdvanced().getKeyFrameInterval()).isEqualTo(2);
  }

  @Test
  void startingWithoutALayoutLeavesTheLayoutToLiveKit() {
    String room = roomWithParticipant();

    EgressState egress = gateway.startRoomComposite(room, file(room), null, RecordingEncoding.DEFAULT);

    assertThat(requestOf(egress).getLayout()).isEmpty();
    assertThat(egress.layout()).isNull();
  }

  @Test
  void startingInARoomLiveKitDoesNotKnowFailsAsNotFound() {
    String room = newRoom();

    assertThatThrownBy(() -> startIn(room))
        .isInstanceOfSatisfying(LiveKitException.class, e -> {
          assertThat(e.status()).isEqualTo(404);
          assertThat(e.code()).isEqualTo("not_found");
          assertThat(e.isNotFound()).isTrue();
        })
        .hasMessageContaining("StartRoomCompositeEgress")
        .hasMessageContaining("requested room does not exist");
  }

  @Test
  void startingWhenTheEgressServiceIsOutOfCpuKeepsLiveKitsCodeAndMessage() {
    String room = roomWithParticipant();
    emulator.faults().startEgressNotEnoughCpu(true);

    assertThatThrownBy(() -> startIn(room))
        .isInstanceOfSatisfying(LiveKitException.class, e -> {
          assertThat(e.status()).isEqualTo(503);
          assertThat(e.code()).isEqualTo("unavailable");
          assertThat(e.isUnreachable()).isFalse();
        })
        .hasMessageContaining("not enough CPU");
  }

  // ------------------------------------------------------------------ stop

  @Test
  void stoppingAnActiveEgressReturnsItEnding() {
    String room = roomWithParticipant();
    String egressId = startIn(room).egressId();
    emulator.forceEgressStatus(egressId, EgressStatus.EGRESS_ACTIVE);

    EgressState stopped = gateway.stopEgress(egressId);

    assertThat(stopped.egressId()).isEqualTo(egressId);
    assertThat(stopped.status()).isEqualTo(RecordingStatus.ENDING);
  }

  @Test
  void stoppingAnUnknownEgressFailsAsNotFound() {
    assertThatThrownBy(() -> gateway.stopEgress("EG_doesnotexist"))
        .isInstanceOfSatisfying(LiveKitException.class, e -> assertThat(e.isNotFound()).isTrue())
        .hasMessageContaining("egress does not exist");
  }

  @Test
  void stoppingAnEndedEgressFailsWithLiveKitsPreconditionError() {
    String room = roomWithParticipant();
    String egressId = startIn(room).egressId();
    emulator.forceEgressStatus(egressId, EgressStatus.EGRESS_FAILED);

    assertThatThrownBy(() -> gateway.stopEgress(egressId))
        .isInstanceOfSatisfying(LiveKitException.class, e -> {
          assertThat(e.status()).isEqualTo(412);
          assertThat(e.code()).isEqualTo("failed_precondition");
        })
        .hasMessageContaining("cannot be stopped");
  }

  @Test
  void stoppingWhenLiveKitHasNoAnswerKeepsItsMessage() {
    String room = roomWithParticipant();
    String egressId = startIn(room).egressId();
    emulator.faults().stopEgressUnavailable(true);

    assertThatThrownBy(() -> gateway.stopEgress(egressId))
        .isInstanceOfSatisfying(LiveKitException.class, e -> {
          assertThat(e.status()).isEqualTo(503);
          assertThat(e.code()).isEqualTo("unavailable");
        })
        .hasMessageContaining("no response from servers");
  }

  // ------------------------------------------------------------------ egress queries

  @Test
  void findingAKnownEgressReturnsIt() {
    String room = roomWithParticipant();
    String egressId = startIn(room).egressId();

    assertThat(gateway.findEgress(egressId))
        .hasValueSatisfying(info -> assertThat(info.roomName()).isEqualTo(room));
  }

  @Test
  void findingAnUnknownEgressReturnsNothing() {
    assertThat(gateway.findEgress("EG_doesnotexist")).isEmpty();
  }

  @Test
  void listingActiveEgressReturnsOnlyThoseInProgress() {
    String room = roomWithParticipant();
    String running = startIn(room).egressId();
    String ended = startIn(room).egressId();
    emulator.forceEgressStatus(ended, EgressStatus.EGRESS_FAILED);

    List<String> active = gateway.listActiveEgress().stream().map(EgressState::egressId).toList();

    assertThat(active).contains(running).doesNotContain(ended);
  }

  @Test
  void listingTheEgressOfARoomReturnsAllOfItsEgressesAndNoOthers() {
    String room = roomWithParticipant();
    String other = roomWithParticipant();
    String running = startIn(room).egressId();
    String ended = startIn(room).egressId();
    emulator.forceEgressStatus(ended, EgressStatus.EGRESS_FAILED);
    String elsewhere = startIn(other).egressId();

    List<String> listed = gateway.listEgress(room).stream().map(EgressState::egressId).toList();

    assertThat(listed).containsExactlyInAnyOrder(running, ended).doesNotContain(elsewhere);
  }

  @Test
  void listingTheEgressOfARoomWithoutAnyReturnsNothing() {
    assertThat(gateway.listEgress(newRoom())).isEmpty();
  }

  // ------------------------------------------------------------------ rooms and participants

  @Test
  void listingRoomsReturnsEveryRoom() {
    String first = newRoom();
    String second = roomWithParticipant();
    emulator.createRoom(first);

    assertThat(gateway.listRooms()).extracting(LiveKitRoom::name).contains(first, second);
  }

  @Test
  void findingAnExistingRoomReturnsIt() {
    String room = roomWithParticipant();

    assertThat(gateway.findRoom(room)).hasValueSatisfying(found -> {
      assertThat(found.name()).isEqualTo(room);
    });
  }

  @Test
  void findingARoomLiveKitDoesNotKnowReturnsNothing() {
    roomWithParticipant();

    assertThat(gateway.findRoom(newRoom())).isEmpty();
  }

  @Test
  void listingParticipantsReturnsThoseInTheRoom() {
    String room = roomWithParticipant();
    emulator.addParticipant(room, "bob", false);

    assertThat(gateway.listParticipants(room)).extracting(LiveKitParticipant::identity)
        .containsExactlyInAnyOrder("alice", "bob");
  }

  @Test
  void listingParticipantsOfAnUnknownRoomReturnsNothing() {
    assertThat(gateway.listParticipants(newRoom())).isEmpty();
  }

  // ------------------------------------------------------------------ unreachable, timeouts, credentials

  @Test
  void duringAnOutageEveryCallFailsFastAsUnreachable() {
    emulator.startOutage();
    String room = newRoom();

    for (ThrowingCallable call : List.<ThrowingCallable>of(
        () -> startIn(room),
        () -> gateway.stopEgress("EG_any"),
        () -> gateway.findEgress("EG_any"),
        () -> gateway.listActiveEgress(),
        () -> gateway.listEgress(room),
        () -> gateway.listRooms(),
        () -> gateway.findRoom(room),
        () -> gateway.listParticipants(room))) {
      long started = System.nanoTime();
      assertThatThrownBy(call)
          .isInstanceOfSatisfying(LiveKitException.class, e -> {
            assertThat(e.isUnreachable()).isTrue();
            assertThat(e.status()).isEqualTo(-1);
            assertThat(e.getCause()).isInstanceOf(IOException.class);
          })
          .hasMessageContaining("unreachable");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void callsWorkAgainOnceTheOutageEnds() {
    String room = roomWithParticipant();
    emulator.startOutage();
    assertThatThrownBy(() -> gateway.findRoom(room)).isInstanceOf(LiveKitException.class);

    emulator.endOutage();

    assertThat(gateway.findRoom(room)).isPresent();
  }

  @Test
  void aLiveKitThatNeverAnswersFailsTheCallAfterTheCallTimeout() throws IOException {
    // Accepts connections (the kernel's backlog does) and never answers.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        LiveKitSdkGateway impatient = new LiveKitSdkGateway(new LiveKitSettings(
            "http://127.0.0.1:" + silent.getLocalPort(), "devkey", "secret", Duration.ofMillis(300)))) {
      long started = System.nanoTime();

      assertThatThrownBy(impatient::listRooms)
          .isInstanceOfSatisfying(LiveKitException.class, e -> assertThat(e.isUnreachable()).isTrue());
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void wrongCredentialsFailWithLiveKitsUnauthorizedAnswer() {
    try (LiveKitSdkGateway stranger = new LiveKitSdkGateway(
        new LiveKitSettings(emulator.url(), emulator.apiKey(), "not-the-secret"))) {

      assertThatThrownBy(stranger::listRooms)
          .isInstanceOfSatisfying(LiveKitException.class, e -> {
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.isUnreachable()).isFalse();
          })
          .hasMessageContaining("ListRooms");
    }
  }

  @Test
  void notFoundAnswersToRoomQueriesMeanNothingThere() throws IOException {
    // LiveKit versions differ here: some answer an unknown room's participants or egresses with 404 not_found.
    HttpServer notFound = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    notFound.createContext("/", exchange -> {
      try (exchange) {
        exchange.getRequestBody().readAllBytes();
        byte[] body = "{\"code\":\"not_found\",\"msg\":\"room not found\"}".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(404, body.length);
        exchange.getResponseBody().write(body);
      }
    });
    notFound.start();
    try (LiveKitSdkGateway gateway = new LiveKitSdkGateway(new LiveKitSettings(
        "http://127.0.0.1:" + notFound.getAddress().getPort(), "devkey", "secret"))) {

      assertThat(gateway.listParticipants("gone")).isEmpty();
      assertThat(gateway.listEgress("gone")).isEmpty();
      assertThat(gateway.findEgress("EG_gone")).isEmpty();
      assertThatThrownBy(gateway::listRooms)
          .isInstanceOfSatisfying(LiveKitException.class, e -> assertThat(e.isNotFound()).isTrue())
          .hasMessageContaining("room not found");
    } finally {
      notFound.stop(0);
    }
  }

  @Test
  void aCustomizerSeesTheHttpClientBeforeItIsBuilt() {
    AtomicInteger intercepted = new AtomicInteger();
    Consumer<okhttp3.OkHttpClient.Builder> countCalls = builder -> builder.addInterceptor(chain -> {
      intercepted.incrementAndGet();
      return chain.proceed(chain.request());
    });
    try (LiveKitSdkGateway counted = new LiveKitSdkGateway(
        new LiveKitSettings(emulator.url(), emulator.apiKey(), emulator.apiSecret()), countCalls)) {

      counted.listRooms();

      assertThat(intercepted).hasValue(1);
    }
  }

  @Test
  void aWebSocketUrlIsCalledOverHttp() {
    try (LiveKitSdkGateway viaWs = new LiveKitSdkGateway(new LiveKitSettings(
        emulator.url().replace("http://", "ws://"), emulator.apiKey(), emulator.apiSecret()))) {
      String room = roomWithParticipant();

      assertThat(viaWs.findRoom(room)).isPresent();
    }
  }
}
