package dev.meet.testkit.redis;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects a real {@link RedisServer} into test constructors, lifecycle methods and test methods.
 *
 * <p>One server is shared by every test class of the run; it is started before the first class that uses the
 * extension and stopped when the run ends. Which server, in order of preference:
 * <ol>
 *   <li>system property {@code meet.test.redis.url} or environment variable {@code MEET_TEST_REDIS_URL}
 *       ({@code redis://host:port}): an existing server, never stopped by us (CI starts one);</li>
 *   <li>a {@code redis:7-alpine} container through Testcontainers, when Docker is reachable;</li>
 *   <li>the redis-server binary inside {@code embedded-redis} on a free port, so a bare JDK is enough.</li>
 * </ol>
 * The choice and its reason are logged at INFO.
 *
 * <p>A parameter annotated {@link Private @Private} gets a server of its own instead (embedded, on a free port),
 * which the test may {@link RedisServer#stop() stop} and {@link RedisServer#start() start}; it is closed after the
 * test (or the class, when injected into a {@code @BeforeAll} method).
 *
 * <pre>{@code
 * @ExtendWith(RedisServerExtension.class)
 * class LockTest {
 *     @Test
 *     void lockSurvivesRedisRestart(@RedisServerExtension.Private RedisServer redis) { ... }
 * }
 * }</pre>
 */
public final class RedisServerExtension implements BeforeAllCallback, ParameterResolver {

    /** Asks for a restartable server used by this test (or class) alone. */
    @Documented
    @Target(ElementType.PARAMETER)
    @Retention(RetentionPolicy.RUNTIME)
    public @interface Private {
    }

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(RedisServerExtension.class);

    /** Starts the shared server up front, so its start-up time and any failure belong to the class, not a test. */
    @Override
    public void beforeAll(ExtensionContext context) {
        shared(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == RedisServer.class;
    }

    @Override
    public RedisServer resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        if (parameterContext.isAnnotated(Private.class)) {
            // Keyed by this context's id: the parent context's store would otherwise hand a class-level private
            // server to every test, and one test's outage would leak into the next.
            return extensionContext.getStore(NAMESPACE).computeIfAbsent(
                    "private:" + extensionContext.getUniqueId(), key -> RedisServer.startPrivate(), RedisServer.class);
        }
        return shared(extensionContext);
    }

    private static RedisServer shared(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).computeIfAbsent(Shared.class, key -> new Shared(
                RedisServer.startShared(RedisChoice.choose(System::getenv, System::getProperty,
                        ContainerRedis::dockerAvailable))), Shared.class).server();
    }

    /** Holds the shared server in the root store, which closes it when the test run ends. */
    private record Shared(RedisServer server) implements AutoCloseable {
        @Override
        public void close() {
            server.release();
        }
    }
}
