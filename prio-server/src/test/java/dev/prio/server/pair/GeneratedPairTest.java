package dev.prio.server.pair;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A few thousand generated submissions at n_data 2046 (Firefox's size) through the real pair. */
class GeneratedPairTest {
  private static final String DATE = "2026-11-23";
  private static final String BATCH = "content.blocking_blocked-0";

  @TempDir Path work;

  @Test
  void publishesTheTrueSums() throws Exception {
    ServerPair.Keys keys = Generated.newKeys();
    Generated gen = new Generated(keys, PrioConfig.of(2046, BATCH), 7);
    gen.addValid(2000);
    try (ServerPair pair =
        new ServerPair(work, keys, "[{\"batch_id\": \"" + BATCH + "\", \"n_data\": 2046}]")
            .with("prio.batch.chunk-size", "200")
            .start()) {
      Staging.write(
          pair.root(ServerId.A), DATE, BATCH, ServerId.A, "part-0.ndjson", gen.forA.toString());
      Staging.write(
          pair.root(ServerId.B), DATE, BATCH, ServerId.B, "part-0.ndjson", gen.forB.toString());
      pair.startBatch(BATCH, DATE);
      String a = pair.awaitTerminal(ServerId.A, BATCH, DATE, Duration.ofMinutes(5));
      assertThat(ServerPair.phase(a)).as(a).isEqualTo("PUBLISHED");
      assertThat(a).contains("\"valid\":2000");
      String published = Staging.published(pair.root(ServerId.A), DATE, BATCH);
      assertThat(published)
          .contains("\"payload\":" + gen.expectedPayload())
          .contains("\"error\":0,\"total\":2000");
      assertThat(Staging.published(pair.root(ServerId.B), DATE, BATCH)).isEqualTo(published);
    }
  }
}
