package dev.meet.autoconfigure;

import java.nio.charset.StandardCharsets;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The webhook endpoint of reactive applications: the same contract as {@link LiveKitWebhookServlet} (raw body bytes,
 * 200/401/503, 413 past 1 MB). Handling a webhook reads and writes Redis and storage with blocking clients, so it runs
 * on the bounded-elastic scheduler, never on an event-loop thread.
 */
final class LiveKitWebhookRouter {

  private LiveKitWebhookRouter() {}

  static RouterFunction<ServerResponse> route(String path, LiveKitWebhookHandler handler) {
    return RouterFunctions.route(RequestPredicates.POST(path), request -> handle(request, handler));
  }

  private static Mono<ServerResponse> handle(ServerRequest request, LiveKitWebhookHandler handler) {
    String authorization = request.headers().firstHeader("Authorization");
    return DataBufferUtils.join(request.body(BodyExtractors.toDataBuffers()), LiveKitWebhookHandler.MAX_BODY_BYTES)
        .map(LiveKitWebhookRouter::bytes)
        .defaultIfEmpty(new byte[0])
        .publishOn(Schedulers.boundedElastic())
        .map(body -> handler.handle(body, authorization))
        .flatMap(outcome -> answer(outcome.httpStatus(), outcome.message()))
        .onErrorResume(DataBufferLimitException.class, e -> answer(413,
            "webhook body larger than " + LiveKitWebhookHandler.MAX_BODY_BYTES + " bytes"));
  }

  private static byte[] bytes(DataBuffer buffer) {
    try {
      byte[] bytes = new byte[buffer.readableByteCount()];
      buffer.read(bytes);
      return bytes;
    } finally {
      DataBufferUtils.release(buffer);
    }
  }

  private static Mono<ServerResponse> answer(int status, String message) {
    return ServerResponse.status(status).contentType(new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8))
        .bodyValue(message);
  }
}
