package dev.meet.core.livekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meet.testkit.livekit.LiveKitEmulator;
import dev.meet.testkit.livekit.LiveKitEmulatorExtension;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import livekit.LivekitEgress.EncodedFileOutput;
import livekit.LivekitEgress.EncodedFileType;
import livekit.LivekitEgress.EncodingOptions;
import livekit.LivekitEgress.EncodingOptionsPreset;
import livekit.LivekitModels.Room;
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

  private static EncodedFileOutput file(String room) {
    return EncodedFileOutput.newBuilder()
        .setFileType(EncodedFileType.MP4)
        .setFilepath("openvidu-meet/recordings/" + room + "/" + room + "--0123456789")
        .build();
  }

  private String roomWithParticipant() {
    String room = newRoom();
    emulator.addParticipant(room, "alice", true);
    return room;
  }

  private EgressInfo startIn(String room) {
    return gateway.startRoomComposite(room, file(room), "grid",
        LiveKitGateway.EncodingChoice.preset(EncodingOptionsPreset.H264_720P_30));
  }

  // ------------------------------------------------------------------ start

  @Test
  void startingAnEgressReturnsItStartingWithTheRequestedPresetAndLayout() {
    String room = roomWithParticipant();

    EgressInfo egress = startIn(room);

    assertThat(egress.getEgressId()).startsWith("EG_");
    assertThat(egress.getStatus()).isEqualTo(EgressStatus.EGRESS_STARTING);
    assertThat(egress.getRoomName()).isEqualTo(room);
    assertThat(egress.getRoomComposite().getLayout()).isEqualTo("grid");
    assertThat(egress.getRoomComposite().getPreset()).isEqualTo(EncodingOptionsPreset.H264_720P_30);
    assertThat(emulator.egress(egress.getEgressId())).isPresent();
  }

  @Test
  void startingWithAdvancedEncodingOptionsSendsThemInsteadOfAPreset() {
    String room = roomWithParticipant();
    EncodingOptions advanced = EncodingOptions.newBuilder().setWidth(640).setHeight(360).setFramerate(15).build();

    EgressInfo egress = gateway.startRoomComposite(room, file(room), null,
        LiveKitGateway.EncodingChoice.advanced(advanced));

    assertThat(egress.getRoomComposite().hasAdvanced()).isTrue();
    assertThat(egress.getRoomComposite().getAdvanced().getWidth()).isEqualTo(640);
    assertThat(egress.getRoomComposite().getAdvanced().getFramerate()).isEqualTo(15);
  }

  @Test
  void startingWithoutALayoutLeavesTheLayoutToLiveKit() {
    String room = roomWithParticipant();

    EgressInfo egress = gateway.startRoomComposite(room, file(room), null,
        LiveKitGateway.EncodingChoice.preset(EncodingOptionsPreset.H264_720P_30));

    assertThat(egress.getRoomComposite().getLayout()).isEmpty();
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
    String egressId = startIn(room).getEgressId();
    emulator.forceEgressStatus(egressId, EgressStatus.EGRESS_ACTIVE);

    EgressInfo stopped = gateway.stopEgress(egressId);

    assertThat(stopped.getEgressId()).isEqualTo(egressId);
    assertThat(stopped.getStatus()).isEqualTo(EgressStatus.EGRESS_ENDING);
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
    String egressId = startIn(room).getEgressId();
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
    String egressId = startIn(room).getEgressId();
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
    String egressId = startIn(room).getEgressId();

    assertThat(gateway.findEgress(egressId))
        .hasValueSatisfying(info -> assertThat(info.getRoomName()).isEqualTo(room));
  }

  @Test
  void findingAnUnknownEgressReturnsNothing() {
    assertThat(gateway.findEgress("EG_doesnotexist")).isEmpty();
  }

  @Test
  void listingActiveEgressReturnsOnlyThoseInProgress() {
    String room = roomWithParticipant();
    String running = startIn(room).getEgressId();
    String ended = startIn(room).getEgressId();
    emulator.forceEgressStatus(ended, EgressStatus.EGRESS_FAILED);

    List<String> active = gateway.listActiveEgress().stream().map(EgressInfo::getEgressId).toList();

    assertThat(active).contains(running).doesNotContain(ended);
  }

  @Test
  void listingTheEgressOfARoomReturnsAllOfItsEgressesAndNoOthers() {
    String room = roomWithParticipant();
    String other = roomWithParticipant();
    String running = startIn(room).getEgressId();
    String ended = startIn(room).getEgressId();
    emulator.forceEgressStatus(ended, EgressStatus.EGRESS_FAILED);
    String elsewhere = startIn(other).getEgressId();

    List<String> listed = gateway.listEgress(room).stream().map(EgressInfo::getEgressId).toList();

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

    assertThat(gateway.listRooms()).extracting(Room::getName).contains(first, second);
  }

  @Test
  void findingAnExistingRoomReturnsIt() {
    String room = roomWithParticipant();

    assertThat(gateway.findRoom(room)).hasValueSatisfying(found -> {
      assertThat(found.getName()).isEqualTo(room);
      assertThat(found.getSid()).startsWith("RM_");
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

    assertThat(gateway.listParticipants(room)).extracting(p -> p.getIdentity())
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
