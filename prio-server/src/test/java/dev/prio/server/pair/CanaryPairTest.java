package dev.prio.server.pair;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import dev.prio.server.canary.CanaryCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The canary end to end: synthetic submissions with known sums staged on both servers, the truth
 * beside A's input, the batch processed like any other, then checked. A correct canary leaves
 * prio_canary_mismatch at 0; a canary whose staged data was altered after its truth was written
 * publishes other sums and raises it to 1 (the PrioCanaryMismatch alert's promtool test fires on
 * that).
 */
class CanaryPairTest {
  private static final String BATCH = "canary-0";

  @TempDir Path work;

  private static void stage(
      ServerPair pair, String date, Generated gen, String forA, String forB, int valid, int invalid)
      throws Exception {
    Staging.write(pair.root(ServerId.A), date, BATCH, ServerId.A, "part-0.ndjson", forA);
    Staging.write(pair.root(ServerId.B), date, BATCH, ServerId.B, "part-0.ndjson", forB);
    String sums =
        Arrays.stream(gen.trueSums).mapToObj(Long::toString).collect(Collectors.joining(", "));
    // The document prio generate --truth writes.
    String truth =
        "{\"batch_id\": \""
            + BATCH
            + "\", \"n_data\": 8, \"valid\": "
            + valid
            + ", \"invalid\": "
            + invalid
            + ", \"submission_date\": \""
            + date
            + "\", \"prg_mode\": \"legacy\", \"seed\": 1, \"files\": 1, \"sums\": ["
            + sums
            + "]}\n";
    Path dir =
        pair.root(ServerId.A).resolve("prio/v1/submission_date=" + date + "/batch_id=" + BATCH);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("truth.json"), truth);
  }

  private static String metrics(ServerPair pair) throws Exception {
    pair.context(ServerId.A).getBean(CanaryCheck.class).check();
    return pair.get(ServerId.A, "/actuator/prometheus").body();
  }

  @Test
  void aCorrectCanaryMatchesAndAnAlteredOneRaisesTheMismatch() throws Exception {
    ServerPair.Keys keys = Generated.newKeys();
    try (ServerPair pair =
        new ServerPair(work, keys, "[{\"batch_id\": \"" + BATCH + "\", \"n_data\": 8}]").start()) {
      assertThat(metrics(pair))
          .contains("prio_canary_mismatch{server=\"a\"} 0.0")
          .contains("prio_canary_last_published_timestamp_seconds{server=\"a\"} 0.0");

      Generated good = new Generated(keys, PrioConfig.of(8, BATCH), 11);
      good.addValid(10);
      good.invalidProof("bad-0");
      stage(pair, "2026-11-22", good, good.forA.toString(), good.forB.toString(), 10, 1);
      pair.startBatch(BATCH, "2026-11-22");
      assertThat(pair.awaitTerminal(ServerId.A, BATCH, "2026-11-22", Duration.ofSeconds(30)))
          .contains("PUBLISHED");
      String afterGood = metrics(pair);
      assertThat(afterGood)
          .contains("prio_canary_mismatch{server=\"a\"} 0.0")
          .doesNotContain("prio_canary_last_published_timestamp_seconds{server=\"a\"} 0.0");

      // The next day's canary: one valid submission is dropped from both servers' staging after the
      // truth was written (a lossy copy, a truncated file): the batch publishes, with other sums.
      Generated altered = new Generated(keys, PrioConfig.of(8, BATCH), 12);
      altered.addValid(10);
      altered.invalidProof("bad-0");
      stage(
          pair,
          "2026-11-23",
          altered,
          dropFirstLine(altered.forA.toString()),
          dropFirstLine(altered.forB.toString()),
          10,
          1);
      pair.startBatch(BATCH, "2026-11-23");
      assertThat(pair.awaitTerminal(ServerId.A, BATCH, "2026-11-23", Duration.ofSeconds(30)))
          .contains("PUBLISHED");
      assertThat(metrics(pair)).contains("prio_canary_mismatch{server=\"a\"} 1.0");
    }
  }

  private static String dropFirstLine(String ndjson) {
    return ndjson.substring(ndjson.indexOf('\n') + 1);
  }
}
