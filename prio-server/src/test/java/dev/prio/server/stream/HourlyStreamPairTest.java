package dev.prio.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.packet.ServerId;
import dev.prio.server.pair.Generated;
import dev.prio.server.pair.ServerPair;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.StorageLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hourly stream windows end to end on the Pub/Sub emulator: one batch id on one day, submitted in
 * the last minute of 07:00 UTC and the first minute of 08:00 (by their submission_time attribute,
 * the same on both shares), plus some without a submission_time, which go to the whole day. Every
 * tenth message is published twice and the first five of 07:00 were already staged by an earlier
 * process that died before acknowledging them. A closes each window by itself; each of the three
 * must publish its own true sums to its own object, on both servers, every submission counted once
 * and in its window only.
 */
class HourlyStreamPairTest {
  private static final String BATCH = "content.blocking_blocked-0";
  private static final int N_DATA = 16;
  private static final String DATE = "2026-11-04";

  private record Expected(String window, StreamWindow submissions) {
    BatchKey key() {
      return new BatchKey(LocalDate.parse(DATE), BATCH, window);
    }
  }

  @TempDir Path work;

  @Test
  void twoHoursOfOneDayPublishTwoAggregatesOfTheirOwnTrueSums() throws Exception {
    ServerPair.Keys keys = Generated.newKeys();
    StreamTopics topics = StreamTopics.create("hour");

    List<Expected> expected =
        List.of(
            new Expected("h07", generate(keys, "2026-11-04T07:59:00Z", 60, false, 11)),
            new Expected("h08", generate(keys, "2026-11-04T08:00:00Z", 45, true, 12)),
            new Expected("", generate(keys, null, 20, false, 13)));
    try (ServerPair pair =
        topics
            .streaming(
                new ServerPair(
                    work, keys, "[{\"batch_id\": \"" + BATCH + "\", \"n_data\": " + N_DATA + "}]"),
                16)
            .with("prio.stream.window", "1h")) {
      for (ServerId s : ServerId.values()) {
        StreamWindow h07 = expected.get(0).submissions();
        Path input = pair.root(s).resolve(StorageLayout.inputPrefix(expected.get(0).key(), s));
        Files.createDirectories(input);
        Files.writeString(input.resolve("stream-earlier.ndjson"), h07.firstLines(s, 5));
        for (Expected e : expected) {
          topics.publish(s, e.submissions().messages().get(s));
          topics.publish(s, e.submissions().everyTenth(s));
        }
      }
      pair.start();
      for (Expected e : expected) {
        String a = pair.awaitTerminal(ServerId.A, BATCH, DATE, e.window(), Duration.ofMinutes(3));
        assertThat(ServerPair.phase(a)).as(a).isEqualTo("PUBLISHED");
        String b = pair.awaitTerminal(ServerId.B, BATCH, DATE, e.window(), Duration.ofMinutes(1));
        assertThat(ServerPair.phase(b)).as(b).isEqualTo("PUBLISHED");
        String published = published(pair.root(ServerId.A), e.key());
        assertThat(published)
            .as("window '%s'", e.window())
            .contains("\"payload\":" + e.submissions().gen().expectedPayload())
            .contains("\"error\":0,\"total\":" + e.submissions().count());
        assertThat(published(pair.root(ServerId.B), e.key())).isEqualTo(published);
      }
      // The whole day's batch is where a file batch's would be; the hours are beside it.
      assertThat(pair.root(ServerId.A).resolve(StorageLayout.published(expected.get(2).key(), 1)))
          .isEqualTo(
              pair.root(ServerId.A)
                  .resolve(
                      "prio/v1/published/submission_date="
                          + DATE
                          + "/batch_id="
                          + BATCH
                          + "/data.ndjson"));
      for (ServerId s : ServerId.values()) {
        assertThat(batchStates(pair.root(s)))
            .as("server %s's batches: the three windows and no other", s)
            .containsExactlyInAnyOrder(
                "submission_date=" + DATE + "/batch_id=" + BATCH,
                "submission_date=" + DATE + "/window=h07/batch_id=" + BATCH,
                "submission_date=" + DATE + "/window=h08/batch_id=" + BATCH);
      }
    }
  }

  private static StreamWindow generate(
      ServerPair.Keys keys, String start, int count, boolean asLines, long seed) {
    return StreamWindow.generate(
        keys,
        BATCH,
        N_DATA,
        DATE,
        start == null ? null : Instant.parse(start),
        count,
        asLines,
        seed);
  }

  private static String published(Path root, BatchKey key) throws Exception {
    return Files.readString(root.resolve(StorageLayout.published(key, 1)));
  }

  /** Every batch state under the server's root, as the partition it is stored in. */
  private static List<String> batchStates(Path root) throws Exception {
    Path states = root.resolve(StorageLayout.allStates());
    try (Stream<Path> files = Files.walk(states)) {
      return files
          .filter(p -> p.getFileName().toString().equals("batch.json"))
          .map(p -> states.relativize(p.getParent()).toString())
          .toList();
    }
  }
}
