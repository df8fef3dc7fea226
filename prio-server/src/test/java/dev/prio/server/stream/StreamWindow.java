package dev.prio.server.stream;

import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import dev.prio.core.snip.PrioClient;
import dev.prio.server.pair.Generated;
import dev.prio.server.pair.ServerPair;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * One window's generated submissions (their true sums in {@code gen}) and the messages carrying
 * them to each server, as a client publishes them: one message per share, with the batch id, the
 * submission id, the server and the submission date as attributes, and for a window within the day
 * the submission time too (the same on both shares: a second apart per submission from the start).
 */
public record StreamWindow(
    String date, Generated gen, int count, Map<ServerId, List<PubsubMessage>> messages) {

  /** {@code count} valid submissions; ndjson lines in the message data, or the raw ciphertexts. */
  public static StreamWindow generate(
      ServerPair.Keys keys,
      String batchId,
      int nData,
      String date,
      int count,
      boolean asLines,
      long seed) {
    return generate(keys, batchId, nData, date, null, count, asLines, seed);
  }

  /** As above; {@code start} (or null: no submission_time) times the submissions from there. */
  static StreamWindow generate(
      ServerPair.Keys keys,
      String batchId,
      int nData,
      String date,
      Instant start,
      int count,
      boolean asLines,
      long seed) {
    Generated gen = new Generated(keys, PrioConfig.of(nData, batchId), seed);
    Map<ServerId, List<PubsubMessage>> messages =
        Map.of(ServerId.A, new ArrayList<>(), ServerId.B, new ArrayList<>());
    for (int i = 0; i < count; i++) {
      String id = UUID.randomUUID().toString();
      PrioClient.Submission s = gen.valid(id);
      for (ServerId server : ServerId.values()) {
        byte[] cipher = server == ServerId.A ? s.forA() : s.forB();
        byte[] data = asLines ? line(id, cipher).getBytes(StandardCharsets.UTF_8) : cipher;
        PubsubMessage.Builder m =
            PubsubMessage.newBuilder()
                .setData(ByteString.copyFrom(data))
                .putAttributes("batch_id", batchId)
                .putAttributes("id", id)
                .putAttributes("server", server.name().toLowerCase(Locale.ROOT))
                .putAttributes("submission_date", date);
        if (start != null) {
          m.putAttributes("submission_time", start.plusSeconds(i).toString());
        }
        messages.get(server).add(m.build());
      }
    }
    return new StreamWindow(date, gen, count, messages);
  }

  /** Every tenth of server s's messages: what a test publishes a second time. */
  public List<PubsubMessage> everyTenth(ServerId s) {
    List<PubsubMessage> out = new ArrayList<>();
    for (int i = 0; i < messages.get(s).size(); i += 10) {
      out.add(messages.get(s).get(i));
    }
    return out;
  }

  /** The first {@code n} submissions as the ndjson lines server s stages. */
  String firstLines(ServerId s, int n) {
    StringBuilder sb = new StringBuilder();
    for (PubsubMessage m : messages.get(s).subList(0, n)) {
      sb.append(line(m.getAttributesOrThrow("id"), m.getData().toByteArray())).append('\n');
    }
    return sb.toString();
  }

  private static String line(String id, byte[] cipher) {
    return "{\"id\": \""
        + id
        + "\", \"payload\": \""
        + Base64.getEncoder().encodeToString(cipher)
        + "\"}";
  }
}
