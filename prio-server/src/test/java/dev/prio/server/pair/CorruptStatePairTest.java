package dev.prio.server.pair;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.StorageLayout;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10 item 6: one unreadable {@code batch.json} of an old batch used to stop A from starting
 * (every listing threw). Now the server starts, answers 409 {@code state-corrupt} for that batch
 * only, counts it in a gauge, and runs a new batch to PUBLISHED beside it.
 */
class CorruptStatePairTest {
  private static final String BATCH = "test-corrupt";
  private static final String OLD = "2026-10-01";
  private static final String OLDER = "2026-09-30";
  private static final String NEW = "2026-10-02";
  private static final String SECRET_LOOKING = "do-not-log-this-content";

  @TempDir Path work;

  @Test
  void aCorruptOldStateNeitherStopsTheServerNorBlocksOtherBatches() throws Exception {
    ServerPair.Keys keys = Generated.newKeys();
    Generated gen = new Generated(keys, PrioConfig.of(8, BATCH), 3);
    gen.addValid(12);
    ServerPair pair =
        new ServerPair(work, keys, "[{\"batch_id\": \"" + BATCH + "\", \"n_data\": 8}]");
    // Garbage, a truncated state and JSON null, on both servers, before either starts.
    for (ServerId s : ServerId.values()) {
      corrupt(
          pair.root(s),
          OLD,
          "{\"submissionDate\":\"" + OLD + "\",\"batchId\":\"" + BATCH + "\",\"ph");
      corrupt(pair.root(s), OLDER, "\u0000\u00ff" + SECRET_LOOKING);
    }
    corrupt(pair.root(ServerId.A), "2026-09-29", "null");
    try (pair) {
      pair.start();
      Staging.write(
          pair.root(ServerId.A), NEW, BATCH, ServerId.A, "part-0.ndjson", gen.forA.toString());
      Staging.write(
          pair.root(ServerId.B), NEW, BATCH, ServerId.B, "part-0.ndjson", gen.forB.toString());

      HttpResponse<String> old =
          pair.get(ServerId.A, "/batches/" + BATCH + "?submissionDate=" + OLD);
      assertThat(old.statusCode()).as(old.body()).isEqualTo(409);
      assertThat(old.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).contains("problem+json"));
      assertThat(old.body())
          .contains("urn:prio:problem:state-corrupt")
          .doesNotContain(SECRET_LOOKING);
      // Starting or rerunning the corrupt batch is refused the same way, not with a 500.
      assertThat(pair.startBatch(BATCH, OLD).statusCode()).isEqualTo(409);
      assertThat(
              pair.post(
                      ServerId.A,
                      "/batches/" + BATCH + "/rerun",
                      "{\"submissionDate\":\"" + OLD + "\"}")
                  .statusCode())
          .isEqualTo(409);

      assertThat(pair.startBatch(BATCH, NEW).statusCode()).isEqualTo(202);
      String a = pair.awaitTerminal(ServerId.A, BATCH, NEW, Duration.ofSeconds(60));
      String b = pair.awaitTerminal(ServerId.B, BATCH, NEW, Duration.ofSeconds(20));
      assertThat(ServerPair.phase(a)).as(a).isEqualTo("PUBLISHED");
      assertThat(ServerPair.phase(b)).as(b).isEqualTo("PUBLISHED");
      assertThat(Staging.published(pair.root(ServerId.A), NEW, BATCH))
          .contains("\"payload\":" + gen.expectedPayload());

      // Listings skip the corrupt ones: the latest readable state answers without a date.
      HttpResponse<String> latest = pair.get(ServerId.A, "/batches/" + BATCH);
      assertThat(latest.statusCode()).as(latest.body()).isEqualTo(200);
      assertThat(latest.body()).contains(NEW);
      assertThat(pair.get(ServerId.A, "/actuator/batches").statusCode()).isEqualTo(200);
      assertThat(pair.get(ServerId.A, "/actuator/prometheus").body())
          .contains("prio_batch_states_unreadable{server=\"a\"} 3.0");
      assertThat(pair.get(ServerId.B, "/actuator/prometheus").body())
          .contains("prio_batch_states_unreadable{server=\"b\"} 2.0");

      // A restart of A with the corrupt objects still there resumes nothing and serves as before.
      pair.stop(ServerId.A);
      pair.startA();
      assertThat(pair.get(ServerId.A, "/batches/" + BATCH + "?submissionDate=" + NEW).body())
          .contains("PUBLISHED");
    }
  }

  private static void corrupt(Path root, String date, String content) throws Exception {
    Path p = root.resolve(StorageLayout.batchState(new BatchKey(LocalDate.parse(date), BATCH)));
    Files.createDirectories(p.getParent());
    Files.write(p, content.getBytes(StandardCharsets.UTF_8));
  }
}
