package dev.prio.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.cli.Main;
import dev.prio.cli.PyJson;
import dev.prio.core.json.JsonParser;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import dev.prio.core.prg.PrgKeyMode;
import dev.prio.core.snip.PrioClient;
import dev.prio.server.pair.Generated;
import dev.prio.server.pair.ServerPair;
import dev.prio.server.pair.Staging;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Telemetry Origin path end to end (issue 7, "Must show"): Firefox-shaped "prio" pings for two
 * shards of one metric, encoded with our client, with duplicates and malformed entries mixed in;
 * {@code prio stage} puts each server's shares into its own root only; the real pair verifies and
 * publishes both batches; {@code prio index} maps the published counts back to origins, which must
 * equal the true per-origin counts of the pings that should count.
 */
class TelemetryOriginPairTest {
  private static final String DATE = "2026-11-24";
  private static final String METRIC = "content.blocking_blocked_TESTONLY";
  private static final String B0 = METRIC + "-0";
  private static final String B1 = METRIC + "-1";
  private static final int N0 = 20;
  private static final int N1 = 7;
  private static final int ORIGINS = N0 + N1;

  @TempDir Path work;

  private final Random random = new Random(20261124);
  private final long[] truth = new long[ORIGINS];
  private final List<String> lines = new ArrayList<>();
  private PrioClient client0;
  private PrioClient client1;

