package dev.prio.server.pair;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import dev.prio.core.prg.PrgKeyMode;
import dev.prio.core.snip.PrioClient;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One batch with every class of bad input beside good submissions: each bad one is counted under
 * its reason on both servers, and the good ones are published with the right sums. Batches that
 * cannot run at all (unknown batch id, no input) fail with a typed reason, not a 500.
 */
class BadInputPairTest {
  private static final String DATE = "2026-11-22";
  private static final String BATCH = "test-bad";
  private static final int N_DATA = 12;

  @TempDir Path work;
  private ServerPair.Keys keys;

  @BeforeEach
  void keys() {
    keys = Generated.newKeys();
  }

  @Test
  void countsEveryBadInputOnBothSidesAndPublishesTheRest() throws Exception {
    Generated gen = new Generated(keys, PrioConfig.of(N_DATA, BATCH), 11);
    gen.addValid(20);
    // malformed line on A (its B share becomes an id only B has)
    PrioClient.Submission malformed =
        new Generated(keys, PrioConfig.of(N_DATA, BATCH), 1).valid("m-1");
    gen.forA.append("{\"id\": \"m-1\", \"payload\": \n");
    Generated.line(gen.forB, "m-1", b64(malformed.forB()));
    // bad base64 on A
    PrioClient.Submission badB64 =
        new Generated(keys, PrioConfig.of(N_DATA, BATCH), 2).valid("b64");
    Generated.line(gen.forA, "b64", "!!not base64!!");
    Generated.line(gen.forB, "b64", b64(badB64.forB()));
    // undecryptable A share
    PrioClient.Submission corrupt =
        new Generated(keys, PrioConfig.of(N_DATA, BATCH), 3).valid("corrupt");
    byte[] a = corrupt.forA();
    a[a.length - 1] ^= 1;
    Generated.line(gen.forA, "corrupt", b64(a));
    Generated.line(gen.forB, "corrupt", b64(corrupt.forB()));
    // a client that used another n_data
    PrioClient.Submission wrong =
        new PrioClient(
                PrioConfig.of(N_DATA - 1, BATCH),
                keys.a().publicKey(),
                keys.b().publicKey(),
                PrgKeyMode.LEGACY,
                new SecureRandom())
            .encode(new long[N_DATA - 1]);
    gen.add("wrong-ndata", wrong);
    // the same submission twice on both sides: first counts, second is a duplicate
    PrioClient.Submission dup = gen.valid("dup");
    gen.add("dup", dup);
    // ids on one side only
    PrioClient.Submission onlyA =
        new Generated(keys, PrioConfig.of(N_DATA, BATCH), 4).valid("only-a");
    Generated.line(gen.forA, "only-a", b64(onlyA.forA()));
    PrioClient.Submission onlyB =
        new Generated(keys, PrioConfig.of(N_DATA, BATCH), 5).valid("only-b");
    Generated.line(gen.forB, "only-b", b64(onlyB.forB()));
    // not a bit vector
    gen.invalidProof("two");

    try (ServerPair pair =
        new ServerPair(
                work,
                keys,
                "[{\"batch_id\": \""
                    + BATCH
                    + "\", \"n_data\": "
                    + N_DATA
                    + "}, {\"batch_id\": \"empty\", \"n_data\": 4}]")
            .with("prio.batch.chunk-size", "7")
            .start()) {
      Staging.write(
          pair.root(ServerId.A), DATE, BATCH, ServerId.A, "part-0.ndjson", gen.forA.toString());
      Staging.write(
          pair.root(ServerId.B), DATE, BATCH, ServerId.B, "part-0.ndjson", gen.forB.toString());
      assertThat(pair.startBatch(BATCH, DATE).statusCode()).isEqualTo(202);
      String stateA = pair.awaitTerminal(ServerId.A, BATCH, DATE, Duration.ofSeconds(60));
      String stateB = pair.awaitTerminal(ServerId.B, BATCH, DATE, Duration.ofSeconds(10));
      assertThat(ServerPair.phase(stateA)).as(stateA).isEqualTo("PUBLISHED");
      assertThat(ServerPair.phase(stateB)).as(stateB).isEqualTo("PUBLISHED");

      assertThat(submissions(stateA))
          .as(stateA + "\n" + stateB)
          .isEqualTo(
              new TreeMap<>(
                  Map.of(
                      "valid",
                      21L,
                      "malformed_line",
                      1L,
                      "invalid_base64",
                      1L,
                      "decrypt_failed",
                      1L,
                      "wrong_length",
                      1L,
                      "duplicate_id",
                      1L,
                      "missing_on_peer",
                      3L,
                      "proof_invalid",
                      1L)));
      assertThat(submissions(stateB))
          .isEqualTo(
              new TreeMap<>(
                  Map.of(
                      "valid",
                      21L,
                      "rejected_by_peer",
                      3L,
                      "duplicate_id",
                      1L,
                      "missing_on_peer",
                      3L,
                      "proof_invalid",
                      1L)));

      // Each server also shows the other's funnel, and B's provenance records A's.
      assertThat(counts(stateB, "peerSubmissions")).isEqualTo(submissions(stateA));
      assertThat(counts(stateA, "peerSubmissions")).isEqualTo(submissions(stateB));
      String provenanceB =
          java.nio.file.Files.readString(
              pair.root(ServerId.B)
                  .resolve(
                      "prio/v1/published/submission_date="
                          + DATE
                          + "/batch_id="
                          + BATCH
                          + "/provenance.json"));
      assertThat(counts(provenanceB, "funnelOtherServer")).isEqualTo(submissions(stateA));

      String published = Staging.published(pair.root(ServerId.A), DATE, BATCH);
      assertThat(published)
          .contains("\"payload\":" + gen.expectedPayload())
          .contains("\"error\":9,\"total\":30");
      assertThat(Staging.published(pair.root(ServerId.B), DATE, BATCH)).isEqualTo(published);

      String metrics = pair.get(ServerId.B, "/actuator/prometheus").body();
      assertThat(metrics)
          .contains("prio_submissions_total{reason=\"rejected_by_peer\",server=\"b\"} 3.0");
      assertThat(pair.get(ServerId.A, "/actuator/prometheus").body())
          .contains("prio_submissions_total{reason=\"decrypt_failed\",server=\"a\"} 1.0")
          .contains("prio_batches_total{outcome=\"published\",server=\"a\"} 1.0");

      // A batch id that DATA_CONFIG does not know, and a known one with no input.
      // The unknown one is refused at once (n_data comes only from DATA_CONFIG) and leaves no batch
      // behind.
      var unknown = pair.startBatch("unknown-batch", DATE);
      assertThat(unknown.statusCode()).isEqualTo(422);
      assertThat(unknown.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      assertThat(unknown.body())
          .contains("\"type\":\"urn:prio:problem:unknown-batch-id\"")
          .contains("not in DATA_CONFIG");
      assertThat(pair.get(ServerId.A, "/batches/unknown-batch?submissionDate=" + DATE).statusCode())
          .isEqualTo(404);
      pair.startBatch("empty", DATE);
      String empty = pair.awaitTerminal(ServerId.A, "empty", DATE, Duration.ofSeconds(20));
      assertThat(empty).contains("\"phase\":\"FAILED\"").contains("\"failure\":\"NO_INPUT\"");
    }
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  private static final Pattern ENTRY = Pattern.compile("\"([a-z0-9_]+)\":(\\d+)");

  static Map<String, Long> submissions(String view) {
    return counts(view, "submissions");
  }

  /** The counts object named {@code field} in a JSON document. */
  static Map<String, Long> counts(String json, String field) {
    Matcher m = Pattern.compile("\"" + field + "\":\\{([^}]*)\\}").matcher(json);
    assertThat(m.find()).as(json).isTrue();
    Map<String, Long> out = new TreeMap<>();
    Matcher e = ENTRY.matcher(m.group(1));
    while (e.find()) {
      out.put(e.group(1), Long.parseLong(e.group(2)));
    }
    return out;
  }
}
