package dev.meet.app.webhooks;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.meet.app.web.ApiError;
import dev.meet.app.web.ApiException;
import dev.meet.app.web.Params;
import dev.meet.app.web.PublicUrls;
import dev.meet.core.webhooks.Delivery;
import dev.meet.core.webhooks.WebhookDispatcher;
import dev.meet.core.webhooks.WebhookException;
import dev.meet.core.webhooks.WebhookTarget;
import dev.meet.core.webhooks.WebhookTargetSpec;
import dev.meet.core.webhooks.WebhookTargets;
import dev.meet.core.webhooks.WebhookTestResult;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.redisson.api.RedissonClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code {base}/api/v1/webhooks}: the webhooks this backend sends (OpenVidu Meet 3.9's resource), with each one's
 * deliveries, a test call and redelivery of a failed delivery. The configured {@code MEET_WEBHOOK_URL} is listed as
 * {@code default} and changes only with the configuration.
 */
@RestController
@RequestMapping("${meet.backend.api-prefix:/meet/api/v1}/webhooks")
@Tag(name = "Webhooks")
@SecurityRequirement(name = "apiKey")
public class WebhookController {

  private final WebhookTargets targets;
  private final WebhookDispatcher dispatcher;
  private final PublicUrls urls;
  /** The error name of an unreachable store: the starter keeps webhooks in Redis when there is one. */
  private final String storeError;

  public WebhookController(WebhookTargets targets, WebhookDispatcher dispatcher, PublicUrls urls,
      ObjectProvider<RedissonClient> redis) {
    this.targets = targets;
    this.dispatcher = dispatcher;
    this.urls = urls;
    this.storeError = redis.getIfAvailable() != null ? "Redis Error" : "Storage Error";
  }

  @Operation(summary = "Register a webhook")
  @ApiResponse(responseCode = "201", description = "The webhook; Location names it")
  @ApiResponse(responseCode = "409", description = "20 webhooks are registered already",
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  @PostMapping(consumes = "application/json")
  public ResponseEntity<WebhookTarget> create(@RequestBody(required = false) @Nullable WebhookRequest request) {
    WebhookTargetSpec spec = spec(request);
    WebhookTarget created = call(() -> targets.create(spec)).orElseThrow(() -> new ApiException(409,
        "Webhook Limit Reached", "At most " + WebhookTargets.MAX_TARGETS + " webhooks can be registered; delete one "
            + "first"));
    return ResponseEntity.created(URI.create(urls.api() + "/webhooks/" + created.webhookId())).body(created);
  }

  @Operation(summary = "List the webhooks, the configured MEET_WEBHOOK_URL ('default') first")
  @ApiResponse(responseCode = "200", description = "Every webhook")
  @GetMapping
  public WebhookList list() {
    return new WebhookList(call(targets::all));
  }

  @Operation(summary = "Get a webhook")
  @ApiResponse(responseCode = "200", description = "The webhook")
  @ApiResponse(responseCode = "404", description = "Webhook 'x' does not exist",
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  @GetMapping("/{webhookId}")
  public WebhookTarget get(@PathVariable String webhookId) {
    String id = webhookId.strip();
    return call(() -> targets.find(id)).orElseThrow(() -> notFound(id));
  }

  @Operation(summary = "Replace what a registered webhook receives")
  @ApiResponse(responseCode = "200", description = "The updated webhook")
  @ApiResponse(responseCode = "404", description = "Webhook 'x' does not exist",
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  @PutMapping(path = "/{webhookId}", consumes = "application/json")
  public WebhookTarget update(@PathVariable String webhookId,
      @RequestBody(required = false) @Nullable WebhookRequest request) {
    String id = requireRegistered(webhookId);
    WebhookTargetSpec spec = spec(request);
    return call(() -> targets.update(id, spec)).orElseThrow(() -> notFound(id));
  }

  @Operation(summary = "Delete a registered webhook; its pending deliveries fail with 'webhook deleted'")
  @ApiResponse(responseCode = "204", description = "Deleted")
  @ApiResponse(responseCode = "404", description = "Webhook 'x' does not exist",
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  @DeleteMapping("/{webhookId}")
  public ResponseEntity<Void> delete(@PathVariable String webhookId) {
    String id = requireRegistered(webhookId);
    if (!call(() -> targets.delete(id))) {
      throw notFound(id);
    }
    return ResponseEntity.noContent().build();
  }

  @Operation(summary = "Send one signed {\"event\":\"webhookTest\"} to the webhook now and say how it answered")
  @ApiResponse(responseCode = "200", description = "The attempt's outcome (delivered or not)")
  @ApiResponse(responseCode = "404", description = "Webhook 'x' does not exist",
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  @PostMapping("/{webhookId}/test")
  public WebhookTestResult test(@PathVariable String webhookId) {
    String id = webhookId.strip();
    return call(() -> dispatcher.test(id)).orElseThrow(() -> notFound(id));
  }

  @Operation(summary = "The webhook's deliveries, newest first: pending, failed and the last delivered ones")
  @ApiResponse(responseCode = "200", description = "The deliveries")
  @ApiResponse(responseCode = "404", description = "Webhook 'x' does not exist",
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  @GetMapping("/{webhookId}/deliveries")
  public DeliveryList deliveries(@PathVariable String webhookId,
      @RequestParam(required = false) @Nullable String maxItems) {
    String id = webhookId.strip();
    int max = Params.maxItems(maxItems);
    call(() -> targets.find(id)).orElseThrow(() -> notFound(id));
    return new DeliveryList(call(() -> dispatcher.deliveries(id, max)).stream().map(DeliveryView::of).toList());
  }

  @Operation(summary = "Deliver again: back to pending after what is pending in its stream, with a fresh retry budget")
  @ApiResponse(responseCode = "200", description = "The delivery, pending")
  @ApiResponse(responseCode = "404", description = "Webhook 'x' or delivery 'y' does not exist",
      content = @Content(schema = @Schema(implementation = ApiError.class)))
  @PostMapping("/{webhookId}/deliveries/{deliveryId}/redeliver")
  public DeliveryView redeliver(@PathVariable String webhookId, @PathVariable String deliveryId) {
    String id = webhookId.strip();
    String delivery = deliveryId.strip();
    boolean ours = call(() -> dispatcher.delivery(delivery)).filter(d -> d.webhookId().equals(id)).isPresent();
    if (!ours) {
      throw new ApiException(404, "Not Found", "Delivery '" + delivery + "' of webhook '" + id + "' does not exist");
    }
    return call(() -> dispatcher.redeliver(delivery)).map(DeliveryView::of).orElseThrow(() -> new ApiException(404,
        "Not Found", "Delivery '" + delivery + "' of webhook '" + id + "' does not exist"));
  }

  private static WebhookTargetSpec spec(@Nullable WebhookRequest request) {
    if (request == null) {
      throw ApiException.invalid("url", "url is required");
    }
    if (request.url() == null || request.url().isBlank()) {
      throw ApiException.invalid("url", "url is required");
    }
    try {
      return new WebhookTargetSpec(request.url().strip(), request.events(),
          request.roomId() == null ? null : request.roomId().strip(), request.enabled());
    } catch (IllegalArgumentException e) {
      // The spec's messages start with the field: "url must ...", "events[1] must be one of ...".
      String message = String.valueOf(e.getMessage());
      int space = message.indexOf(' ');
      throw ApiException.invalid(space > 0 ? message.substring(0, space) : "body", message);
    }
  }

  private static String requireRegistered(String webhookId) {
    String id = webhookId.strip();
    if (WebhookTargets.FIXED_ID.equals(id)) {
      throw ApiException.invalid("webhookId", "webhookId 'default' is the configured MEET_WEBHOOK_URL; change it "
          + "in the configuration");
    }
    return id;
  }

  private static ApiException notFound(String webhookId) {
    return new ApiException(404, "Not Found", "Webhook '" + webhookId + "' does not exist");
  }

  /** The target store or outbox (Redis, the data directory) is unreachable: 503 naming it, nothing changed. */
  private <T> T call(Supplier<T> action) {
    try {
      return action.get();
    } catch (WebhookException e) {
      throw new ApiException(503, storeError, "Webhook store unavailable: " + e.getMessage());
    }
  }

  /**
   * A webhook to register or the new state of one.
   *
   * @param url where to POST: http(s), no user name or password, no fragment
   * @param events the events it wants (none = all)
   * @param roomId only events of this room when set
   * @param enabled true when absent
   */
  public record WebhookRequest(@Nullable String url, @Nullable List<String> events, @Nullable String roomId,
      @Nullable Boolean enabled) {}

  /** Every webhook. */
  public record WebhookList(List<WebhookTarget> webhooks) {}

  /** Deliveries, newest first. */
  public record DeliveryList(List<DeliveryView> deliveries) {}

  /**
   * One event on its way to one webhook.
   *
   * @param deliveryId the id to redeliver it with
   * @param eventId the event's id (the X-Event-Id header)
   * @param event the event name
   * @param status pending, delivered or failed
   * @param attempts attempts made so far
   * @param creationDate when it entered the outbox (ms)
   * @param lastAttemptAt when the last attempt started (ms)
   * @param lastStatusCode the last answer's HTTP status, absent when there was none
   * @param lastError why the last attempt did not deliver
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record DeliveryView(String deliveryId, String webhookId, String eventId, String event, String status,
      int attempts, long creationDate, @Nullable Long lastAttemptAt, @Nullable Integer lastStatusCode,
      @Nullable String lastError) {
    static DeliveryView of(Delivery d) {
      return new DeliveryView(d.deliveryId(), d.webhookId(), d.event().eventId(), d.event().type().value(),
          d.status().value(), d.attempts(), d.enqueuedAt(), d.lastAttemptAt(), d.lastStatusCode(), d.lastError());
    }
  }
}
