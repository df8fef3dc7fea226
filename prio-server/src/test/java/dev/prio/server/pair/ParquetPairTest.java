package dev.prio.server.pair;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import dev.prio.core.snip.PrioClient;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.FakeGcs;
import dev.prio.server.storage.ParquetFiles;
import dev.prio.server.storage.StorageLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same generated submissions staged as ndjson on one date and as Parquet on another (A's split
 * over two files of many row groups, B's partly ndjson and in another order) publish the same
 * aggregate, the true sums; and bad rows get the reasons the same bad lines get.
 */
class ParquetPairTest {
  private static final CompressionCodecName SNAPPY = CompressionCodecName.SNAPPY;
  private static final CompressionCodecName GZIP = CompressionCodecName.GZIP;
  private static final String NDJSON_DATE = "2026-11-20";
  private static final String PARQUET_DATE = "2026-11-21";

  @TempDir Path work;

  @Test
  void parquetAndNdjsonOfTheSameSubmissionsPublishTheTrueSums() throws Exception {
    String batch = "content.blocking_blocked-0";
    ServerPair.Keys keys = Generated.newKeys();
    Generated gen = new Generated(keys, PrioConfig.of(2046, batch), 7);
    gen.addValid(300);
    List<Generated.Added> all = gen.added;
    try (ServerPair pair = pair(keys, batch, 2046, "40")) {
      stageNdjson(pair, batch, gen);
      Path dirA = Staging.inputDir(pair.root(ServerId.A), PARQUET_DATE, batch, ServerId.A);
      // ~49 KB per A row: row groups of a few rows, so chunks span row groups and files
      Path a0 = writeRows(dirA.resolve("part-0.parquet"), all.subList(0, 130), ServerId.A, 256);
      writeRows(dirA.resolve("part-1.parquet"), all.subList(130, 300), ServerId.A, 256);
      assertThat(ParquetFiles.rowGroups(a0)).isGreaterThan(10);
      Path dirB = Staging.inputDir(pair.root(ServerId.B), PARQUET_DATE, batch, ServerId.B);
      StringBuilder someB = new StringBuilder();
      for (Generated.Added x : all.subList(0, 50)) {
        Generated.line(someB, x.id(), b64(x.submission().forB()));
      }
      java.nio.file.Files.writeString(dirB.resolve("part-0.ndjson"), someB.toString());
      List<Generated.Added> rest = new ArrayList<>(all.subList(50, 300));
      java.util.Collections.reverse(rest);
      writeRows(dirB.resolve("part-1.parquet"), rest, ServerId.B, 4);

      String published = run(pair, batch, NDJSON_DATE, 300);
      String fromParquet = run(pair, batch, PARQUET_DATE, 300);
      assertThat(published).contains("\"payload\":" + gen.expectedPayload());
      assertThat(fromParquet).contains("\"payload\":" + gen.expectedPayload());
      assertThat(Staging.published(pair.root(ServerId.B), PARQUET_DATE, batch))
          .isEqualTo(fromParquet);
    }
  }

  @Test
  void badRowsGetTheReasonsBadLinesGet() throws Exception {
    String batch = "test-bad";
    int nData = 12;
    ServerPair.Keys keys = Generated.newKeys();
    Generated gen = new Generated(keys, PrioConfig.of(nData, batch), 11);
    gen.addValid(20);
    PrioClient.Submission dup = gen.valid("dup");
    gen.add("dup", dup); // the same id twice on both sides: the second is a duplicate
    PrioClient.Submission corrupt = new Generated(keys, PrioConfig.of(nData, batch), 3).valid("c");
    byte[] flipped = corrupt.forA().clone();
    flipped[flipped.length - 1] ^= 1;
    gen.add("corrupt", new PrioClient.Submission(flipped, corrupt.forB()));
    PrioClient.Submission garbage = new Generated(keys, PrioConfig.of(nData, batch), 4).valid("g");
    gen.add("garbage", new PrioClient.Submission(new byte[] {1, 2, 3}, garbage.forB()));
    gen.invalidProof("two");
    // A row and a line without an id on A only
    gen.forA.append("{\"payload\": \"AAEC\"}\n");

    try (ServerPair pair = pair(keys, batch, nData, "7")) {
      stageNdjson(pair, batch, gen);
      Path dirA = Staging.inputDir(pair.root(ServerId.A), PARQUET_DATE, batch, ServerId.A);
      List<ParquetFiles.Row> rowsA = rows(gen.added, ServerId.A);
      rowsA.add(new ParquetFiles.Row(null, new byte[] {0, 1, 2}));
      ParquetFiles.write(
          dirA.resolve("part-0.parquet"),
          ParquetFiles.OPTIONAL,
          1 << 20,
          CompressionCodecName.UNCOMPRESSED,
          rowsA);
      writeRows(
          Staging.inputDir(pair.root(ServerId.B), PARQUET_DATE, batch, ServerId.B)
              .resolve("part-0.parquet"),
          gen.added,
          ServerId.B,
          1 << 20);

      Map<ServerId, String> ndjson = runStates(pair, batch, NDJSON_DATE);
      Map<ServerId, String> parquet = runStates(pair, batch, PARQUET_DATE);
      Map<String, Long> expectedA =
          new TreeMap<>(
              Map.of(
                  "valid", 21L,
                  "malformed_line", 1L,
                  "decrypt_failed", 1L,
                  "ciphertext_too_short", 1L,
                  "duplicate_id", 1L,
                  "proof_invalid", 1L));
      assertThat(BadInputPairTest.submissions(ndjson.get(ServerId.A))).isEqualTo(expectedA);
      assertThat(BadInputPairTest.submissions(parquet.get(ServerId.A)))
          .as(parquet.get(ServerId.A))
          .isEqualTo(expectedA);
      assertThat(BadInputPairTest.submissions(parquet.get(ServerId.B)))
          .isEqualTo(BadInputPairTest.submissions(ndjson.get(ServerId.B)))
          .containsEntry("rejected_by_peer", 2L)
          .containsEntry("duplicate_id", 1L);
      assertThat(Staging.published(pair.root(ServerId.A), PARQUET_DATE, batch))
          .contains("\"payload\":" + gen.expectedPayload());
    }
  }

  /** Both servers on gs:// buckets of a real fake-gcs-server, reading Parquet by ranged reads. */
  @Test
  void parquetOnGcsPublishesTheTrueSums() throws Exception {
    FakeGcs gcs = FakeGcs.get();
    String batch = "content.blocking_blocked-1";
    ServerPair.Keys keys = Generated.newKeys();
    Generated gen = new Generated(keys, PrioConfig.of(2046, batch), 5);
    gen.addValid(90);
    BatchKey key = new BatchKey(LocalDate.parse(PARQUET_DATE), batch);
    Storage client = gcs.client();
    try (ServerPair pair =
        new ServerPair(work, keys, "[{\"batch_id\": \"" + batch + "\", \"n_data\": 2046}]")
            .with("prio.batch.chunk-size", "25")
            .with("prio.storage.gcs-host", gcs.host())) {
      Map<ServerId, String> buckets = new EnumMap<>(ServerId.class);
      for (ServerId s : ServerId.values()) {
        buckets.put(s, gcs.newBucket("parquet-" + s.name().toLowerCase(Locale.ROOT)));
        pair.withRole(s, "prio.storage.root", "gs://" + buckets.get(s) + "/p/");
        Path file =
            writeRows(work.resolve(s + ".parquet"), gen.added, s, s == ServerId.A ? 256 : 1 << 10);
        client.create(
            BlobInfo.newBuilder(
                    buckets.get(s), "p/" + StorageLayout.inputPrefix(key, s) + "part-0.parquet")
                .build(),
            java.nio.file.Files.readAllBytes(file));
      }
      pair.startB();
      pair.startA();
      Map<ServerId, String> states = runStates(pair, batch, PARQUET_DATE);
      assertThat(states.get(ServerId.A)).contains("\"valid\":90");
      String published =
          new String(
              client.readAllBytes(
                  BlobId.of(buckets.get(ServerId.A), "p/" + StorageLayout.published(key, 1))),
              StandardCharsets.UTF_8);
      assertThat(published)
          .contains("\"payload\":" + gen.expectedPayload())
          .contains("\"error\":0,\"total\":90");
    }
  }

  /**
   * A's input snappy (two files, row groups of a few rows), B's gzip in another order: the true
   * sums. Then the same submissions with integer ids, as {@code prio stage} writes them: JSON
   * numbers in ndjson on one side, Parquet's decimal strings (compressed) on the other, both ways
   * round. Both readers give the id as its decimal text, so the handshake's count and id checksum
   * agree and every id joins: all valid, the true sums.
   */
  @Test
  void compressedParquetAndMixedIdFormsPublishTheTrueSums() throws Exception {
    String batch = "content.blocking_blocked-2";
    ServerPair.Keys keys = Generated.newKeys();
    Generated gen = new Generated(keys, PrioConfig.of(2046, batch), 13);
    gen.addValid(120);
    List<Generated.Added> all = gen.added;
    try (ServerPair pair = pair(keys, batch, 2046, "25")) {
      String codecs = "2026-11-22";
      Path dirA = Staging.inputDir(pair.root(ServerId.A), codecs, batch, ServerId.A);
      Path a0 = writeRows(dirA.resolve("part-0.parquet"), all.subList(0, 70), ServerId.A, SNAPPY);
      writeRows(dirA.resolve("part-1.parquet"), all.subList(70, 120), ServerId.A, SNAPPY);
      List<Generated.Added> reversed = new ArrayList<>(all);
      java.util.Collections.reverse(reversed);
      Path b0 =
          writeRows(
              Staging.inputDir(pair.root(ServerId.B), codecs, batch, ServerId.B)
                  .resolve("part-0.parquet"),
              reversed,
              ServerId.B,
              GZIP);
      assertThat(ParquetFiles.codec(a0)).isEqualTo(SNAPPY);
      assertThat(ParquetFiles.rowGroups(a0)).isGreaterThan(5);
      assertThat(ParquetFiles.codec(b0)).isEqualTo(GZIP);
      assertThat(run(pair, batch, codecs, 120)).contains("\"payload\":" + gen.expectedPayload());

      List<Generated.Added> numbered = new ArrayList<>();
      for (int i = 0; i < all.size(); i++) {
        numbered.add(
            new Generated.Added(Long.toString(7_000_000_000L + i), all.get(i).submission()));
      }
      for (ServerId ndjson : ServerId.values()) {
        String date = ndjson == ServerId.A ? "2026-11-23" : "2026-11-24";
        ServerId parquet = ndjson == ServerId.A ? ServerId.B : ServerId.A;
        Staging.write(
            pair.root(ndjson),
            date,
            batch,
            ndjson,
            "part-0.ndjson",
            numericLines(numbered, ndjson));
        writeRows(
            Staging.inputDir(pair.root(parquet), date, batch, parquet).resolve("part-0.parquet"),
            numbered,
            parquet,
            ndjson == ServerId.A ? SNAPPY : GZIP);
        Map<ServerId, String> states = runStates(pair, batch, date);
        assertThat(states.get(ServerId.A)).as(date).contains("\"valid\":120");
        assertThat(states.get(ServerId.B)).as(date).contains("\"valid\":120");
        assertThat(Staging.published(pair.root(ServerId.A), date, batch))
            .contains("\"payload\":" + gen.expectedPayload())
            .contains("\"error\":0,\"total\":120");
      }
    }
  }

  /**
   * A flipped byte in a compressed page of B's input, then of A's: the page's CRC refuses it, the
   * batch fails as INPUT_UNREADABLE on the side that holds the file and on A (B answers A's
   * handshake with the input-unreadable problem, not a 500), and nothing is published.
   */
  @Test
  void aDamagedCompressedPageFailsTheBatchAsUnreadableInput() throws Exception {
    String batch = "content.blocking_blocked-3";
    ServerPair.Keys keys = Generated.newKeys();
    Generated gen = new Generated(keys, PrioConfig.of(2046, batch), 17);
    gen.addValid(30);
    try (ServerPair pair = pair(keys, batch, 2046, "10")) {
      for (ServerId damaged : ServerId.values()) {
        String date = damaged == ServerId.B ? "2026-11-25" : "2026-11-26";
        Map<ServerId, Path> files = new EnumMap<>(ServerId.class);
        for (ServerId s : ServerId.values()) {
          files.put(
              s,
              writeRows(
                  Staging.inputDir(pair.root(s), date, batch, s).resolve("part-0.parquet"),
                  gen.added,
                  s,
                  s == ServerId.A ? GZIP : SNAPPY));
        }
        flipInsideAPage(files.get(damaged));
        assertThat(pair.startBatch(batch, date).statusCode()).isEqualTo(202);
        String a = pair.awaitTerminal(ServerId.A, batch, date, Duration.ofMinutes(2));
        assertThat(a)
            .as(a)
            .contains("\"phase\":\"FAILED\"")
            .contains("\"failure\":\"INPUT_UNREADABLE\"");
        // the side that holds the file names it and what is wrong
        String holder =
            damaged == ServerId.A
                ? a
                : pair.awaitTerminal(ServerId.B, batch, date, Duration.ofSeconds(30));
        assertThat(holder)
            .as(holder)
            .contains("\"failure\":\"INPUT_UNREADABLE\"")
            .contains("server " + damaged + "'s input is unreadable")
            .contains("server_id=" + damaged.name().toLowerCase(Locale.ROOT) + "/part-0.parquet")
            .contains("CRC checksum verification failed");
        for (ServerId s : ServerId.values()) {
          assertThat(pair.root(s).resolve("prio/v1/published/submission_date=" + date))
              .doesNotExist();
        }
      }
    }
  }

  /** Flips a byte in the middle of the file: inside the payload column's pages, which fill it. */
  private static void flipInsideAPage(Path file) throws Exception {
    byte[] bytes = java.nio.file.Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x40;
    java.nio.file.Files.write(file, bytes);
  }

  /** {@code prio stage}'s ndjson lines: the id a JSON number. */
  private static String numericLines(List<Generated.Added> added, ServerId side) {
    StringBuilder out = new StringBuilder();
    for (Generated.Added x : added) {
      byte[] share = side == ServerId.A ? x.submission().forA() : x.submission().forB();
      out.append("{\"id\": ")
          .append(x.id())
          .append(", \"payload\": \"")
          .append(b64(share))
          .append("\"}\n");
    }
    return out.toString();
  }

  private ServerPair pair(ServerPair.Keys keys, String batch, int nData, String chunkSize)
      throws Exception {
    return new ServerPair(
            work, keys, "[{\"batch_id\": \"" + batch + "\", \"n_data\": " + nData + "}]")
        .with("prio.batch.chunk-size", chunkSize)
        .start();
  }

  private static void stageNdjson(ServerPair pair, String batch, Generated gen) throws Exception {
    Staging.write(
        pair.root(ServerId.A),
        NDJSON_DATE,
        batch,
        ServerId.A,
        "part-0.ndjson",
        gen.forA.toString());
    Staging.write(
        pair.root(ServerId.B),
        NDJSON_DATE,
        batch,
        ServerId.B,
        "part-0.ndjson",
        gen.forB.toString());
  }

  /** Runs one batch to PUBLISHED on both sides; A's published record. */
  private static String run(ServerPair pair, String batch, String date, int valid)
      throws Exception {
    String a = runStates(pair, batch, date).get(ServerId.A);
    assertThat(a).contains("\"valid\":" + valid);
    String published = Staging.published(pair.root(ServerId.A), date, batch);
    assertThat(published).contains("\"error\":0,\"total\":" + valid);
    return published;
  }

  private static Map<ServerId, String> runStates(ServerPair pair, String batch, String date)
      throws Exception {
    assertThat(pair.startBatch(batch, date).statusCode()).isEqualTo(202);
    String a = pair.awaitTerminal(ServerId.A, batch, date, Duration.ofMinutes(5));
    String b = pair.awaitTerminal(ServerId.B, batch, date, Duration.ofSeconds(30));
    assertThat(ServerPair.phase(a)).as(a).isEqualTo("PUBLISHED");
    assertThat(ServerPair.phase(b)).as(b).isEqualTo("PUBLISHED");
    return Map.of(ServerId.A, a, ServerId.B, b);
  }

  private static Path writeRows(
      Path file, List<Generated.Added> added, ServerId side, long rowGroupKb) throws Exception {
    return ParquetFiles.write(file, rowGroupKb << 10, rows(added, side));
  }

  /** Row groups of about 256 KiB (a few rows each), compressed with {@code codec}. */
  private static Path writeRows(
      Path file, List<Generated.Added> added, ServerId side, CompressionCodecName codec)
      throws Exception {
    return ParquetFiles.write(file, ParquetFiles.STRING_IDS, 256 << 10, codec, rows(added, side));
  }

  private static List<ParquetFiles.Row> rows(List<Generated.Added> added, ServerId side) {
    Function<PrioClient.Submission, byte[]> share =
        side == ServerId.A ? PrioClient.Submission::forA : PrioClient.Submission::forB;
    List<ParquetFiles.Row> rows = new ArrayList<>();
    for (Generated.Added x : added) {
      rows.add(new ParquetFiles.Row(x.id(), share.apply(x.submission())));
    }
    return rows;
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }
}
