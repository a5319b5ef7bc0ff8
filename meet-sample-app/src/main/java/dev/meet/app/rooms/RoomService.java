package dev.meet.app.rooms;

import dev.meet.app.web.ApiException;
import dev.meet.core.Recording;
import dev.meet.core.RecordingException;
import dev.meet.core.engine.RecordingManager;
import dev.meet.core.RecordingStatus;
import dev.meet.core.StartOptions;
import dev.meet.core.storage.RecordingPage;
import dev.meet.core.storage.RecordingQuery;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rooms: creation (with the LiveKit room), reads, deletion with OpenVidu Meet's policies, the status that follows
 * LiveKit's room events, and the purge of a deleted room's recordings.
 */
public class RoomService {

  private static final Logger log = LoggerFactory.getLogger(RoomService.class);
  static final Duration MIN_AUTO_DELETION = Duration.ofHours(1);
  private static final int MAX_NAME = 50;
  private static final int CAS_ATTEMPTS = 8;
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Enough for the LiveKit events that trail the deletions of a busy minute. */
  private static final int RECENTLY_DELETED = 4096;

  private final RoomStore store;
  private final LiveKitRooms liveKit;
  private final RecordingManager recordings;
  private final Clock clock;
  private final RecentlyDeleted deleted = new RecentlyDeleted(RECENTLY_DELETED);

  public RoomService(RoomStore store, LiveKitRooms liveKit, RecordingManager recordings, Clock clock) {
    this.store = store;
    this.liveKit = liveKit;
    this.recordings = recordings;
    this.clock = clock;
  }

  // ------------------------------------------------------------------------------------------ create and read

