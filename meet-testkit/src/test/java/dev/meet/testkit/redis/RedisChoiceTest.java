package dev.meet.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

class RedisChoiceTest {

    private static final BooleanSupplier NO_DOCKER = () -> false;

    @Test
    void environmentVariableSelectsThatServer() {
        RedisChoice choice = RedisChoice.choose(Map.of("MEET_TEST_REDIS_URL", "redis://127.0.0.1:6390")::get,
                Map.<String, String>of()::get, NO_DOCKER);

        assertThat(choice.mode()).isEqualTo(RedisServer.Mode.EXTERNAL);
        assertThat(choice.url()).isEqualTo("redis://127.0.0.1:6390");
        assertThat(choice.reason()).contains("MEET_TEST_REDIS_URL");
    }

    @Test
    void systemPropertyWinsOverTheEnvironment() {
        RedisChoice choice = RedisChoice.choose(Map.of("MEET_TEST_REDIS_URL", "redis://ci:6390")::get,
                Map.of("meet.test.redis.url", "redis://local:7000")::get, NO_DOCKER);

        assertThat(choice.url()).isEqualTo("redis://local:7000");
        assertThat(choice.urlSetting()).isEqualTo("meet.test.redis.url");
    }

    @Test
    void configuredUrlMeansDockerIsNotProbed() {
        AtomicBoolean probed = new AtomicBoolean();

        RedisChoice.choose(Map.of("MEET_TEST_REDIS_URL", "redis://127.0.0.1:6390")::get,
                Map.<String, String>of()::get, () -> probed.getAndSet(true));

        assertThat(probed).isFalse();
    }

    @Test
    void blankUrlCountsAsUnset() {
        RedisChoice choice = RedisChoice.choose(Map.of("MEET_TEST_REDIS_URL", " ")::get,
                Map.of("meet.test.redis.url", "")::get, NO_DOCKER);

        assertThat(choice.mode()).isEqualTo(RedisServer.Mode.EMBEDDED);
    }

    @Test
    void reachableDockerSelectsTestcontainers() {
        RedisChoice choice = RedisChoice.choose(Map.<String, String>of()::get, Map.<String, String>of()::get,
                () -> true);

        assertThat(choice.mode()).isEqualTo(RedisServer.Mode.TESTCONTAINERS);
        assertThat(choice.url()).isNull();
    }

    @Test
    void withoutUrlOrDockerTheEmbeddedBinaryIsUsed() {
        RedisChoice choice = RedisChoice.choose(Map.<String, String>of()::get, Map.<String, String>of()::get,
                NO_DOCKER);

        assertThat(choice.mode()).isEqualTo(RedisServer.Mode.EMBEDDED);
        assertThat(choice.reason()).contains("Docker is not reachable");
    }
}
