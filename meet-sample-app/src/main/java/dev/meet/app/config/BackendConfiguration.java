package dev.meet.app.config;

import dev.meet.app.recordings.StopGuard;
import dev.meet.app.rooms.LiveKitRooms;
import dev.meet.app.rooms.LocalRoomStore;
import dev.meet.app.rooms.RoomCollector;
import dev.meet.app.rooms.RoomPolicies;
import dev.meet.app.rooms.RoomService;
import dev.meet.app.rooms.RoomStatusListener;
import dev.meet.app.rooms.RoomStore;
import dev.meet.app.rooms.S3RoomStore;
import dev.meet.app.web.ApiKeyFilter;
import dev.meet.app.web.BodyLimitFilter;
import dev.meet.app.web.JsonWriter;
import dev.meet.app.web.LiveKitWebhookController;
import dev.meet.app.web.PublicUrls;
import dev.meet.autoconfigure.MeetProperties;
import dev.meet.autoconfigure.MeetWebhooksProperties;
import dev.meet.core.engine.RecordingManager;
import dev.meet.core.webhooks.WebhookSettings;
import dev.meet.core.livekit.LiveKitGateway;
import dev.meet.core.livekit.LiveKitSettings;
import dev.meet.core.livekit.RoomPolicy;
import dev.meet.core.lock.RecordingLockProvider;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.time.Clock;
import org.redisson.api.RedissonClient;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.json.JsonMapper;

