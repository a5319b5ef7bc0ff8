package dev.meet.testkit.redis;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * Redis in a Docker container through Testcontainers. Kept in its own class so the rest of the package loads even
 * when a user excluded Testcontainers from their test classpath.
 */
final class ContainerRedis implements AutoCloseable {

    static final String IMAGE = "redis:7-alpine";
    private static final int REDIS_PORT = 6379;

    private final GenericContainer<?> container;

    private ContainerRedis(GenericContainer<?> container) {
        this.container = container;
    }

    /** True when Testcontainers is on the classpath and finds a working Docker. */
    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }

    @SuppressWarnings("resource") // closed by close()
    static ContainerRedis start() {
        GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(IMAGE))
                .withExposedPorts(REDIS_PORT)
                .withCommand("redis-server", "--save", "", "--appendonly", "no")
                .waitingFor(Wait.forLogMessage(".*Ready to accept connections.*\\n", 1));
        container.start();
        return new ContainerRedis(container);
    }

    RedisEndpoint endpoint() {
        return RedisEndpoint.local(container.getHost(), container.getMappedPort(REDIS_PORT));
    }

    @Override
    public void close() {
        container.stop();
    }
}
