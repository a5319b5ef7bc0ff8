package dev.meet.testkit.redis;

import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * Which Redis the shared test server will be, and why: kept apart from starting anything so that the order of
 * preference can be tested without Docker or environment variables.
 *
 * @param mode   the kind of server
 * @param url    the configured URL when {@code mode} is {@link RedisServer.Mode#EXTERNAL}, else {@code null}
 * @param reason a short sentence for the log line that tells operators which setting decided
 */
record RedisChoice(RedisServer.Mode mode, @Nullable String url, String reason) {

    /** Environment variable naming an existing Redis to test against (CI sets it). */
    static final String ENV_URL = "MEET_TEST_REDIS_URL";

    /** System property naming an existing Redis; wins over the environment so one JVM can point elsewhere. */
    static final String PROPERTY_URL = "meet.test.redis.url";

    RedisChoice {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(reason, "reason");
        if ((mode == RedisServer.Mode.EXTERNAL) != (url != null)) {
            throw new IllegalArgumentException("url must be set exactly when mode is EXTERNAL");
        }
    }

    /**
     * Applies the order of preference: a configured URL, else a container when Docker answers, else the embedded
     * binary.
     *
     * @param environment     reads environment variables ({@code System::getenv} in production)
     * @param properties      reads system properties ({@code System::getProperty} in production)
     * @param dockerAvailable asked only when no URL is configured, because probing Docker takes time
     */
    static RedisChoice choose(Function<String, @Nullable String> environment,
                              Function<String, @Nullable String> properties,
                              BooleanSupplier dockerAvailable) {
        String property = properties.apply(PROPERTY_URL);
        if (property != null && !property.isBlank()) {
            return new RedisChoice(RedisServer.Mode.EXTERNAL, property.trim(),
                    "system property " + PROPERTY_URL + " is set");
        }
        String env = environment.apply(ENV_URL);
        if (env != null && !env.isBlank()) {
            return new RedisChoice(RedisServer.Mode.EXTERNAL, env.trim(), "environment variable " + ENV_URL + " is set");
        }
        if (dockerAvailable.getAsBoolean()) {
            return new RedisChoice(RedisServer.Mode.TESTCONTAINERS, null,
                    ENV_URL + " is not set and Docker is reachable");
        }
        return new RedisChoice(RedisServer.Mode.EMBEDDED, null,
                ENV_URL + " is not set and Docker is not reachable");
    }

    /** The setting the URL came from, for error messages about a malformed URL. */
    String urlSetting() {
        return reason.startsWith("system property") ? PROPERTY_URL : ENV_URL;
    }
}
