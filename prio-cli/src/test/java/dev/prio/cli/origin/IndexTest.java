package dev.prio.cli.origin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.json.JsonParser;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * prio index over the production DATA_CONFIG and origins list: offsets, formats, discovery, errors.
 */
class IndexTest {
  static final String DATE = "2019-06-26";
  static final String B0 = "content.blocking_blocked_TESTONLY-0";
  static final String B1 = "content.blocking_blocked_TESTONLY-1";

  @TempDir Path tmp;
  Path config;
  Path origins;
  List<?> originList;

  @BeforeEach
  void fixtures() throws Exception {
    config = OriginCli.upstream("config/content.json");
    origins = OriginCli.upstream("config/telemetry_origin_data_inc.json");
    originList = (List<?>) JsonParser.parse(Files.readString(origins));
  }

  /** A server's published record with counts base + i, in its layout under root. */
  Path publish(Path root, String batchId, int n, int base, String file) throws IOException {
    StringBuilder sb =
        new StringBuilder(
            "{\"id\":\"rec-"
                + batchId
                + "\",\"timestamp\":\"2026-11-24T02:14:00.831961\",\"payload\":[");
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : ",").append(base + i);
    }
    sb.append("],\"error\":0,\"total\":99}\n");
    Path dir =
        Files.createDirectories(Published.dateDir(root, DATE).resolve("batch_id=" + batchId));
    return Files.writeString(dir.resolve(file), sb.toString());
  }

  static List<Map<?, ?>> rows(String ndjson) throws Exception {
    List<Map<?, ?>> out = new ArrayList<>();
    for (String line : ndjson.split("\n")) {
      out.add((Map<?, ?>) JsonParser.parse(line));
    }
    return out;
  }

  Map<?, ?> origin(int position) {
    return (Map<?, ?>) originList.get(position);
  }

  @Test
  void shardZeroStartsAtTheFirstOrigin() throws Exception {
    Path file = publish(tmp, B0, 2046, 1000, "data.ndjson");
    OriginCli.Run run =
        OriginCli.run(
            "index",
            "--input",
            file.toString(),
            "--data-config",
            config.toString(),
            "--origins",
            origins.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    List<Map<?, ?>> rows = rows(run.out());
    assertThat(rows).hasSize(2046);
    for (int i : new int[] {0, 1, 2045}) {
      Map<?, ?> row = rows.get(i);
      assertThat(row.get("origin")).isEqualTo(origin(i).get("name"));
      assertThat(row.get("hash")).isEqualTo(origin(i).get("hash"));
      assertThat(row.get("index")).isEqualTo(BigInteger.valueOf(i));
      assertThat(row.get("aggregate")).isEqualTo(BigInteger.valueOf(1000 + i));
      assertThat(row.get("batch_id")).isEqualTo("content.blocking_blocked_TESTONLY");
      assertThat(row.get("id")).isEqualTo("rec-" + B0);
    }
    assertThat(rows.get(0).get("origin")).isEqualTo("PAGELOAD");
    assertThat(run.out().split("\n")[0])
        .isEqualTo(
            "{\"id\": \"rec-"
                + B0
                + "\", \"timestamp\": \"2026-11-24T02:14:00.831961\","
                + " \"batch_id\": \"content.blocking_blocked_TESTONLY\", \"origin\": \"PAGELOAD\", \"hash\": \"PAGELOAD\","
                + " \"index\": 0, \"aggregate\": 1000}");
  }

  @Test
  void shardOneContinuesAfterShardZerosNData() throws Exception {
    Path file = publish(tmp, B1, 441, 0, "data.ndjson");
    OriginCli.Run run =
        OriginCli.run(
            "index",
            "--input",
            file.getParent().toString(),
            "--data-config",
            config.toString(),
            "--origins",
            origins.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    List<Map<?, ?>> rows = rows(run.out());
    assertThat(rows).hasSize(441);
    assertThat(rows.get(0).get("origin")).isEqualTo("httpool.com");
    assertThat(rows.get(0).get("index")).isEqualTo(BigInteger.valueOf(2046));
    assertThat(rows.get(440).get("origin")).isEqualTo("__UNKNOWN__");
    assertThat(rows.get(440).get("index")).isEqualTo(BigInteger.valueOf(2486));
    assertThat(rows.get(440).get("aggregate")).isEqualTo(BigInteger.valueOf(440));
    assertThat(run.err()).contains("shard 1, origins 2046..2486");
  }

  @Test
  void shardOffsetsSumEveryEarlierShard() throws Exception {
    Path cfg =
        Files.writeString(
            tmp.resolve("cfg.json"),
            "[{\"batch_id\": \"m-2\", \"n_data\": 2}, {\"batch_id\": \"m-0\", \"n_data\": 3}, {\"batch_id\": \"m-1\", \"n_data\": 4}]");
    assertThat(Shard.of("m-2", DataConfigFile.read(cfg))).isEqualTo(new Shard("m-2", "m", 2, 7, 2));
    assertThat(Shard.of("m-0", DataConfigFile.read(cfg)).offset()).isZero();
    Path gap =
        Files.writeString(tmp.resolve("gap.json"), "[{\"batch_id\": \"m-1\", \"n_data\": 4}]");
    Path file = publish(tmp, "m-1", 4, 0, "data.ndjson");
    OriginCli.Run run =
        OriginCli.run(
            "index",
            "--input",
            file.toString(),
            "--data-config",
            gap.toString(),
            "--origins",
            origins.toString());
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("has no m-0");
  }

  @Test
  void writesCsvForAnalysts() throws Exception {
    publish(tmp, B1, 441, 5, "data.ndjson");
    Path origins2 =
        Files.writeString(
            tmp.resolve("o.json"),
            Files.readString(origins).replace("\"httpool.com\"", "\"a,\\\"quoted\\\" origin\""));
    Path out = tmp.resolve("out/rows.csv");
    OriginCli.Run run =
        OriginCli.run(
            "index",
            "--root",
            "file:" + tmp,
            "--submission-date",
            DATE,
            "--batch-id",
            B1,
            "--data-config",
            config.toString(),
            "--origins",
            origins2.toString(),
            "--format",
            "csv",
            "--output",
            out.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    List<String> lines = Files.readAllLines(out);
    assertThat(lines).hasSize(442);
    assertThat(lines.get(0)).isEqualTo("id,timestamp,batch_id,origin,hash,index,aggregate");
    assertThat(lines.get(1))
        .isEqualTo(
            "rec-"
                + B1
                + ",2026-11-24T02:14:00.831961,content.blocking_blocked_TESTONLY,"
                + "\"a,\"\"quoted\"\" origin\","
                + origin(2046).get("hash")
                + ",2046,5");
    assertThat(lines.get(441)).endsWith(",__UNKNOWN__,__UNKNOWN__,2486,445");
  }

  @Test
  void rootFindsEveryPublishedBatchOfTheDateAndTheNewestVersion() throws Exception {
    publish(tmp, B0, 2046, 0, "data.ndjson");
    publish(tmp, B1, 441, 0, "data.ndjson");
    publish(tmp, B1, 441, 7, "data-v2.ndjson");
    publish(tmp, "not-configured-0", 3, 0, "data.ndjson");
    OriginCli.Run run =
        OriginCli.run(
            "index",
            "--root",
            tmp.toString(),
            "--submission-date",
            DATE,
            "--data-config",
            config.toString(),
            "--origins",
            origins.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    List<Map<?, ?>> rows = rows(run.out());
    assertThat(rows).hasSize(2046 + 441);
    for (int i = 0; i < rows.size(); i++) {
      assertThat(rows.get(i).get("origin")).isEqualTo(origin(i).get("name"));
    }
    assertThat(rows.get(2046).get("aggregate")).isEqualTo(BigInteger.valueOf(7));
    assertThat(run.err()).contains("skipping not-configured-0").contains("data-v2.ndjson");
  }

  @Test
  void readsPrioProcessorsProcessedRecordWithoutTrailingNewline() throws Exception {
    Path file = Files.createDirectories(tmp.resolve("x")).resolve("data.ndjson");
    Files.writeString(file, "{\"id\": \"u\", \"timestamp\": \"t\", \"payload\": [1, 2, 3]}");
    Path cfg =
        Files.writeString(tmp.resolve("cfg.json"), "[{\"batch_id\": \"m-0\", \"n_data\": 3}]");
    OriginCli.Run run =
        OriginCli.run(
            "index",
            "--input",
            file.toString(),
            "--batch-id",
            "m-0",
            "--data-config",
            cfg.toString(),
            "--origins",
            origins.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(rows(run.out()))
        .extracting(m -> (Object) m.get("aggregate"))
        .containsExactly(BigInteger.ONE, BigInteger.TWO, BigInteger.valueOf(3));
  }

  @Test
  void refusesWhatPrioProcessorWouldTruncate() throws Exception {
    Path shortPayload = publish(tmp.resolve("a"), B0, 2045, 0, "data.ndjson");
    OriginCli.Run run =
        OriginCli.run(
            "index",
            "--input",
            shortPayload.toString(),
            "--data-config",
            config.toString(),
            "--origins",
            origins.toString());
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("2045 counts but " + B0 + " has n_data 2046");
    assertThat(run.out()).isEmpty();

    Path fewOrigins =
        Files.writeString(
            tmp.resolve("few.json"), "[{\"name\": \"x\", \"hash\": \"h\", \"index\": 0}]");
    run =
        OriginCli.run(
            "index",
            "--input",
            publish(tmp.resolve("b"), B0, 2046, 0, "data.ndjson").toString(),
            "--data-config",
            config.toString(),
            "--origins",
            fewOrigins.toString());
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("covers origins 0..2045 but");

    Path unknown = publish(tmp.resolve("c"), "other-0", 3, 0, "data.ndjson");
    run =
        OriginCli.run(
            "index",
            "--input",
            unknown.toString(),
            "--data-config",
            config.toString(),
            "--origins",
            origins.toString());
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("not in --data-config");

    Path noShard = publish(tmp.resolve("d"), "test", 3, 0, "data.ndjson");
    run =
        OriginCli.run(
            "index",
            "--input",
            noShard.toString(),
            "--data-config",
            config.toString(),
            "--origins",
            origins.toString());
    assertThat(run.err()).contains("is not <metric>-<shard>");

    Path badOrigins =
        Files.writeString(tmp.resolve("bad.json"), "[{\"name\": \"x\", \"index\": 0}]");
    run =
        OriginCli.run(
            "index",
            "--input",
            shortPayload.toString(),
            "--data-config",
            config.toString(),
            "--origins",
            badOrigins.toString());
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("entry 0 is not");

    assertThat(
            OriginCli.run(
                    "index", "--data-config", config.toString(), "--origins", origins.toString())
                .exit())
        .isEqualTo(2);
    assertThat(
            OriginCli.run(
                    "index",
                    "--input",
                    shortPayload.toString(),
                    "--data-config",
                    config.toString(),
                    "--origins",
                    origins.toString(),
                    "--format",
                    "xml")
                .exit())
        .isEqualTo(2);
  }
}
