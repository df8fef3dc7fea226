package dev.prio.server.pair;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a misconfigured pair tells its operator: LEGACY-keyed submissions on servers set to HASHED
 * fail the proof on every row, and the batch's failure detail says the PRG mode most likely
 * differs.
 */
class SafeDefaultsPairTest {
  private static final String DATE = "2026-11-20";
  private static final String BATCH = "safe-0";

  @TempDir Path work;

  @Test
  void everyRowProofInvalidNamesThePrgModeInTheFailureDetail() throws Exception {
    ServerPair.Keys keys = Generated.newKeys();
    Generated gen = new Generated(keys, PrioConfig.of(16, BATCH), 3); // LEGACY, as Firefox
    gen.addValid(12);
    try (ServerPair pair =
        new ServerPair(work, keys, "[{\"batch_id\": \"" + BATCH + "\", \"n_data\": 16}]")
            .with("prio.batch.prg-mode", "HASHED")
            .start()) {
      Staging.write(
          pair.root(ServerId.A), DATE, BATCH, ServerId.A, "in.ndjson", gen.forA.toString());
      Staging.write(
          pair.root(ServerId.B), DATE, BATCH, ServerId.B, "in.ndjson", gen.forB.toString());
      assertThat(pair.startBatch(BATCH, DATE).statusCode()).isEqualTo(202);
      String state = pair.awaitTerminal(ServerId.A, BATCH, DATE, Duration.ofSeconds(30));
      assertThat(state)
          .contains("\"phase\":\"FAILED\"")
          .contains("\"failure\":\"TOO_FEW_SUBMISSIONS\"")
          .contains("12 of 12 submissions are proof_invalid")
          .contains("prio.batch.prg-mode, here HASHED, other: LEGACY");
      assertThat(pair.root(ServerId.A).resolve("prio/v1/published")).doesNotExist();
    }
  }
}
