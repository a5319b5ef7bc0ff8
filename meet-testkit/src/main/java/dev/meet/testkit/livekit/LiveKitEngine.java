package dev.meet.testkit.livekit;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import livekit.LivekitEgress.EncodedFileOutput;
import livekit.LivekitEgress.FileInfo;
import livekit.LivekitEgress.RoomCompositeEgressRequest;
import livekit.LivekitEgress.S3Upload;
import livekit.LivekitEgress.StreamInfo;
import livekit.LivekitEgress.StreamOutput;
import livekit.LivekitModels.ParticipantInfo;
import livekit.LivekitModels.ParticipantPermission;
import livekit.LivekitModels.Room;
import livekit.LivekitModels.TrackInfo;
import livekit.LivekitModels.TrackSource;
import livekit.LivekitModels.TrackType;
import livekit.LivekitRoom.MuteRoomTrackRequest;
import livekit.LivekitRoom.MuteRoomTrackResponse;
import livekit.LivekitWebhook.WebhookEvent;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of the emulated LiveKit server and egress service: rooms, participants and egresses, and the egress
 * lifecycle with its webhooks.
 *
 * <p>One monitor guards all state, and every webhook is enqueued while it is held, so the order of webhooks in a
 * resource's queue is the order of the state changes. Slow work (writing the MP4, possibly to S3) runs outside it.
 *
 * <p>Deprecated protocol fields ({@code EgressInfo.file}, the request's single {@code file}/{@code stream}) are used on
 * purpose: LiveKit still fills and reads them, and older clients rely on them.
 */
@SuppressWarnings("deprecation")
final class LiveKitEngine {

  private static final Logger log = LoggerFactory.getLogger(LiveKitEngine.class);
  private static final DateTimeFormatter TIME_TEMPLATE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HHmmss").withZone(ZoneOffset.UTC);

  static final String REASON_STOP_API = "End reason: StopEgress API";
  static final String REASON_SOURCE_CLOSED = "End reason: Source closed";
  static final String ABORTED_STOP_BEFORE_START = "Stop called before pipeline could start";
  static final String ABORTED_NO_START_SIGNAL = "Start signal not received";
  // As livekit/protocol's egress helpers set them (SetLimitReached, SetFailed).
  static final String LIMIT_REACHED = "Session limit reached";
  static final String REASON_LIMIT_REACHED = "End reason: Session limit reached";
  static final String REASON_FAILURE = "End reason: Failure";

  private final EmulatorSettings settings;
  private final Faults faults;
  private final WebhookDispatcher webhooks;
  private final MediaWriter media;
  private final java.util.concurrent.Executor mediaExecutor;
  private final ScheduledExecutorService scheduler;

  // What rooms opened from now on get, unless CreateRoom gives its own (control API / Java API may change them).
  private Duration emptyTimeout;
  private Duration departureTimeout;
  private Duration egressRetention;

  private final Map<String, RoomState> rooms = new LinkedHashMap<>();
  private final Map<String, EgressState> egresses = new LinkedHashMap<>();
  private final List<com.google.protobuf.Message> adminMessages = new ArrayList<>();

  LiveKitEngine(
      EmulatorSettings settings,
      Faults faults,
      WebhookDispatcher webhooks,
      MediaWriter media,
      java.util.concurrent.Executor mediaExecutor,
      ScheduledExecutorService scheduler) {
    this.settings = settings;
    this.faults = faults;
    this.webhooks = webhooks;
    this.media = media;
    this.mediaExecutor = mediaExecutor;
    this.scheduler = scheduler;
    this.emptyTimeout = settings.emptyTimeout();
    this.departureTimeout = settings.departureTimeout();
    this.egressRetention = settings.egressRetention();
  }

  // ---------------------------------------------------------------- runtime settings

  synchronized void roomTimeouts(Duration empty, Duration departure) {
    this.emptyTimeout = EmulatorSettings.requireNotNegative(empty, "emptyTimeout");
    this.departureTimeout = EmulatorSettings.requireNotNegative(departure, "departureTimeout");
  }

  synchronized Duration emptyTimeout() {
    return emptyTimeout;
  }

  synchronized Duration departureTimeout() {
    return departureTimeout;
  }

  synchronized void egressRetention(Duration retention) {
    this.egressRetention = EmulatorSettings.requireNotNegative(retention, "egressRetention");
  }

  synchronized Duration egressRetention() {
    return egressRetention;
  }

  // ---------------------------------------------------------------- restart

  /**
   * Forgets every room, participant and egress, as a LiveKit server with its egress service restarted without a
   * shared store: nothing more happens to them (no egress ends, no file is written, no webhook is sent for them).
   */
  synchronized void forgetEverything() {
    for (RoomState room : rooms.values()) {
      cancel(room.idleCheck);
    }
    for (EgressState egress : egresses.values()) {
      cancel(egress.activation);
      cancel(egress.startTimeout);
      cancel(egress.finish);
    }
    log.info("LiveKit restarted: state lost rooms={} egresses={}", rooms.size(), egresses.size());
    rooms.clear();
    egresses.clear();
  }

  // ---------------------------------------------------------------- rooms

  synchronized Room createRoom(livekit.LivekitRoom.CreateRoomRequest request) {
    String name = requireRoomName(request.getName());
    RoomState room = rooms.get(name);
    if (room == null) {
      room = openRoom(
          name,
          request.getEmptyTimeout() > 0 ? Duration.ofSeconds(request.getEmptyTimeout()) : emptyTimeout,
          request.getDepartureTimeout() > 0 ? Duration.ofSeconds(request.getDepartureTimeout()) : departureTimeout);
      room.maxParticipants = request.getMaxParticipants();
      room.metadata = request.getMetadata();
    }
    return toRoom(room);
  }

  synchronized List<Room> listRooms(Collection<String> names) {
    List<Room> result = new ArrayList<>();
    for (RoomState room : rooms.values()) {
      if (names.isEmpty() || names.contains(room.name)) {
        result.add(toRoom(room));
      }
    }
    return result;
  }

  synchronized void deleteRoom(String name) {
    closeRoom(name);
  }

  /** Closes a room as when its meeting ends: participants leave, egresses end with "Source closed". */
  synchronized void closeRoom(String name) {
    closeRoom(name, "closed");
  }

  private void closeRoom(String name, String reason) {
    RoomState room = requireRoomState(name);
    cancel(room.idleCheck);
    for (ParticipantInfo participant : List.copyOf(room.participants.values())) {
      room.participants.remove(participant.getIdentity());
      emit(room.name, event("participant_left").setRoom(toRoom(room)).setParticipant(participant));
    }
    for (EgressState egress : egressesOf(name)) {
      switch (egress.info.getStatus()) {
        case EGRESS_STARTING -> terminate(egress, EgressStatus.EGRESS_ABORTED, ABORTED_NO_START_SIGNAL, 412, "");
        case EGRESS_ACTIVE -> beginEnding(egress, REASON_SOURCE_CLOSED);
        default -> {
          // ENDING finishes on its own; terminal ones are history.
        }
      }
    }
    rooms.remove(name);
    emit(name, event("room_finished").setRoom(toRoom(room)));
    log.info("room closed room={} reason={}", name, reason);
  }

  synchronized Room updateRoomMetadata(String name, String metadata) {
    RoomState room = requireRoomState(name);
    room.metadata = metadata;
    return toRoom(room);
  }

  /** The participants of a room; none for an unknown room, as LiveKit's room store answers (no error). */
  synchronized List<ParticipantInfo> listParticipants(String roomName) {
    RoomState room = rooms.get(roomName);
    return room == null ? List.of() : List.copyOf(room.participants.values());
  }

  /**
   * Checks that the room exists.
   *
   * @throws TwirpError not_found "requested room does not exist"
   */
  synchronized void requireRoom(String roomName) {
    requireRoomState(roomName);
  }

  synchronized ParticipantInfo getParticipant(String roomName, String identity) {
    return requireParticipant(requireRoomState(roomName), identity);
  }

  synchronized ParticipantInfo updateParticipant(livekit.LivekitRoom.UpdateParticipantRequest request) {
    RoomState room = requireRoomState(request.getRoom());
    ParticipantInfo current = requireParticipant(room, request.getIdentity());
    ParticipantInfo.Builder updated = current.toBuilder().setVersion(current.getVersion() + 1);
    if (!request.getMetadata().isEmpty()) {
      updated.setMetadata(request.getMetadata());
    }
    if (!request.getName().isEmpty()) {
      updated.setName(request.getName());
    }
    if (request.hasPermission()) {
      updated.setPermission(request.getPermission());
    }
    // LiveKit's SetAttributes: an empty value deletes the attribute.
    request.getAttributesMap().forEach((key, value) -> {
      if (value.isEmpty()) {
        updated.removeAttributes(key);
      } else {
        updated.putAttributes(key, value);
      }
    });
    ParticipantInfo result = updated.build();
    room.participants.put(result.getIdentity(), result);
    return result;
  }

  synchronized void removeParticipant(String roomName, String identity) {
    RoomState room = requireRoomState(roomName);
    requireParticipant(room, identity);
    leave(room, identity);
  }

  /** A participant leaves; when no one but egresses and agents is left, the departure timeout starts. */
  private void leave(RoomState room, String identity) {
    ParticipantInfo participant = room.participants.remove(identity);
    if (participant == null) {
      return;
    }
    // livekit/livekit pkg/rtc/room.go RemoveParticipant: any participant leaving (an egress too) sets leftAt.
    room.lastLeftAt = Instant.now();
    emit(room.name, event("participant_left").setRoom(toRoom(room)).setParticipant(participant));
    scheduleIdleCheck(room);
  }

  /**
   * Mutes a published track as MutePublishedTrack does. Unmuting is refused, as by a LiveKit server without
   * {@code room.enable_remote_unmute} (its default); an unknown track sid changes nothing and answers no track.
   */
  synchronized MuteRoomTrackResponse mutePublishedTrack(MuteRoomTrackRequest request) {
    RoomState room = requireRoomState(request.getRoom());
    ParticipantInfo participant = requireParticipant(room, request.getIdentity());
    if (!request.getMuted()) {
      throw TwirpError.failedPrecondition("remote unmute not enabled");
    }
    for (int i = 0; i < participant.getTracksCount(); i++) {
      TrackInfo track = participant.getTracks(i);
      if (track.getSid().equals(request.getTrackSid())) {
        TrackInfo muted = track.toBuilder().setMuted(true).build();
        room.participants.put(
            participant.getIdentity(),
            participant.toBuilder().setTracks(i, muted).setVersion(participant.getVersion() + 1).build());
        return MuteRoomTrackResponse.newBuilder().setTrack(muted).build();
      }
    }
    return MuteRoomTrackResponse.getDefaultInstance();
  }

  /** Joins a simulated participant, creating the room if absent (as LiveKit's auto-create does). */
  synchronized ParticipantInfo join(String roomName, String identity, @Nullable String name, boolean publisher) {
    requireRoomName(roomName);
    if (identity == null || identity.isBlank()) {
      throw TwirpError.invalidArgument("identity must not be empty");
    }
    RoomState room = rooms.get(roomName);
    if (room == null) {
      room = openRoom(roomName, emptyTimeout, departureTimeout);
    }
    if (room.participants.containsKey(identity)) {
      throw new TwirpError("already_exists", "participant " + identity + " is already in room " + roomName);
    }
    Instant now = Instant.now();
    ParticipantInfo.Builder participant =
        ParticipantInfo.newBuilder()
            .setSid(Ids.next("PA_"))
            .setIdentity(identity)
            .setName(name == null ? identity : name)
            .setState(ParticipantInfo.State.ACTIVE)
            .setJoinedAt(now.getEpochSecond())
            .setJoinedAtMs(now.toEpochMilli())
            .setVersion(1)
            .setIsPublisher(publisher)
            .setKind(ParticipantInfo.Kind.STANDARD)
            .setPermission(
                ParticipantPermission.newBuilder()
                    .setCanSubscribe(true)
                    .setCanPublish(true)
                    .setCanPublishData(true));
    if (publisher) {
      participant.addTracks(
          TrackInfo.newBuilder()
              .setSid(Ids.next("TR_"))
              .setType(TrackType.VIDEO)
              .setSource(TrackSource.CAMERA)
              .setName("camera")
              .setWidth(1280)
              .setHeight(720));
    }
    ParticipantInfo info = participant.build();
    room.participants.put(identity, info);
    if (room.firstJoinedAt == null) {
      room.firstJoinedAt = now;
    }
    cancel(room.idleCheck);
    emit(room.name, event("participant_joined").setRoom(toRoom(room)).setParticipant(info));
    if (publisher) {
      for (EgressState egress : egressesOf(roomName)) {
        if (egress.waitingForPublisher) {
          activate(egress);
        }
      }
    }
    return info;
  }

  synchronized void recordAdminMessage(com.google.protobuf.Message message) {
    adminMessages.add(message);
  }

  synchronized List<com.google.protobuf.Message> adminMessages() {
    return List.copyOf(adminMessages);
  }

  // ---------------------------------------------------------------- egress

  synchronized EgressInfo startRoomComposite(RoomCompositeEgressRequest request) {
    if (faults.startEgressNotEnoughCpu()) {
      throw TwirpError.unavailable("not enough CPU");
    }
    RoomState room = rooms.get(request.getRoomName());
    if (request.getRoomName().isEmpty()) {
      throw TwirpError.invalidArgument("room name cannot be empty");
    }
    if (room == null) {
      throw TwirpError.notFound("requested room does not exist");
    }
    Optional<EncodedFileOutput> file = fileOutput(request);
    Optional<StreamOutput> stream = streamOutput(request);
    if (file.isEmpty() && stream.isEmpty()) {
      throw TwirpError.invalidArgument("no supported output types");
    }
    if (file.isPresent() && file.get().hasS3() && file.get().getS3().getBucket().isEmpty()) {
      throw TwirpError.invalidArgument("s3 bucket cannot be empty");
    }
    Instant now = Instant.now();
    String egressId = Ids.next("EG_");
    EgressInfo.Builder info =
        EgressInfo.newBuilder()
            .setEgressId(egressId)
            .setRoomId(room.sid)
            .setRoomName(room.name)
            .setSourceType(livekit.LivekitEgress.EgressSourceType.EGRESS_SOURCE_TYPE_WEB)
            .setStatus(EgressStatus.EGRESS_STARTING)
            .setUpdatedAt(nanos(now))
            .setRoomComposite(redact(request));
    @Nullable String filepath = null;
    if (file.isPresent()) {
      filepath = plannedFilepath(file.get(), room, now);
      FileInfo planned = FileInfo.newBuilder().setFilename(filepath).build();
      info.addFileResults(planned).setFile(planned);
    }
    stream.ifPresent(
        s -> s.getUrlsList().forEach(url -> info.addStreamResults(StreamInfo.newBuilder().setUrl(url))));
    EgressState egress = new EgressState(info.build(), file.orElse(null), filepath);
    egresses.put(egressId, egress);
    log.info("egress starting room={} egressId={} filepath={}", room.name, egressId, filepath);
    emit(egressId, egressEvent("egress_started", egress.info));
    joinRecorder(room, egressId);
    if (!faults.egressStuckInStarting()) {
      egress.activation =
          scheduler.schedule(() -> activateAfterDelay(egressId), millis(settings.activationDelay()), TimeUnit.MILLISECONDS);
    }
    egress.startTimeout =
        scheduler.schedule(
            () -> abortIfStillStarting(egressId), millis(settings.startSignalTimeout()), TimeUnit.MILLISECONDS);
    return egress.info;
  }

  synchronized EgressInfo stopEgress(String egressId) {
    if (faults.stopEgressUnavailable()) {
      throw TwirpError.unavailable("no response from servers");
    }
    EgressState egress = requireEgress(egressId);
    switch (egress.info.getStatus()) {
      case EGRESS_STARTING -> terminate(egress, EgressStatus.EGRESS_ABORTED, ABORTED_STOP_BEFORE_START, 412, "");
      case EGRESS_ACTIVE -> beginEnding(egress, REASON_STOP_API);
      // livekit/egress controller.go SendEOS runs once: a second stop changes nothing and the handler
      // (handler_rpc.go StopEgress) answers the egress's info as it is.
      case EGRESS_ENDING -> { }
      default ->
          throw TwirpError.failedPrecondition(
              "egress with status " + egress.info.getStatus().name() + " cannot be stopped");
    }
    return egress.info;
  }

  synchronized List<EgressInfo> listEgress(String roomName, String egressId, boolean active) {
    if (!egressId.isEmpty()) {
      EgressState egress = requireEgress(egressId);
      if (active && isTerminal(egress.info.getStatus())) {
        return List.of();
      }
      return List.of(egress.info);
    }
    forgetExpiredEgresses();
    List<EgressInfo> result = new ArrayList<>();
    for (EgressState egress : egresses.values()) {
      if (!roomName.isEmpty() && !roomName.equals(egress.info.getRoomName())) {
        continue;
      }
      if (active && isTerminal(egress.info.getStatus())) {
        continue;
      }
      result.add(egress.info);
    }
    return result;
  }

  synchronized EgressInfo updateLayout(String egressId, String layout) {
    EgressState egress = requireEgress(egressId);
    if (isTerminal(egress.info.getStatus())) {
      throw TwirpError.failedPrecondition(
          "egress with status " + egress.info.getStatus().name() + " cannot be updated");
    }
    if (!egress.info.hasRoomComposite()) {
      throw TwirpError.invalidArgument("layout can only be updated on room composite egress");
    }
    egress.info =
        egress.info.toBuilder()
            .setRoomComposite(egress.info.getRoomComposite().toBuilder().setLayout(layout))
            .setUpdatedAt(nanos(Instant.now()))
            .build();
    emit(egressId, egressEvent("egress_updated", egress.info));
    return egress.info;
  }

  /**
   * Forgets the egresses that ended longer than the retention ago, as LiveKit's egress store does (livekit/livekit
   * pkg/service/redisstore.go CleanEndedEgress: 24 h after the end, swept every 30 min; here checked on every read).
   */
  private void forgetExpiredEgresses() {
    long cutoff = nanos(Instant.now().minus(egressRetention));
    egresses.values().removeIf(e -> isTerminal(e.info.getStatus()) && e.info.getEndedAt() <= cutoff);
  }

  synchronized Optional<EgressInfo> egress(String egressId) {
    forgetExpiredEgresses();
    return Optional.ofNullable(egresses.get(egressId)).map(e -> e.info);
  }

  synchronized List<EgressInfo> egresses() {
    forgetExpiredEgresses();
    return egresses.values().stream().map(e -> e.info).toList();
  }

  /**
   * Sends {@code egress_updated} again with the same status and a newer {@code updatedAt}, as real egress does
   * whenever its info changes without a new status (livekit/egress controller.go: a second end of stream, stream and
   * backup-storage updates; livekit/livekit pkg/service/ioservice.go UpdateEgress sends egress_updated for every
   * ACTIVE or ENDING update).
   *
   * @throws TwirpError failed_precondition when the egress is not ACTIVE or ENDING
   */
  synchronized EgressInfo repeatEgressUpdate(String egressId) {
    EgressState egress = requireEgress(egressId);
    EgressStatus status = egress.info.getStatus();
    if (status != EgressStatus.EGRESS_ACTIVE && status != EgressStatus.EGRESS_ENDING) {
      throw TwirpError.failedPrecondition("egress with status " + status.name() + " sends no egress_updated");
    }
    repeatUpdate(egress);
    return egress.info;
  }

  private void repeatUpdate(EgressState egress) {
    // Strictly newer, even within the clock's resolution: receivers order updates by it.
    long updatedAt = Math.max(nanos(Instant.now()), egress.info.getUpdatedAt() + 1);
    egress.info = egress.info.toBuilder().setUpdatedAt(updatedAt).build();
    emit(egress.info.getEgressId(), egressEvent("egress_updated", egress.info));
  }

  /** Drives an egress to a state, as the real egress would on its own (control API). */
  synchronized EgressInfo force(String egressId, EgressStatus target, @Nullable String error) {
    EgressState egress = requireEgress(egressId);
    EgressStatus current = egress.info.getStatus();
    if (isTerminal(current)) {
      throw TwirpError.failedPrecondition("egress with status " + current.name() + " cannot change any more");
    }
    switch (target) {
      case EGRESS_ACTIVE -> {
        requireCurrent(egress, target, EgressStatus.EGRESS_STARTING);
        activate(egress);
      }
      case EGRESS_ENDING -> {
        requireCurrent(egress, target, EgressStatus.EGRESS_ACTIVE);
        beginEnding(egress, REASON_STOP_API);
      }
      case EGRESS_COMPLETE -> {
        if (current == EgressStatus.EGRESS_STARTING) {
          throw TwirpError.failedPrecondition("an egress that never started cannot complete");
        }
        if (current == EgressStatus.EGRESS_ACTIVE) {
          markEnding(egress, REASON_STOP_API);
        }
        finishLater(egress, EgressStatus.EGRESS_COMPLETE, Duration.ZERO);
      }
      case EGRESS_LIMIT_REACHED -> {
        requireCurrent(egress, target, EgressStatus.EGRESS_ACTIVE);
        egress.endReason = REASON_LIMIT_REACHED;
        finishLater(egress, EgressStatus.EGRESS_LIMIT_REACHED, Duration.ZERO);
      }
      case EGRESS_FAILED ->
          terminate(egress, EgressStatus.EGRESS_FAILED, error == null ? "pipeline failed" : error, 500, REASON_FAILURE);
      case EGRESS_ABORTED -> {
        requireCurrent(egress, target, EgressStatus.EGRESS_STARTING);
        terminate(egress, EgressStatus.EGRESS_ABORTED, error == null ? ABORTED_NO_START_SIGNAL : error, 412, "");
      }
      default -> throw TwirpError.invalidArgument("cannot force an egress to " + target.name());
    }
    return egress.info;
  }

  // ---------------------------------------------------------------- lifecycle internals

  private void activateAfterDelay(String egressId) {
    synchronized (this) {
      EgressState egress = egresses.get(egressId);
      if (egress == null || egress.info.getStatus() != EgressStatus.EGRESS_STARTING) {
        return;
      }
      RoomState room = rooms.get(egress.info.getRoomName());
      if (room != null && room.hasPublisher()) {
        activate(egress);
      } else {
        // Real egress waits for a published track before it starts recording.
        egress.waitingForPublisher = true;
      }
    }
  }

  private void activate(EgressState egress) {
    egress.waitingForPublisher = false;
    cancel(egress.activation);
    cancel(egress.startTimeout);
    Instant now = Instant.now();
    egress.info = egress.info.toBuilder().setStartedAt(nanos(now)).build();
    setStatus(egress, EgressStatus.EGRESS_ACTIVE);
    log.info("egress active room={} egressId={}", egress.info.getRoomName(), egress.info.getEgressId());
  }

  private void abortIfStillStarting(String egressId) {
    synchronized (this) {
      EgressState egress = egresses.get(egressId);
      if (egress != null && egress.info.getStatus() == EgressStatus.EGRESS_STARTING) {
        terminate(egress, EgressStatus.EGRESS_ABORTED, ABORTED_NO_START_SIGNAL, 412, "");
      }
    }
  }

  private void beginEnding(EgressState egress, String reason) {
    markEnding(egress, reason);
    log.info("egress ending room={} egressId={} {}", egress.info.getRoomName(), egress.info.getEgressId(), reason);
    finishLater(egress, EgressStatus.EGRESS_COMPLETE, settings.endingDelay());
  }

  /**
   * The end of stream, as livekit/egress {@code controller.go SendEOS} sends it: the end reason goes into
   * {@code details}, the status becomes ENDING (egress_updated), and then, for a web source, the file's end time and
   * duration are set from now; all of it before StopEgress answers, so the stop's answer carries them (the ENDING
   * webhook, sent before the times are set, does not).
   */
  private void markEnding(EgressState egress, String reason) {
    egress.endReason = reason;
    egress.info = egress.info.toBuilder().setDetails(reason).build();
    setStatus(egress, EgressStatus.EGRESS_ENDING);
    egress.endOfStreamAt = Instant.now();
    egress.info = withFileTimes(egress.info, egress.info.getStartedAt(), nanos(egress.endOfStreamAt));
  }

  /** The info with its file result's start, end and duration set (the deprecated {@code file} too). */
  private static EgressInfo withFileTimes(EgressInfo info, long startedAtNanos, long endedAtNanos) {
    if (info.getFileResultsCount() == 0) {
      return info;
    }
    long started = startedAtNanos == 0 ? endedAtNanos : startedAtNanos;
    FileInfo file = info.getFileResults(0).toBuilder()
        .setStartedAt(started)
        .setEndedAt(endedAtNanos)
        .setDuration(Math.max(0, endedAtNanos - started))
        .build();
    return info.toBuilder().setFileResults(0, file).setFile(file).build();
  }

  private void finishLater(EgressState egress, EgressStatus finalStatus, Duration delay) {
    cancel(egress.finish);
    String egressId = egress.info.getEgressId();
    // The file is written (maybe uploaded) on the media executor: a slow S3 must not hold up the timers.
    egress.finish = scheduler.schedule(() -> mediaExecutor.execute(() -> finish(egressId, finalStatus)), millis(delay),
        TimeUnit.MILLISECONDS);
  }

  /** Writes the file (outside the monitor: it may upload to S3) and ends the egress. */
  private void finish(String egressId, EgressStatus finalStatus) {
    EgressState egress;
    Instant endedAt = Instant.now();
    long startedAtNanos;
    @Nullable Instant endOfStream;
    synchronized (this) {
      egress = egresses.get(egressId);
      if (egress == null || isTerminal(egress.info.getStatus()) || egress.finishing) {
        return;
      }
      egress.finishing = true;
      startedAtNanos = egress.info.getStartedAt();
      endOfStream = egress.endOfStreamAt;
    }
    // The file ends where its stream ended (the end of stream of a stop or a closed room), not when it is written.
    long fileEndNanos = endOfStream == null ? nanos(endedAt) : nanos(endOfStream);
    long durationNanos = Math.max(0, fileEndNanos - startedAtNanos);
    @Nullable FileInfo file = null;
    @Nullable String failure = null;
    if (egress.file != null && egress.filepath != null) {
      try {
        MediaWriter.WrittenMedia written =
            media.write(egress.file, egress.filepath, Duration.ofNanos(durationNanos));
        file =
            FileInfo.newBuilder()
                .setFilename(egress.filepath)
                .setStartedAt(startedAtNanos)
                .setEndedAt(fileEndNanos)
                .setDuration(durationNanos)
                .setSize(written.size())
                .setLocation(written.location())
                .build();
      } catch (IOException | RuntimeException e) {
        failure = "could not upload file: " + e.getMessage();
        log.warn("egress upload failed egressId={} {}", egressId, e.toString());
      }
    }
    synchronized (this) {
      if (isTerminal(egress.info.getStatus()) || egresses.get(egressId) != egress) {
        // Ended meanwhile, or forgotten by a restart.
        return;
      }
      if (failure != null) {
        terminate(egress, EgressStatus.EGRESS_FAILED, failure, 500, egress.endReason);
        return;
      }
      EgressInfo.Builder info = egress.info.toBuilder().setEndedAt(nanos(endedAt));
      if (file != null) {
        info.clearFileResults().addFileResults(file).setFile(file);
      }
      if (finalStatus == EgressStatus.EGRESS_LIMIT_REACHED) {
        info.setError(LIMIT_REACHED).setErrorCode(413);
      }
      egress.info = info.setDetails(egress.endReason).build();
      setStatus(egress, finalStatus);
      log.info("egress ended room={} egressId={} status={}", egress.info.getRoomName(), egressId, finalStatus);
    }
  }

  private void terminate(EgressState egress, EgressStatus status, String error, int errorCode, String details) {
    cancel(egress.activation);
    cancel(egress.startTimeout);
    cancel(egress.finish);
    egress.waitingForPublisher = false;
    egress.info =
        egress.info.toBuilder()
            .setError(error)
            .setErrorCode(errorCode)
            .setDetails(details)
            .setEndedAt(nanos(Instant.now()))
            .build();
    setStatus(egress, status);
    log.info(
        "egress ended room={} egressId={} status={} error={}",
        egress.info.getRoomName(),
        egress.info.getEgressId(),
        status,
        error);
  }

  /** Sets the status and sends the webhook LiveKit sends for that transition. */
  private void setStatus(EgressState egress, EgressStatus status) {
    egress.info = egress.info.toBuilder().setStatus(status).setUpdatedAt(nanos(Instant.now())).build();
    String event = isTerminal(status) ? "egress_ended" : "egress_updated";
    emit(egress.info.getEgressId(), egressEvent(event, egress.info));
    if (!isTerminal(status) && faults.repeatEgressUpdates()) {
      repeatUpdate(egress);
    }
    if (isTerminal(status)) {
      RoomState room = rooms.get(egress.info.getRoomName());
      if (room != null && room.sid.equals(egress.info.getRoomId())) {
        leave(room, egress.info.getEgressId());
      }
    }
  }

  /**
   * The room composite egress's recorder joins the room as LiveKit's egress does (livekit/protocol
   * {@code egress.BuildEgressToken}): identity = egress id, hidden recorder that subscribes and publishes nothing,
   * kind EGRESS. Like every agent or egress it is "dependent" (livekit/livekit pkg/rtc/participant.go IsDependent):
   * it neither counts in {@code numParticipants} nor keeps the room open.
   */
  private void joinRecorder(RoomState room, String egressId) {
    Instant now = Instant.now();
    ParticipantInfo recorder =
        ParticipantInfo.newBuilder()
            .setSid(Ids.next("PA_"))
            .setIdentity(egressId)
            .setState(ParticipantInfo.State.ACTIVE)
            .setJoinedAt(now.getEpochSecond())
            .setJoinedAtMs(now.toEpochMilli())
            .setVersion(1)
            .setKind(ParticipantInfo.Kind.EGRESS)
            .setPermission(
                ParticipantPermission.newBuilder()
                    .setCanSubscribe(true)
                    .setHidden(true)
                    .setRecorder(true))
            .build();
    room.participants.put(egressId, recorder);
    emit(room.name, event("participant_joined").setRoom(toRoom(room)).setParticipant(recorder));
  }

  private static boolean isDependent(ParticipantInfo participant) {
    return participant.getKind() == ParticipantInfo.Kind.EGRESS
        || participant.getKind() == ParticipantInfo.Kind.AGENT
        || participant.getPermission().getRecorder()
        || participant.getPermission().getAgent();
  }

  // ---------------------------------------------------------------- rooms closing by themselves

  /**
   * Plans the idle check of a room that has no one but egresses and agents in it, as livekit/livekit
   * pkg/rtc/room.go {@code CloseIfEmpty} decides it (LiveKit runs it every second; this runs it when due): once
   * someone has joined, the departure timeout counts from the last leave (time to reconnect); before that, the empty
   * timeout counts from the room's creation.
   */
  private void scheduleIdleCheck(RoomState room) {
    cancel(room.idleCheck);
    if (room.participants.values().stream().anyMatch(p -> !isDependent(p))) {
      return;
    }
    Instant deadline = idleDeadline(room);
    long delayNanos = Math.max(0, Duration.between(Instant.now(), deadline).toNanos());
    String name = room.name;
    String sid = room.sid;
    room.idleCheck = scheduler.schedule(() -> closeIfIdle(name, sid), delayNanos, TimeUnit.NANOSECONDS);
  }

  private static Instant idleDeadline(RoomState room) {
    if (room.firstJoinedAt != null && room.lastLeftAt != null) {
      return room.lastLeftAt.plus(room.departureTimeout);
    }
    return room.createdAt.plus(room.emptyTimeout);
  }

  private void closeIfIdle(String name, String sid) {
    synchronized (this) {
      RoomState room = rooms.get(name);
      if (room == null || !room.sid.equals(sid)
          || room.participants.values().stream().anyMatch(p -> !isDependent(p))) {
        return;
      }
      if (Instant.now().isBefore(idleDeadline(room))) {
        scheduleIdleCheck(room);
        return;
      }
      closeRoom(name, room.firstJoinedAt != null && room.lastLeftAt != null ? "departure timeout" : "empty timeout");
    }
  }

  // ---------------------------------------------------------------- helpers

  private RoomState openRoom(String name, Duration empty, Duration departure) {
    RoomState room = new RoomState(Ids.next("RM_"), name, Instant.now(), empty, departure);
    rooms.put(name, room);
    emit(name, event("room_started").setRoom(toRoom(room)));
    log.info("room started room={}", name);
    scheduleIdleCheck(room);
    return room;
  }

  private void emit(String queueKey, WebhookEvent.Builder event) {
    webhooks.dispatch(queueKey, event.build());
  }

  private static WebhookEvent.Builder event(String name) {
    return WebhookEvent.newBuilder().setEvent(name);
  }

  private WebhookEvent.Builder egressEvent(String name, EgressInfo info) {
    // LiveKit attaches a minimal room to egress events.
    return event(name)
        .setEgressInfo(info)
        .setRoom(Room.newBuilder().setSid(info.getRoomId()).setName(info.getRoomName()));
  }

  private Room toRoom(RoomState room) {
    boolean recording =
        egressesOf(room.name).stream().anyMatch(e -> !isTerminal(e.info.getStatus()));
    return Room.newBuilder()
        .setSid(room.sid)
        .setName(room.name)
        .setEmptyTimeout(seconds(room.emptyTimeout))
        .setDepartureTimeout(seconds(room.departureTimeout))
        .setMaxParticipants(room.maxParticipants)
        .setCreationTime(room.createdAt.getEpochSecond())
        .setCreationTimeMs(room.createdAt.toEpochMilli())
        .setMetadata(room.metadata)
        // livekit/livekit pkg/rtc/room.go updateProto: egresses and agents are not counted.
        .setNumParticipants((int) room.participants.values().stream().filter(p -> !isDependent(p)).count())
        .setNumPublishers((int) room.participants.values().stream().filter(ParticipantInfo::getIsPublisher).count())
        .setActiveRecording(recording)
        .build();
  }

  private List<EgressState> egressesOf(String roomName) {
    return egresses.values().stream().filter(e -> e.info.getRoomName().equals(roomName)).toList();
  }

  private RoomState requireRoomState(String name) {
    RoomState room = rooms.get(name);
    if (room == null) {
      throw TwirpError.notFound("requested room does not exist");
    }
    return room;
  }

  private static String requireRoomName(String name) {
    if (name == null || name.isEmpty()) {
      throw TwirpError.invalidArgument("room name cannot be empty");
    }
    return name;
  }

  private static ParticipantInfo requireParticipant(RoomState room, String identity) {
    ParticipantInfo participant = room.participants.get(identity);
    if (participant == null) {
      throw TwirpError.notFound("participant does not exist");
    }
    return participant;
  }

  private EgressState requireEgress(String egressId) {
    forgetExpiredEgresses();
    EgressState egress = egresses.get(egressId);
    if (egress == null) {
      throw TwirpError.notFound("egress does not exist");
    }
    return egress;
  }

  private static void requireCurrent(EgressState egress, EgressStatus target, EgressStatus required) {
    if (egress.info.getStatus() != required) {
      throw TwirpError.failedPrecondition(
          "egress with status " + egress.info.getStatus().name() + " cannot become " + target.name());
    }
  }

  static boolean isTerminal(EgressStatus status) {
    return switch (status) {
      case EGRESS_STARTING, EGRESS_ACTIVE, EGRESS_ENDING -> false;
      default -> true;
    };
  }

  private static Optional<EncodedFileOutput> fileOutput(RoomCompositeEgressRequest request) {
    if (request.hasFile()) {
      return Optional.of(request.getFile());
    }
    return request.getFileOutputsList().stream().findFirst();
  }

  private static Optional<StreamOutput> streamOutput(RoomCompositeEgressRequest request) {
    if (request.hasStream()) {
      return Optional.of(request.getStream());
    }
    return request.getStreamOutputsList().stream().findFirst();
  }

  /** The file name the egress will write, as LiveKit's egress templates it. */
  private static String plannedFilepath(EncodedFileOutput file, RoomState room, Instant now) {
    String path = file.getFilepath().isEmpty() ? "{room_name}-{time}" : file.getFilepath();
    if (path.endsWith("/")) {
      path = path + "{room_name}-{time}";
    }
    path =
        path.replace("{room_name}", room.name)
            .replace("{room_id}", room.sid)
            .replace("{time}", TIME_TEMPLATE.format(now))
            .replace("{utc}", Long.toString(now.getEpochSecond()));
    String extension = file.getFileType() == livekit.LivekitEgress.EncodedFileType.OGG ? ".ogg" : ".mp4";
    return path.endsWith(extension) ? path : path + extension;
  }

  /** The request as LiveKit echoes it: upload credentials replaced by placeholders. */
  private static RoomCompositeEgressRequest redact(RoomCompositeEgressRequest request) {
    RoomCompositeEgressRequest.Builder redacted = request.toBuilder();
    if (request.hasFile() && request.getFile().hasS3()) {
      redacted.setFile(request.getFile().toBuilder().setS3(redact(request.getFile().getS3())));
    }
    for (int i = 0; i < request.getFileOutputsCount(); i++) {
      EncodedFileOutput output = request.getFileOutputs(i);
      if (output.hasS3()) {
        redacted.setFileOutputs(i, output.toBuilder().setS3(redact(output.getS3())));
      }
    }
    return redacted.build();
  }

  private static S3Upload redact(S3Upload s3) {
    return s3.toBuilder().setAccessKey("{access_key}").setSecret("{secret}").build();
  }

  private static long nanos(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }

  /** A timeout as the Room message carries it: whole seconds, rounded up. */
  private static int seconds(Duration duration) {
    long seconds = duration.getSeconds() + (duration.getNano() > 0 ? 1 : 0);
    return (int) Math.min(Integer.MAX_VALUE, seconds);
  }

  private static long millis(Duration duration) {
    return duration.toMillis();
  }

  private static void cancel(@Nullable ScheduledFuture<?> future) {
    if (future != null) {
      future.cancel(false);
    }
  }

  private static final class RoomState {
    final String sid;
    final String name;
    final Instant createdAt;
    final Duration emptyTimeout;
    final Duration departureTimeout;
    int maxParticipants;
    String metadata = "";
    final Map<String, ParticipantInfo> participants = new LinkedHashMap<>();
    /** When the first participant other than an egress or agent joined, or null. */
    @Nullable Instant firstJoinedAt;
    @Nullable Instant lastLeftAt;
    @Nullable ScheduledFuture<?> idleCheck;

    RoomState(String sid, String name, Instant createdAt, Duration emptyTimeout, Duration departureTimeout) {
      this.sid = sid;
      this.name = name;
      this.createdAt = createdAt;
      this.emptyTimeout = emptyTimeout;
      this.departureTimeout = departureTimeout;
    }

    boolean hasPublisher() {
      return participants.values().stream().anyMatch(ParticipantInfo::getIsPublisher);
    }
  }

  private static final class EgressState {
    EgressInfo info;
    final @Nullable EncodedFileOutput file;
    final @Nullable String filepath;
    String endReason = "";
    boolean waitingForPublisher;
    /** When the end of stream was sent (stop, room closed), or null: the file's end time. */
    @Nullable Instant endOfStreamAt;
    /** The file is being written: a second finish (a forced COMPLETE meanwhile) must not write it again. */
    boolean finishing;
    @Nullable ScheduledFuture<?> activation;
    @Nullable ScheduledFuture<?> startTimeout;
    @Nullable ScheduledFuture<?> finish;

    EgressState(EgressInfo info, @Nullable EncodedFileOutput file, @Nullable String filepath) {
      this.info = Objects.requireNonNull(info);
      this.file = file;
      this.filepath = filepath;
    }
  }
}
