package dev.prio.server.pair;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator API and actuator on a running pair: idempotent start, conflicts, rerun, abandon. */
class OperatorApiPairTest {
  private static final String DATE = "2026-11-20";
  private static final String BATCH = "ops-0";
  private static final int N_DATA = 9;

  @TempDir Path work;

  @Test
  void startRerunAbandonAndProbes() throws Exception {
    ServerPair.Keys keys = Generated.newKeys();
    Generated gen = new Generated(keys, PrioConfig.of(N_DATA, BATCH), 3);
    gen.addValid(15);
    String config =
        "[{\"batch_id\": \""
            + BATCH
            + "\", \"n_data\": "
            + N_DATA
            + "}, {\"batch_id\": \"ops-1\", \"n_data\": 3}]";
    try (ServerPair pair = new ServerPair(work, keys, config).start()) {
      Staging.write(
          pair.root(ServerId.A), DATE, BATCH, ServerId.A, "in.ndjson", gen.forA.toString());
      Staging.write(
          pair.root(ServerId.B), DATE, BATCH, ServerId.B, "in.ndjson", gen.forB.toString());

      assertThat(pair.get(ServerId.A, "/actuator/health/liveness").statusCode()).isEqualTo(200);
      assertThat(pair.get(ServerId.B, "/actuator/health/readiness").body()).contains("UP");

      assertThat(pair.startBatch(BATCH, DATE).statusCode()).isEqualTo(202);
      pair.awaitTerminal(ServerId.A, BATCH, DATE, Duration.ofSeconds(30));
      // Same request again: the same batch, not a second run.
      HttpResponse<String> again = pair.startBatch(BATCH, DATE);
      assertThat(again.statusCode()).isEqualTo(202);
      assertThat(again.body()).contains("\"phase\":\"PUBLISHED\"").contains("\"attempt\":1");
      // Different parameters for the same batch: conflict, as problem details.
      HttpResponse<String> conflict =
          pair.post(
              ServerId.A,
              "/batches/" + BATCH,
              "{\"submissionDate\":\"" + DATE + "\",\"nData\":10}");
      assertThat(conflict.statusCode()).isEqualTo(409);
      assertThat(conflict.headers().firstValue("Content-Type"))
          .hasValueSatisfying(v -> assertThat(v).contains("problem+json"));
      assertThat(conflict.body()).contains("urn:prio:problem:batch-conflict");
      // B does not start batches; bad input is a 400 problem, never a 500.
      assertThat(
              pair.post(ServerId.B, "/batches/" + BATCH, "{\"submissionDate\":\"" + DATE + "\"}")
                  .body())
          .contains("urn:prio:problem:not-leader");
      assertThat(
              pair.post(ServerId.A, "/batches/" + BATCH, "{\"submissionDate\":\"yesterday\"}")
                  .statusCode())
          .isEqualTo(400);
      assertThat(
              pair.post(ServerId.A, "/batches/bad%20id", "{\"submissionDate\":\"" + DATE + "\"}")
                  .statusCode())
          .isEqualTo(400);
      assertThat(pair.post(ServerId.A, "/batches/" + BATCH, "{not json").statusCode())
          .isEqualTo(400);
      assertThat(pair.get(ServerId.A, "/batches/never-started").statusCode()).isEqualTo(404);

      // A published batch reruns only with force, and then publishes version 2 beside version 1.
      String body = "{\"submissionDate\":\"" + DATE + "\"}";
      assertThat(pair.post(ServerId.A, "/batches/" + BATCH + "/rerun", body).statusCode())
          .isEqualTo(409);
      assertThat(
              pair.post(
                      ServerId.A,
                      "/batches/" + BATCH + "/rerun",
                      "{\"submissionDate\":\"" + DATE + "\",\"force\":true}")
                  .statusCode())
          .isEqualTo(202);
      String rerun = awaitAttempt(pair, 2);
      assertThat(rerun).contains("\"phase\":\"PUBLISHED\"").contains("\"publishedVersion\":2");
      Path dir =
          pair.root(ServerId.A)
              .resolve("prio/v1/published/submission_date=" + DATE + "/batch_id=" + BATCH);
      String v1 = Files.readString(dir.resolve("data.ndjson"));
      String v2 = Files.readString(dir.resolve("data-v2.ndjson"));
      assertThat(payload(v2)).isEqualTo(payload(v1)).isEqualTo(gen.expectedPayload());
      assertThat(
              Files.readString(
                  pair.root(ServerId.B)
                      .resolve(
                          "prio/v1/published/submission_date="
                              + DATE
                              + "/batch_id="
                              + BATCH
                              + "/data-v2.ndjson")))
          .isEqualTo(v2);

      // Abandon a batch that cannot finish (B has no input for it, so it waits in no phase: it
      // fails or is abandoned).
      assertThat(pair.get(ServerId.A, "/actuator/batches").body())
          .contains("\"batchId\":\"" + BATCH + "\"");
      String metrics = pair.get(ServerId.A, "/actuator/prometheus").body();
      assertThat(metrics)
          .contains("prio_batches_total{outcome=\"published\",server=\"a\"} 2.0")
          .contains("prio_batch_phase_seconds_count{phase=\"verify\",server=\"a\"}")
          .contains(
              "prio_peer_request_seconds_count{outcome=\"success\",round=\"verify1\",server=\"a\"}")
          .contains("prio_batch_last_success_timestamp_seconds{server=\"a\"}");
    }
  }

