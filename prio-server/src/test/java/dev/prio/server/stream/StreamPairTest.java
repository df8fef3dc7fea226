package dev.prio.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import dev.prio.core.snip.PrioClient;
import dev.prio.server.pair.Generated;
import dev.prio.server.pair.ServerPair;
import dev.prio.server.pair.Staging;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streaming mode end to end: submissions for two windows (two submission dates) published to the
 * Pub/Sub emulator, on each server's own subscription, with every tenth message published twice and
 * some already staged by an earlier process that died before acknowledging them (so they arrive
 * again). A closes each window by itself and runs it as a batch; each must publish its true sums,
 * every submission counted once.
 */
class StreamPairTest {
  private static final String BATCH = "content.blocking_blocked-0";
  private static final int N_DATA = 16;

  @TempDir Path work;

  /** One window's generated submissions, and the messages carrying them to each server. */
  private record Window(
      String date, Generated gen, int count, Map<ServerId, List<PubsubMessage>> messages) {}

  @Test
  void twoWindowsPublishTheirTrueSumsWithRedeliveredAndDuplicatedMessages() throws Exception {
    ServerPair.Keys keys = Generated.newKeys();
    PubsubEmulator pubsub = PubsubEmulator.get();
    String run = UUID.randomUUID().toString().substring(0, 8);
    Map<ServerId, String> topic = Map.of(ServerId.A, "subs-a-" + run, ServerId.B, "subs-b-" + run);
    topic.values().forEach(pubsub::topicWithSubscription);

    Window first = window(keys, "2026-11-01", 60, false, 1);
    Window second = window(keys, "2026-11-02", 45, true, 2);
    try (ServerPair pair =
        new ServerPair(
                work, keys, "[{\"batch_id\": \"" + BATCH + "\", \"n_data\": " + N_DATA + "}]")
            .with("prio.batch.min-batch-size", "10")
            .with("prio.stream.enabled", "true")
            .with("prio.stream.project", PubsubEmulator.PROJECT)
            .with("prio.stream.emulator-host", pubsub.host())
            .with("prio.stream.segment-max-submissions", "16")
            .with("prio.stream.flush-interval", "200ms")
            .with("prio.stream.close-after", "0s")
            .with("prio.stream.quiet-period", "3s")
            .withRole(ServerId.A, "prio.stream.subscription", topic.get(ServerId.A))
            .withRole(ServerId.B, "prio.stream.subscription", topic.get(ServerId.B))) {
      for (ServerId s : ServerId.values()) {
        // An earlier ingester staged the first window's first five submissions and died before
        // acknowledging them: Pub/Sub delivers them again below.
        Staging.write(
            pair.root(s), first.date(), BATCH, s, "stream-earlier.ndjson", firstLines(first, s, 5));
        for (Window w : List.of(first, second)) {
          pubsub.publish(topic.get(s), w.messages().get(s));
          // every tenth message published a second time
          List<PubsubMessage> again = new ArrayList<>();
          for (int i = 0; i < w.messages().get(s).size(); i += 10) {
            again.add(w.messages().get(s).get(i));
          }
          pubsub.publish(topic.get(s), again);
        }
      }
      pair.start();
      for (Window w : List.of(first, second)) {
        String a = pair.awaitTerminal(ServerId.A, BATCH, w.date(), Duration.ofMinutes(3));
        assertThat(ServerPair.phase(a)).as(a).isEqualTo("PUBLISHED");
        String published = Staging.published(pair.root(ServerId.A), w.date(), BATCH);
        assertThat(published)
            .contains("\"payload\":" + w.gen().expectedPayload())
            .contains("\"error\":0,\"total\":" + w.count());
        assertThat(Staging.published(pair.root(ServerId.B), w.date(), BATCH)).isEqualTo(published);
      }
    }
  }

  /**
   * {@code count} valid submissions dated {@code date}; as ndjson lines in the message data, or as
   * the raw ciphertexts.
   */
  private Window window(ServerPair.Keys keys, String date, int count, boolean asLines, long seed) {
    Generated gen = new Generated(keys, PrioConfig.of(N_DATA, BATCH), seed);
    Map<ServerId, List<PubsubMessage>> messages =
        Map.of(ServerId.A, new ArrayList<>(), ServerId.B, new ArrayList<>());
    for (int i = 0; i < count; i++) {
      String id = UUID.randomUUID().toString();
      PrioClient.Submission s = gen.valid(id);
      for (ServerId server : ServerId.values()) {
        byte[] cipher = server == ServerId.A ? s.forA() : s.forB();
        byte[] data = asLines ? line(id, cipher).getBytes(StandardCharsets.UTF_8) : cipher;
        messages
            .get(server)
            .add(
                PubsubMessage.newBuilder()
                    .setData(ByteString.copyFrom(data))
                    .putAttributes("batch_id", BATCH)
                    .putAttributes("id", id)
                    .putAttributes("server", server.name().toLowerCase(Locale.ROOT))
                    .putAttributes("submission_date", date)
                    .build());
      }
    }
    return new Window(date, gen, count, messages);
  }

  /** The first {@code n} submissions of a window as the ndjson lines server s stages. */
  private static String firstLines(Window w, ServerId s, int n) {
    StringBuilder sb = new StringBuilder();
    for (PubsubMessage m : w.messages().get(s).subList(0, n)) {
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
