package dev.prio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.crypto.KeyPair;
import dev.prio.core.crypto.SharedSeed;
import dev.prio.core.error.PrioException;
import dev.prio.core.json.JsonParser;
import dev.prio.core.packet.PacketVerify1;
import dev.prio.core.packet.PacketVerify2;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import dev.prio.core.prg.PrgKeyMode;
import dev.prio.core.snip.Accumulator;
import dev.prio.core.snip.PrioServer;
import dev.prio.core.snip.RMode;
import dev.prio.core.snip.TotalShares;
import dev.prio.core.snip.Verifier;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** prio generate: the staging layout, the true sums, the invalid ones and the determinism. */
class GenerateTest {
  static final SecureRandom RANDOM = new SecureRandom();
  static final KeyPair A = KeyPair.generate(RANDOM);
  static final KeyPair B = KeyPair.generate(RANDOM);
  static final String DATE = "2026-11-23";

  @TempDir Path tmp;

  record Run(int exit, String out, String err) {}

  static Run run(List<String> args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            args.toArray(String[]::new),
            Map.of(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            RANDOM,
            Clock.systemUTC());
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  List<String> args(Path work, String batchId, int nData, int count, int invalid, String... extra) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "generate",
                "--n-data",
                String.valueOf(nData),
                "--batch-id",
                batchId,
                "--public-key-hex-a",
                A.publicKey().toHex(),
                "--public-key-hex-b",
                B.publicKey().toHex(),
                "--count",
                String.valueOf(count),
                "--invalid",
                String.valueOf(invalid),
                "--submission-date",
                DATE,
                "--output-a",
                "file:" + work.resolve("a"),
                "--output-b",
                work.resolve("b").toString(),
                "--truth",
                work.resolve("truth.json").toString()));
    a.addAll(List.of(extra));
    return a;
  }

  static Path dir(Path work, String server, String batchId) {
    return work.resolve(server)
        .resolve(
            "prio/v1/submission_date=" + DATE + "/batch_id=" + batchId + "/server_id=" + server);
  }

  /** id → payload, in file order over the sorted files of one server's input directory. */
  static List<String[]> rows(Path dir) throws Exception {
    List<String[]> rows = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files =
          s.filter(p -> p.toString().endsWith(".ndjson") || p.toString().endsWith(".parquet"))
              .sorted()
              .toList();
    }
    for (Path f : files) {
      if (f.toString().endsWith(".parquet")) {
        rows.addAll(parquetRows(f));
        continue;
      }
      for (String line : Files.readAllLines(f)) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) JsonParser.parse(line);
        assertThat(m.keySet()).containsExactly("id", "payload");
        assertThat(PyJson.dumps(m)).isEqualTo(line);
        rows.add(new String[] {(String) m.get("id"), (String) m.get("payload")});
      }
    }
    return rows;
  }

  /**
   * A Parquet file's rows through Parquet's own reader, the payload base64-encoded as in ndjson.
   */
  static List<String[]> parquetRows(Path f) throws Exception {
    return ParquetFiles.rows(f).stream()
        .map(r -> new String[] {r.id(), Base64.getEncoder().encodeToString(r.payload())})
        .toList();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> truth(Path work) throws Exception {
    return (Map<String, Object>) JsonParser.parse(Files.readString(work.resolve("truth.json")));
  }

  static long[] sums(Map<String, Object> truth) {
    return ((List<?>) truth.get("sums"))
        .stream().mapToLong(x -> ((BigInteger) x).longValue()).toArray();
  }

  /**
   * Both servers in CONSTANT mode, as the pair runs: the aggregate of the valid ones, and the count
   * of invalid.
   */
  record Outcome(long[] aggregate, long valid, long invalid) {}

  static Outcome process(Path work, String batchId, int nData, PrgKeyMode prg) throws Exception {
    PrioConfig config = PrioConfig.of(nData, batchId);
    SharedSeed seed = SharedSeed.generate(RANDOM);
    PrioServer sa = new PrioServer(config, ServerId.A, A.privateKey(), seed, prg, RMode.CONSTANT);
    PrioServer sb = new PrioServer(config, ServerId.B, B.privateKey(), seed, prg, RMode.CONSTANT);
    List<String[]> ra = rows(dir(work, "a", batchId));
    List<String[]> rb = rows(dir(work, "b", batchId));
    assertThat(ra).hasSameSizeAs(rb);
    Accumulator accA = new Accumulator(config, ServerId.A);
    Accumulator accB = new Accumulator(config, ServerId.B);
    long invalid = 0;
    for (int i = 0; i < ra.size(); i++) {
      assertThat(ra.get(i)[0]).isEqualTo(rb.get(i)[0]);
      Verifier va = sa.setData(Base64.getDecoder().decode(ra.get(i)[1]));
      Verifier vb = sb.setData(Base64.getDecoder().decode(rb.get(i)[1]));
      PacketVerify1 a1 = va.verify1();
      PacketVerify1 b1 = vb.verify1();
      PacketVerify2 a2 = va.verify2(a1, b1);
      PacketVerify2 b2 = vb.verify2(a1, b1);
      if (Verifier.isValid(a2, b2)) {
        accA.aggregate(va, a2, b2);
        accB.aggregate(vb, a2, b2);
      } else {
        invalid++;
      }
    }
    try {
      return new Outcome(
          TotalShares.combine(accA.totalShare(), accB.totalShare(), nData), accA.count(), invalid);
    } catch (PrioException e) {
      throw new AssertionError(e);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"legacy", "hashed"})
  void prioServerAcceptsTheValidOnesAndTheirSumIsTheTruth(String prg) throws Exception {
    Run r =
        run(
            args(
                tmp,
                "content.blocking_blocked-1",
                37,
                60,
                7,
                "--files",
                "3",
                "--seed",
                "42",
                "--prg-mode",
                prg));
    assertThat(r.err()).isEmpty();
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("generated 60 valid + 7 invalid", "seed: 42");
    try (Stream<Path> s = Files.list(dir(tmp, "a", "content.blocking_blocked-1"))) {
      assertThat(s.map(p -> p.getFileName().toString()).sorted())
          .containsExactly("part-00000.ndjson", "part-00001.ndjson", "part-00002.ndjson");
    }
    Map<String, Object> t = truth(tmp);
    assertThat(t)
        .containsEntry("batch_id", "content.blocking_blocked-1")
        .containsEntry("n_data", BigInteger.valueOf(37))
        .containsEntry("valid", BigInteger.valueOf(60))
        .containsEntry("invalid", BigInteger.valueOf(7));
    long[] truth = sums(t);
    assertThat(truth).hasSize(37);
    Outcome o =
        process(
            tmp,
            "content.blocking_blocked-1",
            37,
            "hashed".equals(prg) ? PrgKeyMode.HASHED : PrgKeyMode.LEGACY);
    assertThat(o.valid()).isEqualTo(60);
    assertThat(o.invalid()).isEqualTo(7);
    assertThat(o.aggregate()).containsExactly(truth);
    // The per-coordinate probabilities spread the sums: not all equal.
    assertThat(Arrays2.distinct(truth)).isGreaterThan(5);
  }

  @Test
  void parquetHoldsTheSameSubmissionsAsNdjsonAndTheirSumIsTheTruth() throws Exception {
    Path pq = tmp.resolve("pq");
    Path nd = tmp.resolve("nd");
    Run r = run(args(pq, "p", 37, 40, 5, "--files", "2", "--seed", "3", "--format", "parquet"));
    assertThat(r.err()).isEmpty();
    assertThat(r.exit()).isZero();
    assertThat(run(args(nd, "p", 37, 40, 5, "--files", "2", "--seed", "3")).exit()).isZero();
    try (Stream<Path> s = Files.list(dir(pq, "b", "p"))) {
      assertThat(s.map(p -> p.getFileName().toString()).sorted())
          .containsExactly("part-00000.parquet", "part-00001.parquet");
    }
    Outcome o = process(pq, "p", 37, PrgKeyMode.LEGACY);
    assertThat(o.valid()).isEqualTo(40);
    assertThat(o.invalid()).isEqualTo(5);
    assertThat(o.aggregate()).containsExactly(sums(truth(pq)));
    assertThat(sums(truth(pq))).containsExactly(sums(truth(nd)));
    assertThat(rows(dir(pq, "a", "p")).stream().map(row -> row[0]))
        .containsExactlyElementsOf(rows(dir(nd, "a", "p")).stream().map(row -> row[0]).toList());
    for (Path f : List.of(dir(pq, "a", "p"), dir(pq, "b", "p"))) {
      // without --compression, uncompressed as before
      assertThat(ParquetFiles.codec(f.resolve("part-00000.parquet")))
          .isEqualTo(CompressionCodecName.UNCOMPRESSED);
    }
    // --compression gzip: the same ids, compressed, and their sum still the truth (the encryption
    // is randomized, so the payload bytes differ from run to run)
    Path gz = tmp.resolve("gz");
    Run g =
        run(
            args(
                gz,
                "p",
                37,
                40,
                5,
                "--files",
                "2",
                "--seed",
                "3",
                "--format",
                "parquet",
                "--compression",
                "gzip"));
    assertThat(g.exit()).as(g.err()).isZero();
    for (String server : List.of("a", "b")) {
      assertThat(ParquetFiles.codec(dir(gz, server, "p").resolve("part-00001.parquet")))
          .isEqualTo(CompressionCodecName.GZIP);
      assertThat(rows(dir(gz, server, "p")).stream().map(row -> row[0]))
          .containsExactlyElementsOf(
              rows(dir(pq, server, "p")).stream().map(row -> row[0]).toList());
    }
    Outcome z = process(gz, "p", 37, PrgKeyMode.LEGACY);
    assertThat(z.valid()).isEqualTo(40);
    assertThat(z.aggregate()).containsExactly(sums(truth(nd)));
    // Staged input of either format is not mixed with a new batch's.
    Run again = run(args(pq, "p", 37, 1, 0, "--format", "ndjson"));
    assertThat(again.exit()).isNotZero();
    assertThat(again.err()).contains("already holds staged .ndjson files or .parquet files");
  }

  @Test
  void invalidOnesFailIsValidAndAllIdsAreDistinct() throws Exception {
    assertThat(run(args(tmp, "x", 5, 0, 12, "--seed", "7")).exit()).isZero();
    Outcome o = process(tmp, "x", 5, PrgKeyMode.LEGACY);
    assertThat(o.valid()).isZero();
    assertThat(o.invalid()).isEqualTo(12);
    assertThat(sums(truth(tmp))).containsOnly(0L);
    Set<String> ids = new HashSet<>();
    rows(dir(tmp, "a", "x")).forEach(row -> ids.add(row[0]));
    assertThat(ids)
        .hasSize(12)
        .allSatisfy(
            id ->
                assertThat(id)
                    .matches(
                        "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
  }

  @Test
  void theSeedFixesIdsOrderAndTruthWhateverTheThreads() throws Exception {
    Path one = tmp.resolve("one");
    Path four = tmp.resolve("four");
    assertThat(
            run(args(one, "b", 300, 100, 9, "--seed", "-5", "--threads", "1", "--files", "2"))
                .exit())
        .isZero();
    assertThat(
            run(args(four, "b", 300, 100, 9, "--seed", "-5", "--threads", "4", "--files", "2"))
                .exit())
        .isZero();
    assertThat(Files.readString(four.resolve("truth.json")))
        .isEqualTo(Files.readString(one.resolve("truth.json")));
    List<String> idsOne = rows(dir(one, "b", "b")).stream().map(r -> r[0]).toList();
    List<String> idsFour = rows(dir(four, "b", "b")).stream().map(r -> r[0]).toList();
    assertThat(idsFour).hasSize(109).isEqualTo(idsOne);
    assertThat(Files.readAllLines(dir(one, "a", "b").resolve("part-00000.ndjson"))).hasSize(54);
  }

  @Test
  void refusesToMixWithStagedFilesAndExplainsUsage() throws Exception {
    assertThat(run(args(tmp, "b", 5, 3, 0)).exit()).isZero();
    Run again = run(args(tmp, "b", 5, 3, 0));
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err())
        .startsWith("prio generate: error: ")
        .contains("already holds staged .ndjson files");
    Run missing = run(List.of("generate", "--n-data", "5"));
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err())
        .contains("missing option --batch-id")
        .contains("prio generate --help");
    assertThat(run(args(tmp.resolve("z"), "b", 5, 0, 0)).err()).contains("nothing to generate");
    assertThat(run(args(tmp.resolve("z"), "b/c", 5, 1, 0)).exit()).isEqualTo(2);
    assertThat(run(args(tmp.resolve("z"), "b", 5, 1, 0, "--output-a", "gs://bucket/x")).err())
        .contains("only local roots");
    Run help = run(List.of("generate", "--help"));
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("--public-key-hex-a", "--invalid", "--truth", "--files");
    assertThat(run(List.of("--help")).out()).contains("generate");
  }

  /** Small helpers kept out of the assertions. */
  static final class Arrays2 {
    static long distinct(long[] v) {
      return java.util.Arrays.stream(v).distinct().count();
    }
  }
}
