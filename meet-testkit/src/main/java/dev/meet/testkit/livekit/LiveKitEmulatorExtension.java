package dev.meet.testkit.livekit;

import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Runs a {@link LiveKitEmulator} on 127.0.0.1 and a free port for a test class (registered on a static field) or for
 * each test (on an instance field, or with {@code @ExtendWith}), and injects it into test and lifecycle methods.
 * Fault switches are reset after every test.
 *
 * <pre>{@code
 * @RegisterExtension
 * static LiveKitEmulatorExtension livekit =
 *     new LiveKitEmulatorExtension(LiveKitEmulator.builder().activationDelay(Duration.ofMillis(200)));
 *
 * @Test
 * void recordsARoom(LiveKitEmulator emulator) { ... }
 * }</pre>
 */
public final class LiveKitEmulatorExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

  private final LiveKitEmulator.Builder builder;
  private @Nullable LiveKitEmulator emulator;
  private boolean startedForClass;

  /** An emulator with the builder's defaults. */
  public LiveKitEmulatorExtension() {
    this(LiveKitEmulator.builder());
  }

  public LiveKitEmulatorExtension(LiveKitEmulator.Builder builder) {
    this.builder = Objects.requireNonNull(builder, "builder");
  }

  /** The running emulator. */
  public LiveKitEmulator emulator() {
    LiveKitEmulator running = emulator;
    if (running == null) {
      throw new IllegalStateException("the emulator runs only while a test of its class runs");
    }
    return running;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    emulator = builder.build().start();
    startedForClass = true;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (emulator == null) {
      emulator = builder.build().start();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    LiveKitEmulator running = emulator;
    if (running == null) {
      return;
    }
    if (startedForClass) {
      running.faults().reset();
      running.endOutage();
    } else {
      running.close();
      emulator = null;
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (emulator != null) {
      emulator.close();
      emulator = null;
    }
    startedForClass = false;
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == LiveKitEmulator.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    if (emulator == null) {
      emulator = builder.build().start();
    }
    return emulator;
  }
}