  @Test
  void stagedPingsPublishTheTruePerOriginCounts() throws Exception {
    ServerPair.Keys keys = Generated.newKeys();
    SecureRandom sr = new SecureRandom();
    client0 =
        new PrioClient(
            PrioConfig.of(N0, B0),
            keys.a().publicKey(),
            keys.b().publicKey(),
            PrgKeyMode.LEGACY,
            sr);
    client1 =
        new PrioClient(
            PrioConfig.of(N1, B1),
            keys.a().publicKey(),
            keys.b().publicKey(),
            PrgKeyMode.LEGACY,
            sr);
    String dataConfig =
        "[{\"batch_id\": \""
            + B0
            + "\", \"n_data\": "
            + N0
            + "}, {\"batch_id\": \""
            + B1
            + "\", \"n_data\": "
            + N1
            + "}]";
    Path config = Files.writeString(work.resolve("data-config.json"), dataConfig);
    Path origins = writeOrigins();

    // 30 good pings: 1 or 2 entries for shard 0 (Firefox adds one more per repeated origin), 1 for
    // shard 1.
    List<String> good = new ArrayList<>();
    for (int p = 0; p < 30; p++) {
      List<Object> entries = new ArrayList<>();
      int repeats = 1 + random.nextInt(2);
      for (int k = 0; k < repeats; k++) {
        entries.add(firefoxEntry(B0, countedBits(0, N0)));
      }
      entries.add(firefoxEntry(B1, countedBits(N0, N1)));
      String line = ping(UUID.randomUUID().toString(), entries);
      good.add(line);
      lines.add(p % 10 == 3 ? sinkMessage(line) : line);
    }
    // The roadmap's form: {"<BATCH_ID>": {"a", "b"}}.
    Map<String, Object> roadmap = new LinkedHashMap<>();
    roadmap.put(B0, shares(B0, countedBits(0, N0)));
    roadmap.put(B1, shares(B1, countedBits(N0, N1)));
    lines.add(pingWithPayload(UUID.randomUUID().toString(), roadmap));
    // Duplicates: verbatim resends, and a different ping reusing a staged id (all ones: would show
    // up).
    for (int i = 0; i < 5; i++) {
      lines.add(good.get(random.nextInt(good.size())));
    }
    String reusedId = (String) ((Map<?, ?>) JsonParser.parse(good.get(0))).get("id");
    lines.add(ping(reusedId, List.of(firefoxEntry(B0, ones(N0)), firefoxEntry(B1, ones(N1)))));
    // Malformed lines, each dropping the whole ping.
    lines.add("{\"id\": \"truncated\", \"payload\": {\"prioData\": [");
    lines.add(
        PyJson.dumps(Map.of("payload", Map.of("prioData", List.of(firefoxEntry(B0, ones(N0)))))));
    lines.add(PyJson.dumps(Map.of("id", UUID.randomUUID().toString(), "type", "prio")));
    // One ping whose bad entries are dropped while its good entry counts.
    Map<String, Object> badA =
        Map.of("encoding", B0, "prio", Map.of("a", "not base64!", "b", b64(new byte[16])));
    Map<String, Object> noB = Map.of("encoding", B1, "prio", Map.of("a", b64(new byte[64])));
    Map<String, Object> unknown = firefoxEntry(METRIC + "-2", null);
    lines.add(
        ping(
            UUID.randomUUID().toString(),
            List.of(badA, noB, unknown, firefoxEntry(B1, countedBits(N0, N1)))));
    // A well-formed entry with a 2 in it: staged, then rejected by both servers' SNIP check.
    long[] cheat = new long[N0];
    cheat[4] = 2;
    lines.add(ping(UUID.randomUUID().toString(), List.of(firefoxEntry(B0, cheat))));

    Path pings = Files.createDirectories(work.resolve("pings/2026-11-24/00"));
    Files.writeString(pings.resolve("prio.ndjson"), String.join("\n", lines) + "\n");

    try (ServerPair pair = new ServerPair(work.resolve("servers"), keys, dataConfig).start()) {
      Path rootA = pair.root(ServerId.A);
      Path rootB = pair.root(ServerId.B);
      // Each operator stages only its own server's shares, from the same pings.
      Path reportA = work.resolve("report-a.json");
      Run stageA =
          cli(
              "stage",
              "--input",
              work.resolve("pings").toString(),
              "--output-a",
              "file:" + rootA,
              "--submission-date",
              DATE,
              "--data-config",
              config.toString(),
              "--max-records-per-file",
              "8",
              "--report",
              reportA.toString());
      assertThat(stageA.exit()).as(stageA.err()).isZero();
      Run stageB =
          cli(
              "stage",
              "--input",
              work.resolve("pings").toString(),
              "--output-b",
              "file:" + rootB,
              "--submission-date",
              DATE,
              "--data-config",
              config.toString(),
              "--max-records-per-file",
              "8");
      assertThat(stageB.exit()).as(stageB.err()).isZero();
      assertThat(Staging.inputDir(rootA, DATE, B0, ServerId.A).toFile().list())
          .hasSizeGreaterThan(1);
      assertThat(
              rootA.resolve("prio/v1/submission_date=" + DATE + "/batch_id=" + B0 + "/server_id=b"))
          .doesNotExist();
      assertThat(
              rootB.resolve("prio/v1/submission_date=" + DATE + "/batch_id=" + B0 + "/server_id=a"))
          .doesNotExist();

      Map<?, ?> report = (Map<?, ?>) JsonParser.parse(Files.readString(reportA));
      Map<?, ?> rejects = (Map<?, ?>) report.get("rejects");
      assertThat(count(rejects, "duplicate_ping")).isEqualTo(6);
      assertThat(count(rejects, "not_json")).isEqualTo(1);
      assertThat(count(rejects, "no_id")).isEqualTo(1);
      assertThat(count(rejects, "no_payload")).isEqualTo(1);
      assertThat(count(rejects, "bad_base64_a")).isEqualTo(1);
      assertThat(count(rejects, "missing_b")).isEqualTo(1);
      assertThat(count(rejects, "unknown_batch_id")).isEqualTo(1);
      long staged0 =
          ((BigInteger) ((Map<?, ?>) ((Map<?, ?>) report.get("batches")).get(B0)).get("records"))
              .longValue();

      for (String batch : List.of(B0, B1)) {
        assertThat(pair.startBatch(batch, DATE).statusCode()).isEqualTo(202);
        String a = pair.awaitTerminal(ServerId.A, batch, DATE, Duration.ofSeconds(60));
        assertThat(ServerPair.phase(a)).as(a).isEqualTo("PUBLISHED");
        String b = pair.awaitTerminal(ServerId.B, batch, DATE, Duration.ofSeconds(10));
        assertThat(ServerPair.phase(b)).as(b).isEqualTo("PUBLISHED");
      }
      assertThat(Staging.published(rootA, DATE, B0)).contains("\"error\":1,\"total\":" + staged0);

      Run indexed =
          cli(
              "index",
              "--root",
              "file:" + rootA,
              "--submission-date",
              DATE,
              "--data-config",
              config.toString(),
              "--origins",
              origins.toString());
      assertThat(indexed.exit()).as(indexed.err()).isZero();
      Map<String, Long> byOrigin = new LinkedHashMap<>();
      for (String row : indexed.out().split("\n")) {
        Map<?, ?> m = (Map<?, ?>) JsonParser.parse(row);
        assertThat(m.get("batch_id")).isEqualTo(METRIC);
        byOrigin.put((String) m.get("origin"), ((BigInteger) m.get("aggregate")).longValue());
      }
      Map<String, Long> expected = new LinkedHashMap<>();
      for (int i = 0; i < ORIGINS; i++) {
        expected.put(originName(i), truth[i]);
      }
      assertThat(byOrigin).containsExactlyEntriesOf(expected);
      assertThat(truth).as("the test data exercises every origin").doesNotContain(0L);

      // B's published copy gives the same counts, here as CSV.
      Path csv = work.resolve("b.csv");
      Run indexedB =
          cli(
              "index",
              "--root",
              rootB.toString(),
              "--submission-date",
              DATE,
              "--data-config",
              config.toString(),
              "--origins",
              origins.toString(),
              "--format",
              "csv",
              "--output",
              csv.toString());
      assertThat(indexedB.exit()).as(indexedB.err()).isZero();
      List<String> rows = Files.readAllLines(csv);
      assertThat(rows).hasSize(ORIGINS + 1);
      for (int i = 0; i < ORIGINS; i++) {
        assertThat(rows.get(i + 1))
            .endsWith("," + originName(i) + "," + hash(originName(i)) + "," + i + "," + truth[i]);
      }
    }
  }

