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
    StreamTopics topics = StreamTopics.create("subs");

    StreamWindow first = StreamWindow.generate(keys, BATCH, N_DATA, "2026-11-01", 60, false, 1);
    StreamWindow second = StreamWindow.generate(keys, BATCH, N_DATA, "2026-11-02", 45, true, 2);
    try (ServerPair pair =
        topics.streaming(
            new ServerPair(
                work, keys, "[{\"batch_id\": \"" + BATCH + "\", \"n_data\": " + N_DATA + "}]"),
            16)) {
      for (ServerId s : ServerId.values()) {
        // An earlier ingester staged the first window's first five submissions and died before
        // acknowledging them: Pub/Sub delivers them again below.
        Staging.write(
            pair.root(s), first.date(), BATCH, s, "stream-earlier.ndjson", first.firstLines(s, 5));
        for (StreamWindow w : List.of(first, second)) {
          topics.publish(s, w.messages().get(s));
          topics.publish(s, w.everyTenth(s));
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
