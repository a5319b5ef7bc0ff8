package dev.meet.testkit.s3;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Method;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects an {@link S3Server} with a fresh, empty bucket into test constructors, lifecycle methods and test
 * methods.
 *
 * <p>The S3 server is s3proxy running in this JVM on 127.0.0.1 (a real S3 HTTP API with SigV4 authentication and
 * in-memory storage), started once for the test run (about 1 s cold, mostly class loading; 10 ms warm) and
 * stopped when the run ends. Each test gets its own bucket, named after the test and deleted after it; the same
 * test's {@code @BeforeEach} and test method see the same bucket.
 *
 * <p>A parameter annotated {@link Private @Private} gets a server of its own, which the test may
 * {@link S3Server#stop() stop} and {@link S3Server#start() start} on the same port.
 *
 * <p>Needs {@code jakarta.servlet-api} on the test classpath (s3proxy's shaded Jetty uses the unshaded servlet
 * API); Spring Boot web tests already have it through Tomcat.
 */
public final class S3ProxyExtension implements BeforeAllCallback, ParameterResolver {

    /** Asks for a restartable server used by this test (or class) alone. */
    @Documented
    @Target(ElementType.PARAMETER)
    @Retention(RetentionPolicy.RUNTIME)
    public @interface Private {
    }

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(S3ProxyExtension.class);

    /** Starts the shared server up front, so its start-up time and any failure belong to the class, not a test. */
    @Override
    public void beforeAll(ExtensionContext context) {
        shared(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == S3Server.class;
    }

    @Override
    public S3Server resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        boolean isPrivate = parameterContext.isAnnotated(Private.class);
        String hint = extensionContext.getTestMethod().map(Method::getName)
                .orElseGet(() -> extensionContext.getRequiredTestClass().getSimpleName());
        // Keyed by this context's id: a store lookup falls back to the parent context, which would hand the
        // class's bucket to every test.
        String key = (isPrivate ? "private:" : "bucket:") + extensionContext.getUniqueId();
        return extensionContext.getStore(NAMESPACE).computeIfAbsent(key,
                k -> isPrivate ? S3Server.startPrivate(hint) : S3Server.withNewBucket(shared(extensionContext), hint),
                S3Server.class);
    }

    private static S3ProxyServer shared(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .computeIfAbsent(S3ProxyServer.class, key -> S3Server.startShared(), S3ProxyServer.class);
    }
}