  /** Random bits for origins [offset, offset + n) with a per-origin rate; added to the truth. */
  private long[] countedBits(int offset, int n) {
    long[] bits = new long[n];
    for (int i = 0; i < n; i++) {
      bits[i] = random.nextInt(100) < 10 + 3 * ((offset + i) % 20) ? 1 : 0;
      truth[offset + i] += bits[i];
    }
    return bits;
  }

  private static long[] ones(int n) {
    long[] v = new long[n];
    java.util.Arrays.fill(v, 1);
    return v;
  }

  private Map<String, Object> shares(String batchId, long[] bits) {
    if (bits == null) {
      return new LinkedHashMap<>(Map.of("a", b64(new byte[80]), "b", b64(new byte[20])));
    }
    PrioClient.Submission s = (batchId.equals(B0) ? client0 : client1).encode(bits);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("a", b64(s.forA()));
    m.put("b", b64(s.forB()));
    return m;
  }

  private Map<String, Object> firefoxEntry(String batchId, long[] bits) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("encoding", batchId);
    m.put("prio", shares(batchId, bits));
    return m;
  }

  private static String ping(String id, List<?> prioData) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("version", "1");
    payload.put("reason", "shutdown");
    payload.put("prioData", prioData);
    return pingWithPayload(id, payload);
  }

  private static String pingWithPayload(String id, Map<String, Object> payload) {
    Map<String, Object> ping = new LinkedHashMap<>();
    ping.put("type", "prio");
    ping.put("id", id);
    ping.put("creationDate", "2026-11-24T12:45:07.011Z");
    ping.put("version", 4);
    ping.put("application", Map.of("name", "Firefox", "channel", "nightly"));
    ping.put("payload", payload);
    return PyJson.dumps(ping);
  }

  /** The telemetry sink's PubSub form: the ping as base64 in a message. */
  private static String sinkMessage(String ping) {
    return PyJson.dumps(
        Map.of(
            "attributeMap",
            Map.of("document_type", "prio"),
            "payload",
            b64(ping.getBytes(StandardCharsets.UTF_8))));
  }

  private Path writeOrigins() throws Exception {
    List<Object> list = new ArrayList<>();
    for (int i = 0; i < ORIGINS; i++) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("name", originName(i));
      o.put("hash", hash(originName(i)));
      o.put("index", i);
      list.add(o);
    }
    return Files.writeString(work.resolve("origins.json"), PyJson.dumps(list));
  }

  private static String originName(int i) {
    return i == ORIGINS - 1 ? "__UNKNOWN__" : "tracker-" + i + ".example";
  }

  private static String hash(String name) throws Exception {
    return b64(MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8)));
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  private static long count(Map<?, ?> rejects, String code) {
    Map<?, ?> r = (Map<?, ?>) rejects.get(code);
    return r == null ? 0 : ((BigInteger) r.get("count")).longValue();
  }

  record Run(int exit, String out, String err) {}

  private static Run cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            args,
            Map.of(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            new SecureRandom(),
            Clock.systemUTC());
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
