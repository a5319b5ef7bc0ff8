package dev.meet.testkit.redis;

import java.net.URI;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Where a Redis listens and how to authenticate, parsed once from a {@code redis://} URL so that a malformed
 * setting fails when the test run starts rather than at the first command.
 *
 * @param host     host name or address
 * @param port     TCP port
 * @param username ACL user name, or {@code null} for the default user
 * @param password password, or {@code null} when the server needs none
 * @param uri      the URL clients should use, exactly as configured (it may carry the password and a database)
 */
record RedisEndpoint(String host, int port, @Nullable String username, @Nullable String password, String uri) {

    private static final int DEFAULT_PORT = 6379;

    RedisEndpoint {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(uri, "uri");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port must be 1..65535, was " + port);
        }
    }

    /** A server without authentication on {@code host:port}, as we start it ourselves. */
    static RedisEndpoint local(String host, int port) {
        return new RedisEndpoint(host, port, null, null, "redis://" + host + ":" + port);
    }

    /**
     * Parses {@code redis://[[user]:password@]host[:port][/database]}.
     *
     * @param url     the configured URL
     * @param setting the name of the setting it came from, so the error message says what to fix
     */
    static RedisEndpoint parse(String url, String setting) {
        URI parsed;
        try {
            parsed = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(setting + " is not a valid URL (expected redis://host:port)", e);
        }
        if (!"redis".equalsIgnoreCase(parsed.getScheme())) {
            throw new IllegalArgumentException(setting + " must be a redis://host:port URL (TLS is not supported by"
                    + " the test kit), was scheme " + parsed.getScheme());
        }
        String host = parsed.getHost();
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException(setting + " has no host (expected redis://host:port)");
        }
        int port = parsed.getPort() == -1 ? DEFAULT_PORT : parsed.getPort();
        String username = null;
        String password = null;
        String userInfo = parsed.getUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            if (colon < 0) {
                // redis://secret@host is the common shorthand for a password without a user.
                password = userInfo;
            } else {
                String user = userInfo.substring(0, colon);
                username = user.isEmpty() ? null : user;
                password = userInfo.substring(colon + 1);
            }
        }
        return new RedisEndpoint(host, port, username, password, url.trim());
    }

    /** The address without credentials, for logs and messages. */
    String redacted() {
        return "redis://" + host + ":" + port;
    }

    @Override
    public String toString() {
        return "RedisEndpoint[" + redacted() + (password == null ? "" : ", password=***") + "]";
    }
}
