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
