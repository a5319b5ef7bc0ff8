package dev.meet.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Benchmark 6: the standalone backend over HTTP on loopback, OpenVidu Meet's REST API with the API key, the backend in
 * its own process on a real Redis, s3proxy and the LiveKit emulator ({@link BackendStack}). JMH is the load
 * generator: each JMH thread is one client that sends a request, waits for the answer and sends the next (a closed
 * loop), so the concurrency is the thread count ({@code -t 1}, {@code -t 10}) and the throughput is
 * {@code threads / mean latency} (Little's law); sample mode gives the latency percentiles.
 *
 * <ul>
 *   <li>{@code createRoom}: {@code POST /rooms} (which also creates the LiveKit room);
 *   <li>{@code getRoom}: {@code GET /rooms/{id}} of a room of this client's;
 *   <li>{@code listRecordings}: {@code GET /recordings} with {@code recordings} complete recordings stored (one page
 *       of OpenVidu's default 10);
 *   <li>{@code deleteRoom}: {@code DELETE /rooms/{id}} of an empty room without recordings (200, deleted);
 *   <li>{@code startStopRecording}: {@code POST /recordings} (answers once the egress is active: the emulator
 *       activates it at once) then {@code POST /recordings/{id}/stop} (202): two requests per operation.
 * </ul>
 *
 * <p>Rooms that an operation consumes are prepared before each iteration, outside the measurement, twice as many as
 * the previous iteration consumed; should the supply run out, a room is created between two measured calls (not
 * timed, but it is load the server carries meanwhile) and counted in a {@code [fact]} line.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class BackendHttpBenchmark {

  /** The stack, shared by the threads (one backend). */
  @State(Scope.Benchmark)
  public static class Stack {
    BackendStack stack;
    private long createdWhileMeasuringBefore;

    @Setup(Level.Trial)
    public void start() {
      stack = BackendStack.get();
    }

    @Setup(Level.Iteration)
    public void mark() {
      createdWhileMeasuringBefore = stack.roomsCreatedWhileMeasuring.get();
    }

    @TearDown(Level.Iteration)
    public void report(BenchmarkParams params) {
      long created = stack.roomsCreatedWhileMeasuring.get() - createdWhileMeasuringBefore;
      if (created > 0) {
        Facts.print(params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1),
            "threads", params.getThreads(), "roomsCreatedWhileMeasuring", created);
      }
    }
  }

  /** One room of this client's, for reads. */
  @State(Scope.Thread)
  public static class OwnRoom {
    String roomId;

    @Setup(Level.Trial)
    public void create(Stack stack) {
      roomId = stack.stack.createRoom();
    }
  }

  /** Rooms that operations consume, prepared before each iteration. */
  abstract static class RoomSupply {
    private static final int MINIMUM = 20;
    private final Deque<String> prepared = new ArrayDeque<>();
    private int taken;
    String roomId;

    abstract String create(BackendStack stack);

    @Setup(Level.Iteration)
    public void prepare(Stack stack) {
      int wanted = Math.max(MINIMUM, 2 * taken);
      while (prepared.size() < wanted) {
        prepared.add(create(stack.stack));
      }
      taken = 0;
    }

    @Setup(Level.Invocation)
    public void next(Stack stack) {
      taken++;
      String room = prepared.poll();
      if (room == null) {
        stack.stack.roomsCreatedWhileMeasuring.incrementAndGet();
        room = create(stack.stack);
      }
      roomId = room;
    }
  }

  /** An empty room without recordings, one per invocation. */
  @State(Scope.Thread)
  public static class EmptyRoom extends RoomSupply {
    @Override
    String create(BackendStack stack) {
      return stack.createRoom();
    }
  }

  /** A room with a publishing participant, one per invocation (a start needs one, and one recording at a time). */
  @State(Scope.Thread)
  public static class RoomWithPublisher extends RoomSupply {
    @Override
    String create(BackendStack stack) {
      return stack.createRoomWithPublisher();
    }
  }

  /** Complete recordings stored before the listing is measured. */
  @State(Scope.Benchmark)
  public static class StoredRecordings {
    @Param({"10"})
    public int recordings;

    @Setup(Level.Trial)
    public void store(Stack stack) {
      BackendStack s = stack.stack;
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < recordings; i++) {
        String id = s.startRecording(s.createRoomWithPublisher());
        s.stopRecording(id);
        ids.add(id);
      }
      // The egress ends at once in the emulator; the recording is complete when its egress_ended webhook is applied.
      Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
          .until(() -> ids.stream().allMatch(id -> s.recordingStatus(id).equals("complete")));
    }
  }

  @Benchmark
  public String createRoom(Stack stack) {
    return stack.stack.createRoom();
  }

  @Benchmark
  public JsonNode getRoom(Stack stack, OwnRoom room) {
    return stack.stack.getRoom(room.roomId);
  }

  @Benchmark
  public JsonNode listRecordings(Stack stack, StoredRecordings stored) {
    JsonNode page = stack.stack.listRecordings();
    int listed = page.get("recordings").size();
    if (listed != Math.min(stored.recordings, 10)) {
      throw new IllegalStateException("listed " + listed + " recordings, stored " + stored.recordings);
    }
    return page;
  }

  @Benchmark
  public JsonNode deleteRoom(Stack stack, EmptyRoom room) {
    return stack.stack.deleteRoom(room.roomId);
  }

  @Benchmark
  public JsonNode startStopRecording(Stack stack, RoomWithPublisher room) {
    return stack.stack.stopRecording(stack.stack.startRecording(room.roomId));
  }
}
