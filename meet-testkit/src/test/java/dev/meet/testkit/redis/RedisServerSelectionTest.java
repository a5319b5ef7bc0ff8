package dev.meet.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * Runs a probe class in a fresh Jupiter engine (so a fresh root store, so a fresh choice of shared server) with
 * {@code meet.test.redis.url} pointing at a server of ours, and checks the extension used it. The system property
 * stands in for {@code MEET_TEST_REDIS_URL}: both go through the same choice, and a JVM cannot change its own
 * environment.
 */
class RedisServerSelectionTest {

    private static final AtomicReference<RedisServer> INJECTED = new AtomicReference<>();

    @AfterEach
    void clearProperty() {
        System.clearProperty(RedisChoice.PROPERTY_URL);
        INJECTED.set(null);
    }

    @Test
    void configuredUrlIsUsedAsAnExternalServer() {
        try (RedisServer target = RedisServer.startPrivate()) {
            System.setProperty(RedisChoice.PROPERTY_URL, target.uri());

            Events tests = runProbe();

            tests.assertStatistics(stats -> stats.succeeded(1).failed(0));
            RedisServer injected = INJECTED.get();
            assertThat(injected.mode()).isEqualTo(RedisServer.Mode.EXTERNAL);
            assertThat(injected.port()).isEqualTo(target.port());
            assertThat(injected.uri()).isEqualTo(target.uri());
            assertThat(injected.canRestart()).isFalse();
        }
    }

    @Test
    void externalServerIsLeftRunningWhenTheTestRunEnds() throws IOException {
        try (RedisServer target = RedisServer.startPrivate()) {
            System.setProperty(RedisChoice.PROPERTY_URL, target.uri());

            runProbe().assertStatistics(stats -> stats.succeeded(1));

            assertThat(RedisServerExtensionTest.send(target, "PING")).isEqualTo("PONG");
        }
    }

    private static Events runProbe() {
        return EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(Probe.class))
                .execute()
                .testEvents();
    }

    /** Not run on its own (nested classes are not discovered); {@link #runProbe()} runs it. */
    @ExtendWith(RedisServerExtension.class)
    static class Probe {
        @Test
        void recordsTheInjectedServer(RedisServer redis) throws IOException {
            INJECTED.set(redis);
            assertThat(RedisServerExtensionTest.send(redis, "PING")).isEqualTo("PONG");
        }
    }
}
