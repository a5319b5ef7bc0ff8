package dev.meet.core.webhooks;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Turns LiveKit's room and participant webhooks into {@code meetingStarted}, {@code meetingEnded},
 * {@code participantJoined} and {@code participantLeft}, once per real change, whatever LiveKit repeats or
 * reorders. Pure: it takes what was seen of the room so far ({@link Activity}) and the webhook, and returns the new
 * activity with the events to publish; the caller keeps the activity per room (with a compare-and-set when several
 * instances receive webhooks, so that only the instance whose write wins publishes).
 *
 * <p>Rules, per session of the room (LiveKit's room sid):
 * <ul>
 *   <li>the first event of a session starts the meeting ({@code meetingStarted} comes before any participant
 *       event, even when {@code participant_joined} overtakes {@code room_started}); a later {@code room_started}
 *       gives nothing;</li>
 *   <li>{@code participantJoined} once per participant session; a join that arrives after that participant's leave
 *       gives nothing (it would come out of order);</li>
 *   <li>{@code participantLeft} once per participant session;</li>
 *   <li>{@code room_finished} gives a {@code participantLeft} for everyone still in, then {@code meetingEnded}
 *       (preceded by {@code meetingStarted} when it overtook every other webhook of the session); any event of an
 *       ended session gives nothing;</li>
 *   <li>a new session while the previous one is still open ends the previous one first (its missing leaves and
 *       {@code meetingEnded}), so receivers see meetings start and end in turn.</li>
 * </ul>
 * Only the last {@value #SESSIONS_KEPT} sessions are remembered; a webhook for an older one gives nothing.
 */
public final class RoomEventDeriver {

  /** Sessions of one room remembered for late webhooks. */
  public static final int SESSIONS_KEPT = 4;

  private final Function<String, Object> roomData;

  /**
   * @param roomData the data of meeting events for a room id: the application's room object; when it knows none,
   *     {@code {"roomId": ...}}
   */
  public RoomEventDeriver(Function<String, Object> roomData) {
    this.roomData = Objects.requireNonNull(roomData, "roomData");
  }

  /** Meeting events carry {@code {"roomId": ...}}. */
  public static RoomEventDeriver withRoomIdOnly() {
    return new RoomEventDeriver(roomId -> Map.of("roomId", roomId));
  }

  /**
   * @param activity what was seen of the room so far, null for a room never seen
   * @return the room's new activity and the events to publish, in order
   * @throws IllegalArgumentException when the activity belongs to another room
   */
  public Derived derive(@Nullable Activity activity, LiveKitRoomEvent event) {
    Objects.requireNonNull(event, "event");
    if (activity != null && !activity.roomId().equals(event.roomId())) {
      throw new IllegalArgumentException("activity is of room " + activity.roomId() + ", event of "
          + event.roomId());
    }
    List<Session> sessions = new ArrayList<>(activity == null ? List.of() : activity.sessions());
    List<WebhookEvent> out = new ArrayList<>();
    long at = event.createdAt();
    int index = indexOf(sessions, event.roomSid());
    if (index < 0) {
      if (sessions.size() >= SESSIONS_KEPT && at < sessions.get(0).firstSeenAt()) {
        return new Derived(new Activity(event.roomId(), sessions), out); // older than anything remembered
      }
      // A new session: end the open one before it.
      for (int i = 0; i < sessions.size(); i++) {
        if (!sessions.get(i).ended()) {
          sessions.set(i, end(sessions.get(i), event.roomId(), at, out));
        }
      }
      sessions.add(new Session(event.roomSid(), at, false, false, Map.of()));
      index = sessions.size() - 1;
      while (sessions.size() > SESSIONS_KEPT) {
        sessions.remove(0);
        index--;
      }
    }
    Session session = sessions.get(index);
    if (!session.ended()) {
      session = apply(session, event, at, out);
      sessions.set(index, session);
    }
    return new Derived(new Activity(event.roomId(), sessions), out);
  }

  private Session apply(Session session, LiveKitRoomEvent event, long at, List<WebhookEvent> out) {
    String roomId = event.roomId();
    if (event.event().equals("room_finished")) {
      if (!session.started()) {
        // Its start overtaken by its end: it did start, and receivers pair every end with a start.
        out.add(WebhookEvent.room(WebhookEventType.MEETING_STARTED, roomId, roomData.apply(roomId), at));
        session = new Session(session.roomSid(), session.firstSeenAt(), true, false, session.participants());
      }
      return end(session, roomId, at, out);
    }
    if (!session.started()) {
      out.add(WebhookEvent.room(WebhookEventType.MEETING_STARTED, roomId, roomData.apply(roomId), at));
      session = new Session(session.roomSid(), session.firstSeenAt(), true, false, session.participants());
    }
    if (event.event().equals("room_started")) {
      return session;
    }
    Map<String, Participant> participants = new LinkedHashMap<>(session.participants());
    String sid = Objects.requireNonNull(event.participantSid());
    Participant known = participants.get(sid);
    Participant data = new Participant(roomId, Objects.requireNonNull(event.participantIdentity()),
        event.participantName(), false);
    if (event.event().equals("participant_joined")) {
      if (known == null) {
        participants.put(sid, data);
        out.add(WebhookEvent.room(WebhookEventType.PARTICIPANT_JOINED, roomId, data.data(), at));
      }
    } else if (event.event().equals("participant_left")) {
      if (known == null || !known.left()) {
        Participant left = known == null ? data : known;
        participants.put(sid, new Participant(left.roomId(), left.participantIdentity(), left.participantName(), true));
        out.add(WebhookEvent.room(WebhookEventType.PARTICIPANT_LEFT, roomId, left.data(), at));
      }
    }
    return new Session(session.roomSid(), session.firstSeenAt(), true, false, participants);
  }

  private Session end(Session session, String roomId, long at, List<WebhookEvent> out) {
    Map<String, Participant> participants = new LinkedHashMap<>(session.participants());
    for (Map.Entry<String, Participant> entry : participants.entrySet()) {
      Participant participant = entry.getValue();
      if (!participant.left()) {
        out.add(WebhookEvent.room(WebhookEventType.PARTICIPANT_LEFT, roomId, participant.data(), at));
        entry.setValue(new Participant(participant.roomId(), participant.participantIdentity(),
            participant.participantName(), true));
      }
    }
    if (session.started()) {
      out.add(WebhookEvent.room(WebhookEventType.MEETING_ENDED, roomId, roomData.apply(roomId), at));
    }
    return new Session(session.roomSid(), session.firstSeenAt(), session.started(), true, participants);
  }

  private static int indexOf(List<Session> sessions, String roomSid) {
    for (int i = 0; i < sessions.size(); i++) {
      if (sessions.get(i).roomSid().equals(roomSid)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * What was seen of one room: its recent sessions, oldest first. A record Jackson writes and reads, so a caller
   * can keep it next to the room.
   */
  public record Activity(String roomId, List<Session> sessions) {
    public Activity {
      Objects.requireNonNull(roomId, "roomId");
      sessions = List.copyOf(sessions);
    }
  }

  /**
   * One session of a room.
   *
   * @param participants by participant sid, in join order
   */
  public record Session(String roomSid, long firstSeenAt, boolean started, boolean ended,
      Map<String, Participant> participants) {
    public Session {
      Objects.requireNonNull(roomSid, "roomSid");
      participants = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(participants));
    }
  }

  /**
   * A participant of a session.
   *
   * @param left whether its leave was seen
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Participant(String roomId, String participantIdentity, @Nullable String participantName,
      boolean left) {

    /** The data of its events: {@code {"roomId", "participantIdentity", "participantName"?}}. */
    public Map<String, Object> data() {
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("roomId", roomId);
      data.put("participantIdentity", participantIdentity);
      if (participantName != null) {
        data.put("participantName", participantName);
      }
      return data;
    }
  }

  /** The new activity and the events to publish, in order. */
  public record Derived(Activity activity, List<WebhookEvent> events) {
    public Derived {
      Objects.requireNonNull(activity, "activity");
      events = List.copyOf(events);
    }
  }
}
