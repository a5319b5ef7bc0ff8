package dev.meet.core.webhooks;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of a test send ({@code POST /webhooks/{id}/test}).
 *
 * @param delivered whether the target answered 2xx
 * @param statusCode its HTTP status, null when there was no answer
 * @param error why it was not delivered, null when it was
 * @param elapsedMillis how long the attempt took
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WebhookTestResult(boolean delivered, @Nullable Integer statusCode, @Nullable String error,
    long elapsedMillis) { }