  /** Validates the options, creates the LiveKit room, then stores the room. */
  public Room create(CreateRoomRequest request) {
    List<ApiException.FieldError> errors = new ArrayList<>();
    String name = request.roomName() == null ? "Room" : request.roomName().strip().replaceAll("\\s+", " ");
    if (request.roomName() != null && request.roomName().length() > MAX_NAME) {
      errors.add(new ApiException.FieldError("roomName", "roomName cannot exceed 50 characters"));
    }
    if (name.isEmpty()) {
      name = "Room";
    }
    Long deletion = request.autoDeletionDate();
    long now = clock.millis();
    if (deletion != null && deletion <= 0) {
      errors.add(new ApiException.FieldError("autoDeletionDate", "autoDeletionDate must be a positive integer"));
    } else if (deletion != null && deletion < now + MIN_AUTO_DELETION.toMillis()) {
      errors.add(new ApiException.FieldError("autoDeletionDate",
          "autoDeletionDate must be at least 1h in the future"));
    }
    Room.AutoDeletionPolicy policy = null;
    if (deletion != null) {
      CreateRoomRequest.Policy asked = request.autoDeletionPolicy();
      Room.WithMeeting withMeeting = asked == null || asked.withMeeting() == null
          ? Room.WithMeeting.WHEN_MEETING_ENDS : asked.withMeeting();
      Room.WithRecordings withRecordings = asked == null || asked.withRecordings() == null
          ? Room.WithRecordings.CLOSE : asked.withRecordings();
      if (withMeeting == Room.WithMeeting.FAIL) {
        errors.add(new ApiException.FieldError("autoDeletionPolicy.withMeeting",
            "FAIL policy is not allowed for withMeeting auto-deletion policy"));
      }
      if (withRecordings == Room.WithRecordings.FAIL) {
        errors.add(new ApiException.FieldError("autoDeletionPolicy.withRecordings",
            "FAIL policy is not allowed for withRecordings auto-deletion policy"));
      }
      policy = new Room.AutoDeletionPolicy(withMeeting, withRecordings);
    }
    Room.Config config;
    try {
      config = config(request.config());
    } catch (IllegalArgumentException e) {
      errors.add(new ApiException.FieldError("config.recording.layout", String.valueOf(e.getMessage())));
      config = null;
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    Room room = new Room(roomId(name), name, now, deletion, policy, config, Room.Status.OPEN,
        Room.MeetingEndAction.NONE, secret(), secret());
    liveKit.create(room.roomId());
    if (!store.create(room)) {
      throw new ApiException(409, "Room Error", "Room '" + room.roomId() + "' already exists");
    }
    log.info("room created roomId={}", room.roomId());
    return room;
  }

  private static Room.Config config(CreateRoomRequest.@Nullable ConfigRequest request) {
    boolean e2ee = request != null && request.e2ee() != null && Boolean.TRUE.equals(request.e2ee().enabled());
    CreateRoomRequest.RecordingRequest recording = request == null ? null : request.recording();
    boolean enabled = recording == null || recording.enabled() == null || recording.enabled();
    String layout = recording == null || recording.layout() == null ? StartOptions.DEFAULT_LAYOUT : recording.layout();
    var encoding = recording == null || recording.encoding() == null ? dev.meet.core.RecordingEncoding.DEFAULT
        : recording.encoding();
    // End-to-end encrypted media cannot be composed by an egress: recording is off for such rooms.
    return new Room.Config(new Room.RecordingConfig(enabled && !e2ee, layout, encoding), new Room.E2ee(e2ee));
  }

  /** OpenVidu Meet's room ids: a slug of the name, '-', 15 random hex characters. */
  static String roomId(String name) {
    String slug = Normalizer.normalize(name, Normalizer.Form.NFD)
        .toLowerCase(Locale.ROOT)
        .replaceAll("[-\\s]", "_")
        .replaceAll("[^a-z0-9_]", "")
        .replaceAll("_+", "_")
        .replaceAll("^_+|_+$", "");
    if (slug.isEmpty()) {
      slug = "room";
    }
    byte[] bytes = new byte[8];
    RANDOM.nextBytes(bytes);
    return slug + "-" + HexFormat.of().formatHex(bytes).substring(0, 15);
  }

  private static String secret() {
    byte[] bytes = new byte[12];
    RANDOM.nextBytes(bytes);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The room, or 404 "Room 'x' does not exist". */
  public Room get(String roomId) {
    return find(roomId).orElseThrow(() -> notFound(roomId));
  }

  public Optional<Room> find(String roomId) {
    if (!dev.meet.core.RoomIds.isValid(roomId)) {
      return Optional.empty();
    }
    return store.find(roomId).map(RoomStore.Versioned::room);
  }

  public RoomStore.Page list(int maxItems, @Nullable String pageToken) {
    try {
      return store.list(maxItems, pageToken);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("nextPageToken", "nextPageToken is invalid");
    }
  }

  static ApiException notFound(String roomId) {
    return new ApiException(404, "Room Error", "Room '" + roomId + "' does not exist");
  }

  // ------------------------------------------------------------------------------------------ delete

  /**
   * Deletes a room as OpenVidu Meet does: both policies {@code fail} by default; 409 with a code when a policy
   * forbids; {@code force} on the meeting ends it now, {@code when_meeting_ends} schedules the action (202);
   * {@code force} on recordings deletes them (stopping those in progress), {@code close} keeps them and closes the room.
   */
  public DeletionResult delete(String roomId, Room.WithMeeting withMeeting, Room.WithRecordings withRecordings,
      String baseUrl) {
    Room room = get(roomId);
    boolean meeting = room.status() == Room.Status.ACTIVE_MEETING;
    boolean hasRecordings = hasRecordings(roomId);
    String base = "Room '" + roomId + "'";
    if (meeting && withMeeting == Room.WithMeeting.FAIL) {
      throw hasRecordings
          ? conflict("room_with_recordings_has_active_meeting",
              base + " with recordings cannot be deleted because it has an active meeting.")
          : conflict("room_has_active_meeting", base + " cannot be deleted because it has an active meeting.");
    }
    if (hasRecordings && withRecordings == Room.WithRecordings.FAIL) {
      if (meeting) {
        throw withMeeting == Room.WithMeeting.WHEN_MEETING_ENDS
            ? conflict("room_with_active_meeting_has_recordings_cannot_schedule_deletion",
                base + " with active meeting cannot be scheduled to be deleted because it has recordings.")
            : conflict("room_with_active_meeting_has_recordings",
                base + " with active meeting cannot be deleted because it has recordings.");
      }
      throw conflict("room_has_recordings", base + " cannot be deleted because it has recordings.");
    }
    boolean close = hasRecordings && withRecordings == Room.WithRecordings.CLOSE;
    if (meeting && withMeeting == Room.WithMeeting.WHEN_MEETING_ENDS) {
      Room updated = update(roomId, r -> r.withMeetingEndAction(close ? Room.MeetingEndAction.CLOSE
          : Room.MeetingEndAction.DELETE));
      log.info("room deletion scheduled roomId={} action={}", roomId, updated.meetingEndAction().value());
      String message = close
          ? base + " with active meeting scheduled to be closed when the meeting ends because it has recordings"
          : hasRecordings
              ? base + " with active meeting and its recordings scheduled to be deleted when the meeting ends"
              : base + " with active meeting scheduled to be deleted when the meeting ends";
      String code = close ? "room_with_active_meeting_scheduled_to_be_closed"
          : hasRecordings ? "room_with_active_meeting_and_recordings_scheduled_to_be_deleted"
              : "room_with_active_meeting_scheduled_to_be_deleted";
      return new DeletionResult(code, message, RoomView.of(updated, baseUrl), true);
    }
    if (meeting) {
      liveKit.delete(roomId); // force: the meeting ends for everyone now
    }
    if (close) {
      Room closed = update(roomId, r -> r.withStatus(Room.Status.CLOSED).withMeetingEndAction(
          Room.MeetingEndAction.NONE));
      log.info("room closed roomId={} reason=has-recordings", roomId);
      return meeting
          ? new DeletionResult("room_with_active_meeting_closed",
              base + " with active meeting has been closed instead of deleted because it has recordings",
              RoomView.of(closed, baseUrl), false)
          : new DeletionResult("room_closed",
              base + " has been closed instead of deleted because it has recordings", RoomView.of(closed, baseUrl),
              false);
    }
    if (hasRecordings) {
      deleteWithRecordings(roomId, !meeting);
    } else {
      deleteRoom(roomId, !meeting);
    }
    if (meeting) {
      return hasRecordings
          ? new DeletionResult("room_with_active_meeting_and_recordings_deleted",
              base + " with active meeting and its recordings deleted successfully", null, false)
          : new DeletionResult("room_with_active_meeting_deleted",
              base + " with active meeting deleted successfully", null, false);
    }
    return hasRecordings
        ? new DeletionResult("room_and_recordings_deleted", base + " and its recordings deleted successfully", null,
            false)
        : new DeletionResult("room_deleted", base + " deleted successfully", null, false);
  }

  private static ApiException conflict(String code, String message) {
    return new ApiException(409, code, message);
  }

  private boolean hasRecordings(String roomId) {
    return !recordings.list(new RecordingQuery(roomId, null, 1, null)).recordings().isEmpty();
  }

  /**
   * Deletes the room and every recording of it. The purge mark is written first, so recordings still in progress
   * (asked to stop here) are deleted by the collector once they end, even if this instance stops meanwhile.
   */
  void deleteWithRecordings(String roomId, boolean closeLiveKitRoom) {
    store.markPurge(roomId);
    try {
      deleteRoom(roomId, closeLiveKitRoom);
    } catch (RoomStoreException e) {
      // The room stays (the caller is told so): its recordings must stay too.
      try {
        store.clearPurge(roomId);
      } catch (RoomStoreException clearing) {
        log.warn("purge mark of a room whose deletion failed not cleared roomId={}: {}", roomId,
            clearing.getMessage());
      }
      throw e;
    }
    purge(roomId);
  }

  /**
   * Deletes the room alone: what {@link #delete} does when it has just found no recording of the room, so there is
   * nothing to purge and no mark to write. (A start whose room check passed just before can still store a recording
   * after that listing; the purge's listing narrowed that window, it never closed it.)
   */
  private void deleteRoom(String roomId, boolean closeLiveKitRoom) {
    store.delete(roomId);
    // Before the LiveKit room goes, so the room_finished that follows finds it here.
    deleted.add(roomId);
    if (closeLiveKitRoom) {
      try {
        liveKit.delete(roomId);
      } catch (ApiException e) {
        log.info("could not delete the LiveKit room roomId={}: {}", roomId, e.getMessage());
      }
    }
    log.info("room deleted roomId={}", roomId);
  }

  /** Stops what is still recording in a deleted room and deletes what has ended; clears the mark when none is left. */
  void purge(String roomId) {
    List<String> ended = new ArrayList<>();
    boolean inProgress = false;
    String token = null;
    do {
      RecordingPage page = recordings.list(new RecordingQuery(roomId, null, RecordingQuery.MAX_ITEMS, token));
      for (Recording recording : page.recordings()) {
        if (recording.status().isTerminal()) {
          ended.add(recording.recordingId());
        } else {
          inProgress = true;
          if (recording.status() == RecordingStatus.ACTIVE || recording.status() == RecordingStatus.STARTING) {
            try {
              recordings.stop(recording.recordingId());
            } catch (RecordingException e) {
              log.info("stopping recording of a deleted room recordingId={}: {}", recording.recordingId(),
                  e.getMessage());
            }
          }
        }
      }
      token = page.nextPageToken();
    } while (token != null);
    if (!ended.isEmpty()) {
      var result = recordings.deleteAll(ended);
      log.info("recordings of a deleted room deleted roomId={} deleted={} failed={}", roomId,
          result.deleted().size(), result.failed().size());
      inProgress |= !result.allDeleted();
    }
    if (!inProgress) {
      store.clearPurge(roomId);
    }
  }

  // ------------------------------------------------------------------------------------------ meeting events

  /** A participant joined (or the room started with participants): the meeting is active. */
  public void meetingStarted(String roomId) {
    if (deleted.contains(roomId)) {
      return;
    }
    updateIfPresent(roomId, room -> room.status() == Room.Status.OPEN ? room.withStatus(Room.Status.ACTIVE_MEETING)
        : room).ifPresent(room -> log.info("room status roomId={} status={}", roomId, room.status().value()));
  }

  /** LiveKit's room_finished: the action scheduled for the meeting's end, else the room is open again. */
  public void meetingEnded(String roomId) {
    if (deleted.contains(roomId)) {
      return; // the room_finished of a room deleted here (LiveKit's room goes after ours): nothing to read
    }
    Optional<Room> room = find(roomId);
    if (room.isEmpty()) {
      return;
    }
    switch (room.get().meetingEndAction()) {
      case DELETE -> deleteWithRecordings(roomId, false);
      case CLOSE -> updateIfPresent(roomId, r -> r.withStatus(Room.Status.CLOSED)
          .withMeetingEndAction(Room.MeetingEndAction.NONE));
      case NONE -> updateIfPresent(roomId, r -> r.status() == Room.Status.ACTIVE_MEETING
          ? r.withStatus(Room.Status.OPEN) : r);
    }
    log.info("meeting ended roomId={} action={}", roomId, room.get().meetingEndAction().value());
  }

  // ------------------------------------------------------------------------------------------ collector

  /** Deletes the rooms whose autoDeletionDate has passed with their policy, and purges deleted rooms' recordings. */
  public int collect() {
    long now = clock.millis();
    int deleted = 0;
    String token = null;
    do {
      RoomStore.Page page = store.list(100, token);
      for (Room room : page.rooms()) {
        if (room.autoDeletionDate() != null && room.autoDeletionDate() <= now) {
          Room.AutoDeletionPolicy policy = room.autoDeletionPolicy() == null ? Room.AutoDeletionPolicy.defaults()
              : room.autoDeletionPolicy();
          try {
            DeletionResult result = delete(room.roomId(), policy.withMeeting(), policy.withRecordings(), "");
            log.info("room auto-deleted roomId={} outcome={}", room.roomId(), result.successCode());
            deleted++;
          } catch (ApiException | RecordingException | RoomStoreException e) {
            log.warn("auto-deletion failed roomId={}: {}", room.roomId(), e.getMessage());
          }
        }
      }
      token = page.nextPageToken();
    } while (token != null);
    for (String roomId : store.purgeMarks()) {
      try {
        if (store.find(roomId).isPresent()) {
          // A deletion that failed after its mark: the room and its recordings stay.
          log.info("purge mark of a room that still exists skipped roomId={}", roomId);
          continue;
        }
        purge(roomId);
      } catch (RecordingException | RoomStoreException e) {
        log.warn("purge of a deleted room's recordings failed roomId={}: {}", roomId, e.getMessage());
      }
    }
    return deleted;
  }

  // ------------------------------------------------------------------------------------------ helpers

  private Room update(String roomId, UnaryOperator<Room> change) {
    return updateIfPresent(roomId, change).orElseThrow(() -> notFound(roomId));
  }

  /** Compare-and-set with re-reads: concurrent writers (webhooks, the collector, a DELETE) never lose a change. */
  private Optional<Room> updateIfPresent(String roomId, UnaryOperator<Room> change) {
    for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      Optional<RoomStore.Versioned> current = store.find(roomId);
      if (current.isEmpty()) {
        return Optional.empty();
      }
      Room next = change.apply(current.get().room());
      if (next.equals(current.get().room()) || store.replace(current.get(), next)) {
        return Optional.of(next);
      }
    }
    throw new RoomStoreException("room " + roomId + " kept changing: gave up after " + CAS_ATTEMPTS + " attempts",
        new IllegalStateException("compare-and-set contention"));
  }
}
