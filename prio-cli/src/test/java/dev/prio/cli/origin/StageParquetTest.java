package dev.prio.cli.origin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.cli.ParquetFiles;
import dev.prio.cli.PyJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** prio stage --format parquet: the same records as ndjson, as Parquet's own reader sees them. */
class StageParquetTest {
  static final String DATE = "2019-06-26";
  static final List<String> BATCHES = List.of("batch-x", "batch-y");

  @TempDir Path tmp;

  /** Shares by batch id, then server, in input order: what each partition must hold. */
  private final Map<String, Map<String, List<String>>> expected = new LinkedHashMap<>();

  @Test
  void parquetHoldsTheSameIdsAndPayloadBytesAsNdjson() throws Exception {
    Path in = pings(23);
    Path nd = tmp.resolve("nd");
    Path pq = tmp.resolve("pq");
    assertStaged(OriginCli.run(stage(in, nd, "--max-records-per-file", "4")));
    assertStaged(
        OriginCli.run(stage(in, pq, "--max-records-per-file", "4", "--format", "PARQUET")));

    for (String batch : BATCHES) {
      for (String server : List.of("a", "b")) {
        List<String> shares = expected.get(batch).get(server);
        Path ndDir = StagedOutput.partitionDir(nd, LocalDate.parse(DATE), batch, server);
        Path pqDir = StagedOutput.partitionDir(pq, LocalDate.parse(DATE), batch, server);
        List<Path> ndFiles = list(ndDir);
        List<Path> pqFiles = list(pqDir);
        int parts = (shares.size() + 3) / 4;
        assertThat(ndFiles).hasSize(parts);
        assertThat(pqFiles.stream().map(p -> p.getFileName().toString()))
            .isEqualTo(
                ndFiles.stream()
                    .map(p -> p.getFileName().toString().replace(".ndjson", ".parquet"))
                    .toList());

        // ndjson exactly as before: prio-processor's lines, ids the row number, shares unchanged.
        StringBuilder lines = new StringBuilder();
        for (Path f : ndFiles) {
          lines.append(Files.readString(f, StandardCharsets.US_ASCII));
        }
        StringBuilder want = new StringBuilder();
        for (int i = 0; i < shares.size(); i++) {
          want.append("{\"id\": ")
              .append(i + 1)
              .append(", \"payload\": \"")
              .append(shares.get(i))
              .append("\"}\n");
        }
        assertThat(lines.toString()).isEqualTo(want.toString());

        List<ParquetFiles.Row> rows = new ArrayList<>();
        for (Path f : pqFiles) {
          rows.addAll(ParquetFiles.rows(f));
        }
        assertThat(rows).hasSize(shares.size());
        for (int i = 0; i < shares.size(); i++) {
          assertThat(rows.get(i).id()).isEqualTo(Integer.toString(i + 1));
          assertThat(rows.get(i).payload()).isEqualTo(Base64.getDecoder().decode(shares.get(i)));
        }
      }
    }
  }

  @Test
  void parquetReplacesNdjsonOnlyWithOverwrite() throws Exception {
    Path in = pings(5);
    Path root = tmp.resolve("root");
    assertStaged(OriginCli.run(stage(in, root)));
    OriginCli.Run refused = OriginCli.run(stage(in, root, "--format", "parquet"));
    assertThat(refused.exit()).isNotZero();
    assertThat(refused.err()).contains("already holds input files");

    assertStaged(OriginCli.run(stage(in, root, "--format", "parquet", "--overwrite")));
    Path dir = StagedOutput.partitionDir(root, LocalDate.parse(DATE), BATCHES.get(0), "a");
    assertThat(list(dir).stream().map(p -> p.getFileName().toString()))
        .containsExactly("part-00000.parquet");
    List<String> shares = expected.get(BATCHES.get(0)).get("a");
    List<ParquetFiles.Row> rows = ParquetFiles.rows(dir.resolve("part-00000.parquet"));
    assertThat(rows.stream().map(r -> Base64.getEncoder().encodeToString(r.payload())))
        .containsExactlyElementsOf(shares);
  }

