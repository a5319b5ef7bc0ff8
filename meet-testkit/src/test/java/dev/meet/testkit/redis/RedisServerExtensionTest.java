package dev.meet.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RedisServerExtension.class)
class RedisServerExtensionTest {

    private static @Nullable RedisServer fromBeforeAll;
    private @Nullable RedisServer privateFromBeforeEach;

    @BeforeAll
    static void rememberShared(RedisServer redis) {
        fromBeforeAll = redis;
    }

    @BeforeEach
    void rememberPrivate(@RedisServerExtension.Private RedisServer redis) {
        privateFromBeforeEach = redis;
    }

    @Test
    void injectedServerAnswersPingAndStoresValues(RedisServer redis) throws IOException {
        assertThat(send(redis, "PING")).isEqualTo("PONG");
        assertThat(send(redis, "SET", "meet:testkit:greeting", "hello")).isEqualTo("OK");
        assertThat(send(redis, "GET", "meet:testkit:greeting")).isEqualTo("hello");
        send(redis, "DEL", "meet:testkit:greeting");
    }

    @Test
    void everyTestClassAndMethodSharesOneServer(RedisServer first, RedisServer second) {
        assertThat(first).isSameAs(second).isSameAs(fromBeforeAll);
        assertThat(first.uri()).startsWith("redis://");
    }

    /** Runs where CI sets the variable; {@link RedisServerSelectionTest} covers the choice everywhere. */
    @Test
    @EnabledIfEnvironmentVariable(named = "MEET_TEST_REDIS_URL", matches = ".*\\S.*")
    @DisabledIfSystemProperty(named = "meet.test.redis.url", matches = ".*\\S.*", disabledReason = "it wins")
    void environmentUrlIsTheSharedServerWhenSet(RedisServer redis) {
        assertThat(redis.mode()).isEqualTo(RedisServer.Mode.EXTERNAL);
        assertThat(redis.uri()).isEqualTo(System.getenv("MEET_TEST_REDIS_URL").trim());
    }

    @Test
    void sharedServerRefusesToBeStopped(RedisServer redis) {
        assertThat(redis.canRestart()).isFalse();
        assertThatThrownBy(redis::stop)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("@RedisServerExtension.Private");
    }

    @Test
    void closingTheSharedServerLeavesItRunning(RedisServer redis) throws IOException {
        redis.close();

        assertThat(send(redis, "PING")).isEqualTo("PONG");
    }

    @Test
    void privateServerIsEmbeddedAndSeparateFromTheSharedOne(RedisServer shared,
                                                            @RedisServerExtension.Private RedisServer own) {
        assertThat(own.mode()).isEqualTo(RedisServer.Mode.EMBEDDED);
        assertThat(own.canRestart()).isTrue();
        assertThat(own.uri()).isEqualTo("redis://127.0.0.1:" + own.port()).isNotEqualTo(shared.uri());
    }

    @Test
    void beforeEachAndTestMethodGetTheSamePrivateServer(@RedisServerExtension.Private RedisServer own) {
        assertThat(own).isSameAs(privateFromBeforeEach);
    }

    @Test
    void stoppedPrivateServerRefusesConnectionsAndRestartsEmptyOnTheSamePort(
            @RedisServerExtension.Private RedisServer own) throws IOException {
        int port = own.port();
        send(own, "SET", "survives", "no");

        own.stop();

        assertThatThrownBy(() -> send(own, "PING")).isInstanceOf(ConnectException.class);

        own.start();

        assertThat(own.port()).isEqualTo(port);
        assertThat(send(own, "PING")).isEqualTo("PONG");
        assertThat(send(own, "GET", "survives")).isNull();
    }

    @Test
    void flushAllDeletesEveryKeyInEveryDatabase(@RedisServerExtension.Private RedisServer own) throws IOException {
        try (Resp resp = connect(own)) {
            resp.call("SET", "a", "1");
            resp.call("SELECT", "1");
            resp.call("SET", "b", "2");
        }

        own.flushAll();

        try (Resp resp = connect(own)) {
            assertThat(resp.call("DBSIZE")).isEqualTo(0L);
            resp.call("SELECT", "1");
            assertThat(resp.call("DBSIZE")).isEqualTo(0L);
        }
    }

    @Test
    void startPrivateGivesAServerThatIsGoneAfterClose() throws IOException {
        RedisServer own = RedisServer.startPrivate();
        try (own) {
            assertThat(send(own, "PING")).isEqualTo("PONG");
        }

        assertThatThrownBy(() -> send(own, "PING")).isInstanceOf(ConnectException.class);
    }

    /** One command on a new connection, through the same RESP code the test kit uses for FLUSHALL. */
    static @Nullable Object send(RedisServer redis, String... command) throws IOException {
        try (Resp resp = connect(redis)) {
            return resp.call(command);
        }
    }

    private static Resp connect(RedisServer redis) throws IOException {
        return Resp.connect(RedisEndpoint.parse(redis.uri(), "test"));
    }
}