  @Test
  void configMismatchFailsBothSidesBeforeAnyShareIsTouched() throws Exception {
    ServerPair.Keys keys = Generated.newKeys();
    Generated gen = new Generated(keys, PrioConfig.of(N_DATA, BATCH), 4);
    gen.addValid(3);
    try (ServerPair pair =
        new ServerPair(
            work, keys, "[{\"batch_id\": \"" + BATCH + "\", \"n_data\": " + N_DATA + "}]")) {
      pair.with(
          "prio.batch.data-config",
          "[{\"batch_id\": \"" + BATCH + "\", \"n_data\": " + (N_DATA + 1) + "}]");
      pair.startB();
      pair.with(
          "prio.batch.data-config",
          "[{\"batch_id\": \"" + BATCH + "\", \"n_data\": " + N_DATA + "}]");
      pair.startA();
      Staging.write(
          pair.root(ServerId.A), DATE, BATCH, ServerId.A, "in.ndjson", gen.forA.toString());
      Staging.write(
          pair.root(ServerId.B), DATE, BATCH, ServerId.B, "in.ndjson", gen.forB.toString());
      pair.startBatch(BATCH, DATE);
      String a = pair.awaitTerminal(ServerId.A, BATCH, DATE, Duration.ofSeconds(30));
      assertThat(a).contains("\"phase\":\"FAILED\"").contains("\"failure\":\"CONFIG_MISMATCH\"");
      String b = pair.awaitTerminal(ServerId.B, BATCH, DATE, Duration.ofSeconds(10));
      assertThat(b)
          .contains("\"phase\":\"FAILED\"")
          .contains("\"failure\":\"CONFIG_MISMATCH\"")
          .contains("n_data");
      assertThat(
              Files.exists(
                  pair.root(ServerId.B)
                      .resolve(
                          "prio/v1/state/submission_date="
                              + DATE
                              + "/batch_id="
                              + BATCH
                              + "/attempt=1/chunks")))
          .isFalse();
    }
  }

