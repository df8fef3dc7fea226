package dev.prio.server.pair;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.crypto.KeyPair;
import dev.prio.core.packet.ServerId;
import dev.prio.core.vectors.VectorSet;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pair over the libprio-made {@code fixture-constant-r} set: its raw files, keys and seed, two
 * real servers over HTTP. The published payload, error and total must be the fixture's, and B's
 * copy must equal A's.
 */
class FixturePairTest {
  private static final String DATE = "2026-11-24";

  @TempDir Path work;

  @Test
  void publishesTheFixtureAggregate() throws Exception {
    VectorSet set =
        VectorSet.all().stream()
            .filter(v -> v.name().equals("fixture-constant-r"))
            .findFirst()
            .orElseThrow();
    String batchId = new String(set.config().batchId());
    ServerPair.Keys keys =
        new ServerPair.Keys(
            new KeyPair(set.privateKey(ServerId.A), set.publicKey(ServerId.A)),
            new KeyPair(set.privateKey(ServerId.B), set.publicKey(ServerId.B)),
            set.seed());
    String dataConfig =
        "[{\"batch_id\": \"" + batchId + "\", \"n_data\": " + set.config().nData() + "}]";
    try (ServerPair pair = new ServerPair(work, keys, dataConfig).start()) {
      for (ServerId s : ServerId.values()) {
        Staging.write(
            pair.root(s), DATE, batchId, s, "part-0.ndjson", set.serverFile(s, "raw/data.ndjson"));
      }
      assertThat(pair.startBatch(batchId, DATE).statusCode()).isEqualTo(202);
      String a = pair.awaitTerminal(ServerId.A, batchId, DATE, Duration.ofSeconds(60));
      assertThat(ServerPair.phase(a)).as(a).isEqualTo("PUBLISHED");
      String b = pair.awaitTerminal(ServerId.B, batchId, DATE, Duration.ofSeconds(10));
      assertThat(ServerPair.phase(b)).as(b).isEqualTo("PUBLISHED");

      String publishedA = Staging.published(pair.root(ServerId.A), DATE, batchId);
      String publishedB = Staging.published(pair.root(ServerId.B), DATE, batchId);
      assertThat(publishedB).isEqualTo(publishedA);
      assertThat(VectorSet.publishedPayload(publishedA).replace(",", ", "))
          .isEqualTo(
              VectorSet.publishedPayload(set.serverFile(ServerId.A, "processed/data.ndjson")));
      String aggregate = set.serverFile(ServerId.A, "intermediate/internal/aggregate/data.ndjson");
      assertThat(publishedA)
          .contains("\"error\":" + field(aggregate, "error"))
          .contains("\"total\":" + field(aggregate, "total"));
    }
  }

  private static String field(String json, String name) {
    var m = java.util.regex.Pattern.compile("\"" + name + "\"\\s*:\\s*(\\d+)").matcher(json);
    assertThat(m.find()).isTrue();
    return m.group(1);
  }
}
