package dev.meet.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RedisEndpointTest {

    @Test
    void hostAndPortAreReadFromTheUrl() {
        RedisEndpoint endpoint = RedisEndpoint.parse("redis://127.0.0.1:6390", "MEET_TEST_REDIS_URL");

        assertThat(endpoint.host()).isEqualTo("127.0.0.1");
        assertThat(endpoint.port()).isEqualTo(6390);
        assertThat(endpoint.password()).isNull();
        assertThat(endpoint.uri()).isEqualTo("redis://127.0.0.1:6390");
    }

    @Test
    void missingPortMeansTheRedisDefault() {
        assertThat(RedisEndpoint.parse("redis://cache", "x").port()).isEqualTo(6379);
    }

    @Test
    void passwordWithoutUserIsReadFromEitherShorthand() {
        assertThat(RedisEndpoint.parse("redis://:s3cret@h:1", "x").password()).isEqualTo("s3cret");
        assertThat(RedisEndpoint.parse("redis://s3cret@h:1", "x").password()).isEqualTo("s3cret");
        assertThat(RedisEndpoint.parse("redis://s3cret@h:1", "x").username()).isNull();
    }

    @Test
    void aclUserAndPasswordAreBothRead() {
        RedisEndpoint endpoint = RedisEndpoint.parse("redis://app:s3cret@h:1/2", "x");

        assertThat(endpoint.username()).isEqualTo("app");
        assertThat(endpoint.password()).isEqualTo("s3cret");
    }

    @Test
    void passwordNeverAppearsInLogsOrToString() {
        RedisEndpoint endpoint = RedisEndpoint.parse("redis://app:s3cret@h:1", "x");

        assertThat(endpoint.redacted()).isEqualTo("redis://h:1");
        assertThat(endpoint.toString()).doesNotContain("s3cret");
    }

    @Test
    void wrongSchemeFailsNamingTheSetting() {
        assertThatThrownBy(() -> RedisEndpoint.parse("http://127.0.0.1:6390", "MEET_TEST_REDIS_URL"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MEET_TEST_REDIS_URL")
                .hasMessageContaining("redis://host:port");
    }

    @Test
    void urlWithoutHostFailsNamingTheSetting() {
        assertThatThrownBy(() -> RedisEndpoint.parse("redis:///0", "meet.test.redis.url"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("meet.test.redis.url");
    }
}