  /** --compression snappy or gzip: the same rows, every column chunk compressed so. */
  @Test
  void compressedParquetHoldsTheSameRows() throws Exception {
    Path in = pings(9);
    for (String codec : List.of("snappy", "GZIP")) {
      Path root = tmp.resolve(codec);
      assertStaged(OriginCli.run(stage(in, root, "--format", "parquet", "--compression", codec)));
      for (String batch : BATCHES) {
        for (String server : List.of("a", "b")) {
          Path file =
              StagedOutput.partitionDir(root, LocalDate.parse(DATE), batch, server)
                  .resolve("part-00000.parquet");
          assertThat(ParquetFiles.codec(file))
              .isEqualTo(CompressionCodecName.valueOf(codec.toUpperCase(Locale.ROOT)));
          List<String> shares = expected.get(batch).get(server);
          List<ParquetFiles.Row> rows = ParquetFiles.rows(file);
          assertThat(rows.stream().map(r -> Base64.getEncoder().encodeToString(r.payload())))
              .containsExactlyElementsOf(shares);
          for (int i = 0; i < rows.size(); i++) {
            assertThat(rows.get(i).id()).isEqualTo(Integer.toString(i + 1));
          }
        }
      }
    }
  }

  @Test
  void compressionIsParquetsOnly() throws Exception {
    OriginCli.Run nd = OriginCli.run(stage(pings(1), tmp.resolve("r"), "--compression", "gzip"));
    assertThat(nd.exit()).isNotZero();
    assertThat(nd.err()).contains("--compression applies to --format parquet only");
    OriginCli.Run lz4 =
        OriginCli.run(
            stage(pings(1), tmp.resolve("r"), "--format", "parquet", "--compression", "zstd"));
    assertThat(lz4.exit()).isNotZero();
    assertThat(lz4.err()).contains("invalid value for --compression: none, snappy or gzip");
    assertThat(tmp.resolve("r")).doesNotExist();
  }

  @Test
  void rejectsAnUnknownFormat() throws Exception {
    OriginCli.Run run = OriginCli.run(stage(pings(1), tmp.resolve("r"), "--format", "csv"));
    assertThat(run.exit()).isNotZero();
    assertThat(run.err()).contains("invalid value for --format: ndjson or parquet");
    assertThat(tmp.resolve("r")).doesNotExist();
  }

  /**
   * {@code n} pings, each with an entry for the first batch and every other one for the second too,
   * with random shares of varying length; remembers the shares in {@link #expected}.
   */
  private Path pings(int n) throws Exception {
    Random r = new Random(n);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      List<Object> data = new ArrayList<>();
      for (String batch : i % 2 == 0 ? BATCHES : BATCHES.subList(0, 1)) {
        Map<String, Object> prio = new LinkedHashMap<>();
        for (String server : List.of("a", "b")) {
          byte[] share = new byte[1 + r.nextInt(server.equals("a") ? 300 : 40)];
          r.nextBytes(share);
          String b64 = Base64.getEncoder().encodeToString(share);
          prio.put(server, b64);
          expected
              .computeIfAbsent(batch, k -> new LinkedHashMap<>())
              .computeIfAbsent(server, k -> new ArrayList<>())
              .add(b64);
        }
        data.add(Map.of("encoding", batch, "prio", prio));
      }
      Map<String, Object> ping = new LinkedHashMap<>();
      ping.put("type", "prio");
      ping.put("id", "ping-" + i);
      ping.put("payload", Map.of("version", "1", "prioData", data));
      lines.add(PyJson.dumps(ping));
    }
    Path file = tmp.resolve("pings-" + n + ".ndjson");
    Files.writeString(file, String.join("\n", lines) + "\n");
    return file;
  }

  private static String[] stage(Path in, Path root, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "stage",
                "--input",
                in.toString(),
                "--output",
                root.toString(),
                "--submission-date",
                DATE));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  private static void assertStaged(OriginCli.Run run) {
    assertThat(run.exit()).as(run.err()).isZero();
  }

  /** The partition's part files; its _SUCCESS marker must be there beside them. */
  private static List<Path> list(Path dir) throws Exception {
    assertThat(dir.resolve(StagedOutput.SUCCESS)).exists();
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(f -> !f.endsWith(StagedOutput.SUCCESS)).sorted().toList();
    }
  }
}