/** The backend's beans on top of the starter's: rooms, filters, the webhook endpoint, embedded defaults. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ApiProperties.class, BackendProperties.class})
public class BackendConfiguration {

  // ------------------------------------------------------------------------------------------ embedded LiveKit

  @Bean(destroyMethod = "close")
  @ConditionalOnProperty(name = OpenViduEnvironment.EMBEDDED_LIVEKIT, havingValue = "true")
  EmbeddedLiveKit embeddedLiveKit(BackendProperties backend, MeetProperties meet) {
    return new EmbeddedLiveKit(backend.emulatorPort(), meet.livekit().apiKey(), meet.livekit().apiSecret(),
        meet.storage().localDirectory());
  }

  /** With the emulator, the starter's LiveKit settings are the emulator's (its port may be chosen at start). */
  @Bean
  @ConditionalOnProperty(name = OpenViduEnvironment.EMBEDDED_LIVEKIT, havingValue = "true")
  LiveKitSettings embeddedLiveKitSettings(EmbeddedLiveKit emulator, MeetProperties meet) {
    return new LiveKitSettings(emulator.url(), meet.livekit().apiKey(), meet.livekit().apiSecret(),
        meet.livekit().callTimeout());
  }

  @Bean
  EmbeddedSummary embeddedSummary(ObjectProvider<EmbeddedLiveKit> liveKit, RecordingLockProvider locks,
      MeetProperties meet) {
    return new EmbeddedSummary(liveKit.getIfAvailable(), locks, meet);
  }

  /** Concurrent stops of one recording: through Redis when the instances share one, else in memory. */
  @Bean
  StopGuard stopGuard(ObjectProvider<RedissonClient> redis) {
    RedissonClient client = redis.getIfAvailable();
    return client == null ? StopGuard.inMemory() : StopGuard.redis(client, java.time.Duration.ofSeconds(30));
  }

  // ------------------------------------------------------------------------------------------ rooms

  /**
   * Rooms in the bucket, cached in Redis when the instances share one (a write holds the room in Redis for up to three
   * S3 call timeouts); else in the local directory.
   */
  @Bean
  RoomStore roomStore(MeetProperties meet, ObjectProvider<S3Client> s3, ObjectProvider<RedissonClient> redis,
      JsonMapper json) {
    String bucket = meet.storage().s3().bucket();
    if (bucket != null && !bucket.isBlank()) {
      RedissonClient client = redis.getIfAvailable();
      return client == null ? new S3RoomStore(s3.getObject(), bucket, meet.storage().prefix(), json)
          : S3RoomStore.cachedInRedis(s3.getObject(), bucket, meet.storage().prefix(), json, client,
              meet.storage().s3().callTimeout().multipliedBy(3));
    }
    return new LocalRoomStore(meet.storage().localDirectory(), meet.storage().prefix(), json);
  }

  @Bean
  RoomPolicy backendRoomPolicy(RoomStore rooms, LiveKitGateway gateway) {
    return new RoomPolicies(rooms, gateway);
  }

  @Bean
  LiveKitRooms liveKitRooms(LiveKitSettings settings) {
    return new LiveKitRooms(settings);
  }

  @Bean
  RoomService roomService(RoomStore store, LiveKitRooms liveKitRooms, RecordingManager recordings) {
    return new RoomService(store, liveKitRooms, recordings, Clock.systemUTC());
  }

  @Bean(destroyMethod = "close")
  RoomCollector roomCollector(RoomService rooms, RecordingLockProvider locks, RecordingManager recordings,
      BackendProperties backend) {
    return new RoomCollector(rooms, locks, recordings.instanceId(), backend.roomCollectorInterval());
  }

  // ------------------------------------------------------------------------------------------ web

  @Bean
  PublicUrls publicUrls(ApiProperties api, BackendProperties backend) {
    return new PublicUrls(api, backend);
  }

  @Bean
  JsonWriter jsonWriter(JsonMapper json) {
    return new JsonWriter(json);
  }

  @Bean
  String meetApiKey(ApiProperties api, BackendProperties backend) {
    return ApiKeys.resolve(api.key(), backend.dataDir());
  }

  /** Webhooks are signed with the API key (OpenVidu Meet's receivers check that), generated or configured. */
  @Bean
  WebhookSettings meetWebhookSettings(MeetWebhooksProperties webhooks, String meetApiKey) {
    return webhooks.toSettings(meetApiKey);
  }

  @Bean
  FilterRegistrationBean<BodyLimitFilter> bodyLimitFilter(ApiProperties api, JsonWriter json) {
    FilterRegistrationBean<BodyLimitFilter> registration = new FilterRegistrationBean<>(
        new BodyLimitFilter(api.apiPrefix() + "/", BodyLimitFilter.DEFAULT_LIMIT, json));
    registration.setOrder(1);
    return registration;
  }

  @Bean
  FilterRegistrationBean<BodyLimitFilter> webhookBodyLimitFilter(JsonWriter json) {
    FilterRegistrationBean<BodyLimitFilter> registration = new FilterRegistrationBean<>(
        new BodyLimitFilter(LiveKitWebhookController.PATH, LiveKitWebhookController.MAX_BODY_BYTES, json));
    registration.setOrder(1);
    return registration;
  }

  @Bean
  FilterRegistrationBean<ApiKeyFilter> apiKeyFilter(ApiProperties api, String meetApiKey, JsonWriter json) {
    FilterRegistrationBean<ApiKeyFilter> registration = new FilterRegistrationBean<>(
        new ApiKeyFilter(api.apiPrefix(), meetApiKey, json));
    registration.setOrder(2);
    return registration;
  }

  @Bean
  LiveKitWebhookController liveKitWebhookController(RecordingManager recordings) {
    return new LiveKitWebhookController(recordings);
  }

  /** Collected by the starter's recording manager, which hands it every webhook it has verified. */
  @Bean
  RoomStatusListener roomStatusListener(ObjectProvider<RoomService> rooms) {
    return new RoomStatusListener(rooms::getObject);
  }

  /**
   * The errors every API operation may answer, added to each operation once here instead of on every controller:
   * 401 (key), 422 (validation), 500 (unexpected) and 503 (a dependency is down).
   */
  @Bean
  OperationCustomizer commonErrors() {
    return (operation, handler) -> {
      ApiResponses responses = operation.getResponses();
      common(responses, "401", "Missing or wrong X-API-KEY");
      common(responses, "422", "Invalid request; details name the fields");
      common(responses, "500", "Unexpected error");
      common(responses, "503", "A dependency (Redis, storage, LiveKit) is unavailable; the message names it");
      return operation;
    };
  }

  private static void common(ApiResponses responses, String status, String description) {
    if (!responses.containsKey(status)) {
      responses.addApiResponse(status, new ApiResponse().description(description).content(new Content()
          .addMediaType("application/json", new MediaType().schema(new Schema<>().$ref("#/components/schemas/Error")))));
    }
  }

  @Bean
  OpenAPI meetOpenApi() {
    return new OpenAPI()
        .info(new Info().title("meet backend: OpenVidu Meet REST API (rooms and recordings)").version("v1")
            .description("A drop-in backend for OpenVidu Meet's REST API v1. Every call carries X-API-KEY."))
        .components(new Components().addSecuritySchemes("apiKey", new SecurityScheme()
            .type(SecurityScheme.Type.APIKEY).in(SecurityScheme.In.HEADER).name("X-API-KEY")));
  }
}
