package dev.meet.benchmarks;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.BiFunction;
import livekit.LivekitEgress.EgressInfo;
import livekit.LivekitEgress.EgressStatus;
import livekit.LivekitEgress.EncodedFileOutput;
import livekit.LivekitEgress.EncodedFileType;
import livekit.LivekitEgress.EncodingOptionsPreset;
import livekit.LivekitEgress.FileInfo;
import livekit.LivekitEgress.RoomCompositeEgressRequest;
import livekit.LivekitModels.Room;
import livekit.LivekitWebhook.WebhookEvent;

/**
 * A webhook as LiveKit sends it: the protobuf JSON body of a {@link WebhookEvent} and the bare HS256 JWT of the
 * {@code Authorization} header, with {@code iss}, {@code nbf}, {@code exp} and {@code sha256} of the body.
 *
 * @param body the raw body
 * @param authorization the header value
 */
record SignedWebhook(byte[] body, String authorization) {

  private static final JsonFormat.Printer JSON = JsonFormat.printer().omittingInsignificantWhitespace();

  /**
   * The four webhooks of one recording egress, in LiveKit's order: {@code egress_started} (STARTING),
   * {@code egress_updated} (ACTIVE, then ENDING), {@code egress_ended} (COMPLETE with its file).
   *
   * @param mediaPath where our storage asks the egress to write a room's media for a uid (without {@code .mp4})
   */
  static List<SignedWebhook> recordingLifecycle(String apiKey, String apiSecret, String roomId, String egressId,
      String uid, BiFunction<String, String, String> mediaPath) {
    String filepath = mediaPath.apply(roomId, uid);
    long startNanos = System.currentTimeMillis() * 1_000_000L;
    RoomCompositeEgressRequest request = RoomCompositeEgressRequest.newBuilder()
        .setRoomName(roomId)
        .setLayout("grid")
        .setPreset(EncodingOptionsPreset.H264_720P_30)
        .addFileOutputs(EncodedFileOutput.newBuilder().setFileType(EncodedFileType.MP4).setFilepath(filepath))
        .build();
    EgressInfo.Builder base = EgressInfo.newBuilder()
        .setEgressId(egressId)
        .setRoomId("RM_" + uid)
        .setRoomName(roomId)
        .setRoomComposite(request)
        .setStartedAt(startNanos);
    List<SignedWebhook> out = new ArrayList<>(4);
    out.add(sign(apiKey, apiSecret, "egress_started",
        base.clone().setStatus(EgressStatus.EGRESS_STARTING).setUpdatedAt(startNanos + 1).build()));
    out.add(sign(apiKey, apiSecret, "egress_updated",
        base.clone().setStatus(EgressStatus.EGRESS_ACTIVE).setUpdatedAt(startNanos + 2).build()));
    out.add(sign(apiKey, apiSecret, "egress_updated",
        base.clone().setStatus(EgressStatus.EGRESS_ENDING).setUpdatedAt(startNanos + 3).build()));
    out.add(sign(apiKey, apiSecret, "egress_ended", base.clone()
        .setStatus(EgressStatus.EGRESS_COMPLETE)
        .setUpdatedAt(startNanos + 4)
        .setEndedAt(startNanos + 4)
        .setDetails("End reason: StopEgress API")
        .addFileResults(FileInfo.newBuilder()
            .setFilename(filepath + ".mp4")
            .setLocation(filepath + ".mp4")
            .setSize(1_234_567)
            .setDuration(60_000_000_000L)
            .setStartedAt(startNanos)
            .setEndedAt(startNanos + 4))
        .build()));
    return out;
  }

  static SignedWebhook sign(String apiKey, String apiSecret, String eventName, EgressInfo info) {
    WebhookEvent event = WebhookEvent.newBuilder()
        .setEvent(eventName)
        .setId("EV_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12))
        .setCreatedAt(Instant.now().getEpochSecond())
        .setEgressInfo(info)
        .setRoom(Room.newBuilder().setName(info.getRoomName()).setSid(info.getRoomId()))
        .build();
    byte[] body;
    try {
      body = JSON.print(event).getBytes(StandardCharsets.UTF_8);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
    Instant now = Instant.now();
    String token = JWT.create()
        .withIssuer(apiKey)
        .withNotBefore(now)
        .withExpiresAt(now.plusSeconds(300))
        .withClaim("sha256", sha256Base64(body))
        .sign(Algorithm.HMAC256(apiSecret));
    return new SignedWebhook(body, token);
  }

  private static String sha256Base64(byte[] body) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
