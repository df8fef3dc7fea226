package dev.prio.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.packet.ServerId;
import dev.prio.server.pair.Generated;
import dev.prio.server.pair.ServerPair;
import dev.prio.server.pair.Staging;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streaming mode end to end: submissions for two windows (two submission dates) published to the
 * Pub/Sub emulator, on each server's own subscription, with every tenth message published twice and
 * some already staged by an earlier process that died before acknowledging them (so they arrive
 * again). A closes each window by itself and runs it as a batch; each must publish its true sums,
 * every submission counted once, and A then drops the windows' markers.
 */
class StreamPairTest {
  private static final String BATCH = "content.blocking_blocked-0";
  private static final int N_DATA = 16;

  @TempDir Path work;

  @Test
  void twoWindowsPublishTheirTrueSumsWithRedeliveredAndDuplicatedMessages() throws Exception {
    ServerPair.Keys keys = Generated.newKeys();
    PubsubEmulator pubsub = PubsubEmulator.get();
    String run = UUID.randomUUID().toString().substring(0, 8);
    Map<ServerId, String> topic = Map.of(ServerId.A, "subs-a-" + run, ServerId.B, "subs-b-" + run);
    topic.values().forEach(pubsub::topicWithSubscription);

    StreamWindow first = StreamWindow.generate(keys, BATCH, N_DATA, "2026-11-01", 60, false, 1);
    StreamWindow second = StreamWindow.generate(keys, BATCH, N_DATA, "2026-11-02", 45, true, 2);
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
            // at least flush-interval + the 10 s ack deadline + a takeover of the ingest lease
            .with("prio.stream.quiet-period", "14s")
            .with("prio.lease.duration", "3s")
            .withRole(ServerId.A, "prio.stream.subscription", topic.get(ServerId.A))
            .withRole(ServerId.B, "prio.stream.subscription", topic.get(ServerId.B))) {
      for (ServerId s : ServerId.values()) {
        // An earlier ingester staged the first window's first five submissions and died before
        // acknowledging them: Pub/Sub delivers them again below.
        Staging.write(
            pair.root(s), first.date(), BATCH, s, "stream-earlier.ndjson", first.firstLines(s, 5));
        for (StreamWindow w : List.of(first, second)) {
          pubsub.publish(topic.get(s), w.messages().get(s));
          pubsub.publish(topic.get(s), w.everyTenth(s));
        }
      }
      pair.start();
      for (StreamWindow w : List.of(first, second)) {
        String a = pair.awaitTerminal(ServerId.A, BATCH, w.date(), Duration.ofMinutes(3));
        assertThat(ServerPair.phase(a)).as(a).isEqualTo("PUBLISHED");
        String published = Staging.published(pair.root(ServerId.A), w.date(), BATCH);
        assertThat(published)
            .contains("\"payload\":" + w.gen().expectedPayload())
            .contains("\"error\":0,\"total\":" + w.count());
        assertThat(Staging.published(pair.root(ServerId.B), w.date(), BATCH)).isEqualTo(published);
      }
      // Both windows' batches exist: A lists their markers no more.
      Path markers = pair.root(ServerId.A).resolve("prio/v1/stream/windows/server_id=a");
      try (Stream<Path> left = Files.walk(markers)) {
        assertThat(left.filter(Files::isRegularFile).toList()).isEmpty();
      }
    }
  }
}
