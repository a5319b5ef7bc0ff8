package dev.meet.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
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
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

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
 * timed, but it is load the server carries meanwhile) and counted in a {@code [fact]} line. Each measurement
 * iteration also prints the CPU time per request of the backend, of this JVM (load generator, s3proxy, emulator) and
 * of Redis, and the cores other processes took meanwhile ({@link CpuMeter}): on a shared machine the throughput
 * depends on the neighbours, the CPU per request does not.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class BackendHttpBenchmark {

  /**
   * The stack, shared by the threads (one backend); the supply of rooms that operations consume; the CPU meter. Before
   * each iteration it prepares rooms (twice what the previous iteration consumed, created by as many clients as
   * measure), then it reads the CPU times; after the iteration it prints what each request cost in CPU.
   */
  @State(Scope.Benchmark)
  public static class Stack {
    private static final int MINIMUM_ROOMS_PER_CLIENT = 20;

    BackendStack stack;
    private CpuMeter meter;
    private ExecutorService creators;
    private volatile Supplier<String> roomKind;
    private final ConcurrentLinkedQueue<String> rooms = new ConcurrentLinkedQueue<>();
    private final AtomicLong taken = new AtomicLong();
    private final AtomicLong createdWhileMeasuring = new AtomicLong();
    private CpuMeter.Reading from;
    private long requestsBefore;

    @Setup(Level.Trial)
    public void start(BenchmarkParams params) {
      stack = BackendStack.get();
      meter = new CpuMeter(stack.backend.pid(), stack.redis);
      creators = Executors.newFixedThreadPool(params.getThreads());
    }

    /** Called by a supply state: this benchmark consumes rooms of this kind. */
    void consumes(Supplier<String> kind) {
      roomKind = kind;
    }

    @Setup(Level.Iteration)
    public void prepare(BenchmarkParams params) throws InterruptedException {
      Supplier<String> kind = roomKind;
      if (kind != null) {
        long wanted = Math.max((long) MINIMUM_ROOMS_PER_CLIENT * params.getThreads(), 2 * taken.getAndSet(0));
        List<Callable<Boolean>> work = new ArrayList<>();
        for (long i = rooms.size(); i < wanted; i++) {
          work.add(() -> rooms.add(kind.get()));
        }
        for (Future<Boolean> done : creators.invokeAll(work)) {
          try {
            done.get();
          } catch (ExecutionException e) {
            throw new IllegalStateException("preparing rooms failed", e.getCause());
          }
        }
      }
      createdWhileMeasuring.set(0);
      requestsBefore = stack.requests.get();
      from = meter.read();
    }

    /** The next room of the supply (created on the spot, and counted, if the supply ran out). */
    String take() {
      taken.incrementAndGet();
      String room = rooms.poll();
      if (room == null) {
        createdWhileMeasuring.incrementAndGet();
        room = roomKind.get();
      }
      return room;
    }

    @TearDown(Level.Iteration)
    public void report(BenchmarkParams params, IterationParams iteration) {
      CpuMeter.Reading to = meter.read();
      if (iteration.getType() != IterationType.MEASUREMENT) {
        return;
      }
      String name = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
      CpuMeter.print(name, params.getThreads(), stack.requests.get() - requestsBefore, from, to);
      if (createdWhileMeasuring.get() > 0) {
        Facts.print(name, "threads", params.getThreads(), "roomsCreatedWhileMeasuring", createdWhileMeasuring.get());
      }
    }

    /** Leaves the backend as it found it for the next benchmark: no recording of this one is listed there. */
    @TearDown(Level.Trial)
    public void stop() {
      creators.shutdownNow();
      stack.deleteRecordings();
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

  /** An empty room without recordings, one per invocation. */
  @State(Scope.Thread)
  public static class EmptyRoom {
    String roomId;

    @Setup(Level.Trial)
    public void register(Stack stack) {
      BackendStack backend = stack.stack;
      stack.consumes(backend::createRoom);
    }

    @Setup(Level.Invocation)
    public void next(Stack stack) {
      roomId = stack.take();
    }
  }

  /** A room with a publishing participant, one per invocation (a start needs one, and one recording at a time). */
  @State(Scope.Thread)
  public static class RoomWithPublisher {
    String roomId;

    @Setup(Level.Trial)
    public void register(Stack stack) {
      BackendStack backend = stack.stack;
      stack.consumes(backend::createRoomWithPublisher);
    }

    @Setup(Level.Invocation)
    public void next(Stack stack) {
      roomId = stack.take();
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
      s.awaitEnded(ids);
      for (String id : ids) {
        if (!s.recordingStatus(id).equals("complete")) {
          throw new IllegalStateException("recording " + id + " ended " + s.recordingStatus(id));
        }
      }
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