  @Test
  void thresholdsFailTheBatchInsteadOfPublishingJunk() throws Exception {
    ServerPair.Keys keys = Generated.newKeys();
    Generated gen = new Generated(keys, PrioConfig.of(N_DATA, BATCH), 5);
    gen.addValid(4);
    for (int i = 0; i < 6; i++) {
      gen.invalidProof("bad-" + i);
    }
    String config =
        "[{\"batch_id\": \""
            + BATCH
            + "\", \"n_data\": "
            + N_DATA
            + "}, {\"batch_id\": \"ops-1\", \"n_data\": "
            + N_DATA
            + "}]";
    try (ServerPair pair =
        new ServerPair(work, keys, config).with("prio.batch.min-batch-size", "5").start()) {
      Staging.write(
          pair.root(ServerId.A), DATE, BATCH, ServerId.A, "in.ndjson", gen.forA.toString());
      Staging.write(
          pair.root(ServerId.B), DATE, BATCH, ServerId.B, "in.ndjson", gen.forB.toString());
      pair.startBatch(BATCH, DATE);
      assertThat(pair.awaitTerminal(ServerId.A, BATCH, DATE, Duration.ofSeconds(30)))
          .contains("\"phase\":\"FAILED\"")
          .contains("\"failure\":\"TOO_FEW_SUBMISSIONS\"");
      assertThat(pair.awaitTerminal(ServerId.B, BATCH, DATE, Duration.ofSeconds(10)))
          .contains("\"phase\":\"FAILED\"")
          .contains("\"failure\":\"TOO_FEW_SUBMISSIONS\"");

      // Enough valid ones, but more than half rejected.
      Generated more = new Generated(keys, PrioConfig.of(N_DATA, "ops-1"), 6);
      more.addValid(6);
      for (int i = 0; i < 7; i++) {
        more.invalidProof("bad-" + i);
      }
      Staging.write(
          pair.root(ServerId.A), DATE, "ops-1", ServerId.A, "in.ndjson", more.forA.toString());
      Staging.write(
          pair.root(ServerId.B), DATE, "ops-1", ServerId.B, "in.ndjson", more.forB.toString());
      pair.startBatch("ops-1", DATE);
      assertThat(pair.awaitTerminal(ServerId.A, "ops-1", DATE, Duration.ofSeconds(30)))
          .contains("\"failure\":\"REJECT_RATIO_EXCEEDED\"");
      for (ServerId s : ServerId.values()) {
        assertThat(pair.root(s).resolve("prio/v1/published")).doesNotExist();
      }
    }
  }

  @Test
  void abandonStopsARunningBatchForGood() throws Exception {
    ServerPair.Keys keys = Generated.newKeys();
    Generated gen = new Generated(keys, PrioConfig.of(N_DATA, BATCH), 8);
    gen.addValid(3);
    try (ServerPair pair =
        new ServerPair(
            work, keys, "[{\"batch_id\": \"" + BATCH + "\", \"n_data\": " + N_DATA + "}]")) {
      // B is up, but A's peer URL leads nowhere: the batch keeps retrying its handshake.
      pair.startB();
      pair.with("prio.peer.url", "http://127.0.0.1:9")
          .with("prio.peer.max-attempts", "100000")
          .with("prio.peer.initial-backoff", "20ms");
      pair.startA();
      Staging.write(
          pair.root(ServerId.A), DATE, BATCH, ServerId.A, "in.ndjson", gen.forA.toString());
      pair.startBatch(BATCH, DATE);
      String path = "/batches/" + BATCH + "?submissionDate=" + DATE;
      for (int i = 0;
          i < 200 && !pair.get(ServerId.A, path).body().contains("\"phase\":\"HANDSHAKE\"");
          i++) {
        Thread.sleep(25);
      }
      assertThat(pair.get(ServerId.A, path).body()).contains("\"phase\":\"HANDSHAKE\"");
      HttpResponse<String> abandoned =
          pair.post(
              ServerId.A,
              "/batches/" + BATCH + "/abandon",
              "{\"submissionDate\":\"" + DATE + "\"}");
      assertThat(abandoned.statusCode()).isEqualTo(200);
      assertThat(abandoned.body()).contains("\"phase\":\"ABANDONED\"");
      Thread.sleep(500);
      assertThat(pair.get(ServerId.A, path).body()).contains("\"phase\":\"ABANDONED\"");
      assertThat(pair.get(ServerId.A, "/actuator/prometheus").body())
          .contains("prio_batches_total{outcome=\"abandoned\",server=\"a\"} 1.0");
      assertThat(pair.root(ServerId.A).resolve("prio/v1/published")).doesNotExist();
    }
  }

  private static String awaitAttempt(ServerPair pair, int attempt) throws Exception {
    for (int i = 0; i < 600; i++) {
      String s = pair.get(ServerId.A, "/batches/" + BATCH + "?submissionDate=" + DATE).body();
      if (s.contains("\"attempt\":" + attempt) && s.contains("\"phase\":\"PUBLISHED\"")) {
        return s;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("attempt " + attempt + " did not publish");
  }

  private static String payload(String record) {
    var m = java.util.regex.Pattern.compile("\"payload\":(\\[[^\\]]*\\])").matcher(record);
    assertThat(m.find()).isTrue();
    return m.group(1);
  }
}
