package dev.prio.cli.origin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.cli.PyJson;
import dev.prio.core.json.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * prio stage: the real Firefox ping, the other input shapes, duplicates, every reject, the files.
 */
class StageTest {
  static final String DATE = "2019-06-26";
  static final String B0 = "content.blocking_blocked_TESTONLY-0";
  static final String B1 = "content.blocking_blocked_TESTONLY-1";

  @TempDir Path tmp;

  /** The fixture ping (pretty-printed upstream) as one ndjson line. */
  static String fixturePingLine() throws IOException {
    return Files.readString(OriginCli.upstream("tests/resources/fx-69.0a1.json")).replace("\n", "");
  }

  Path write(String name, String... lines) throws IOException {
    Path p = tmp.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, String.join("\n", lines) + "\n");
    return p;
  }

  Path partition(Path root, String batch, String server) {
    return StagedOutput.partitionDir(root, java.time.LocalDate.parse(DATE), batch, server);
  }

  static List<Map<?, ?>> records(Path dir) throws Exception {
    List<Map<?, ?>> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        for (String line : Files.readAllLines(f)) {
          out.add((Map<?, ?>) JsonParser.parse(line));
        }
      }
    }
    return out;
  }

  static Map<?, ?> report(Path file) throws Exception {
    return (Map<?, ?>) JsonParser.parse(Files.readString(file));
  }

  static long reason(Map<?, ?> report, String code) {
    Map<?, ?> r = (Map<?, ?>) ((Map<?, ?>) report.get("rejects")).get(code);
    return r == null ? 0 : ((BigInteger) r.get("count")).longValue();
  }

  /** A ping in Firefox's shape; shares are random bytes (stage only checks their base64). */
  static String ping(String id, Random r, String... batchIds) {
    List<Object> data = new ArrayList<>();
    for (String b : batchIds) {
      data.add(
          Map.of(
              "encoding",
              b,
              "prio",
              new LinkedHashMap<>(Map.of("a", share(r, 100), "b", share(r, 20)))));
    }
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("version", "1");
    payload.put("prioData", data);
    Map<String, Object> ping = new LinkedHashMap<>();
    ping.put("type", "prio");
    ping.put("id", id);
    ping.put("payload", payload);
    return PyJson.dumps(ping);
  }

  static String share(Random r, int n) {
    byte[] b = new byte[n + r.nextInt(3)];
    r.nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }

  @Test
  void stagesTheRealFirefoxPing() throws Exception {
    Path in = write("pings/fx.ndjson", fixturePingLine());
    Path root = tmp.resolve("root");
    Path rep = tmp.resolve("report.json");
    OriginCli.Run run =
        OriginCli.run(
            "stage",
            "--input",
            in.toString(),
            "--output",
            "file:" + root,
            "--submission-date",
            DATE,
            "--data-config",
            OriginCli.upstream("config/content.json").toString(),
            "--report",
            rep.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.err()).contains("staged 6 entries of 1 pings into 2 batch ids");

    Map<?, ?> ping = (Map<?, ?>) JsonParser.parse(fixturePingLine());
    List<?> prioData = (List<?>) ((Map<?, ?>) ping.get("payload")).get("prioData");
    Map<String, int[]> sizesA =
        Map.of(B0, new int[] {49275, 49274, 49268}, B1, new int[] {11609, 11605, 11608});
    for (String batch : List.of(B0, B1)) {
      List<Map<?, ?>> a = records(partition(root, batch, "a"));
      List<Map<?, ?>> b = records(partition(root, batch, "b"));
      assertThat(a).hasSize(3);
      assertThat(b).hasSize(3);
      List<?> expected =
          prioData.stream()
              .map(e -> (Map<?, ?>) e)
              .filter(e -> e.get("encoding").equals(batch))
              .map(e -> (Map<?, ?>) e.get("prio"))
              .toList();
      for (int i = 0; i < 3; i++) {
        assertThat(a.get(i).get("id")).isEqualTo(BigInteger.valueOf(i + 1));
        assertThat(b.get(i).get("id")).isEqualTo(BigInteger.valueOf(i + 1));
        assertThat(a.get(i).get("payload")).isEqualTo(((Map<?, ?>) expected.get(i)).get("a"));
        assertThat(b.get(i).get("payload")).isEqualTo(((Map<?, ?>) expected.get(i)).get("b"));
        assertThat(Base64.getDecoder().decode((String) a.get(i).get("payload")))
            .hasSize(sizesA.get(batch)[i]);
        assertThat(Base64.getDecoder().decode((String) b.get(i).get("payload"))).hasSize(187);
      }
      // The exact line format: Python json.dumps separators, integer id.
      assertThat(Files.readString(partition(root, batch, "a").resolve("part-00000.ndjson")))
          .startsWith("{\"id\": 1, \"payload\": \"");
    }
    Map<?, ?> report = report(rep);
    assertThat(((Map<?, ?>) report.get("entries")).get("staged")).isEqualTo(BigInteger.valueOf(6));
    assertThat(((Map<?, ?>) report.get("rejects"))).isEmpty();
    assertThat(root.resolve("prio/v1/_staging")).doesNotExist();
  }

  @Test
  void acceptsTheSinkWrapperPlainAndGzipped() throws Exception {
    String line = fixturePingLine();
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
      g.write(ping("other", new Random(1), B0).getBytes(StandardCharsets.UTF_8));
    }
    Path in =
        write(
            "sink.ndjson",
            "{\"attributeMap\": {\"document_type\": \"prio\"}, \"payload\": \""
                + Base64.getEncoder().encodeToString(line.getBytes(StandardCharsets.UTF_8))
                + "\"}",
            "{\"payload\": \"" + Base64.getEncoder().encodeToString(gz.toByteArray()) + "\"}",
            "{\"payload\": \"not base64!\"}",
            "{\"payload\": \""
                + Base64.getEncoder().encodeToString("[1]".getBytes(StandardCharsets.UTF_8))
                + "\"}");
    Path root = tmp.resolve("root");
    Path rep = tmp.resolve("r.json");
    OriginCli.Run run =
        OriginCli.run(
            "stage",
            "--input",
            in.toString(),
            "--output",
            root.toString(),
            "--submission-date",
            DATE,
            "--report",
            rep.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(records(partition(root, B0, "a"))).hasSize(4);
    assertThat(records(partition(root, B1, "b"))).hasSize(3);
    assertThat(reason(report(rep), "bad_wrapper")).isEqualTo(2);
  }

  @Test
  void acceptsTheRoadmapForm() throws Exception {
    Random r = new Random(2);
    String roadmap =
        "{\"id\": \"p1\", \"payload\": {\"version\": \"1\", \""
            + B0
            + "\": {\"a\": \""
            + share(r, 50)
            + "\", \"b\": \""
            + share(r, 10)
            + "\"}, \""
            + B1
            + "\": {\"a\": \""
            + share(r, 50)
            + "\", \"b\": \""
            + share(r, 10)
            + "\"}}}";
    Path in = write("roadmap.ndjson", roadmap, ping("p2", r, B0));
    Path root = tmp.resolve("root");
    OriginCli.Run run =
        OriginCli.run(
            "stage",
            "--input",
            in.toString(),
            "--output",
            root.toString(),
            "--submission-date",
            DATE);
    assertThat(run.exit()).as(run.err()).isZero();
    List<Map<?, ?>> a0 = records(partition(root, B0, "a"));
    assertThat(a0)
        .extracting(m -> (Object) m.get("id"))
        .containsExactly(BigInteger.ONE, BigInteger.TWO);
    assertThat(records(partition(root, B1, "b"))).hasSize(1);
  }

  @Test
  void dropsDuplicatePingsKeepingTheFirst() throws Exception {
    Random r = new Random(3);
    String first = ping("dup", r, B0, B1);
    String sameIdOtherContent = ping("dup", r, B0, B0, B0);
    Path in = write("dups.ndjson", first, first, ping("x", r, B0), sameIdOtherContent, first);
    Path root = tmp.resolve("root");
    Path rep = tmp.resolve("r.json");
    OriginCli.Run run =
        OriginCli.run(
            "stage",
            "--input",
            in.toString(),
            "--output",
            root.toString(),
            "--submission-date",
            DATE,
            "--report",
            rep.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(records(partition(root, B0, "a"))).hasSize(2);
    assertThat(records(partition(root, B1, "a"))).hasSize(1);
    Map<?, ?> report = report(rep);
    assertThat(reason(report, "duplicate_ping")).isEqualTo(3);
    assertThat(((Map<?, ?>) report.get("pings")).get("accepted")).isEqualTo(BigInteger.TWO);
    assertThat(((Map<?, ?>) report.get("pings")).get("duplicate")).isEqualTo(BigInteger.valueOf(3));
    assertThat(run.err()).contains("dropped duplicate_ping: 3 (first at " + in + ":2)");
  }

  @Test
  void countsEveryRejectAndKeepsTheGoodData() throws Exception {
    Random r = new Random(4);
    String a = share(r, 40);
    String b = share(r, 8);
    Path dataConfig =
        write(
            "cfg/config.json",
            "[{\"batch_id\": \""
                + B0
                + "\", \"n_data\": 20}, {\"batch_id\": \""
                + B1
                + "\", \"n_data\": 7}]");
    List<String> lines = new ArrayList<>();
    lines.add(ping("good-1", r, B0, B1));
    lines.add("{not json"); // not_json
    lines.add("[1, 2]"); // not_object
    lines.add("{\"payload\": \"@@@@\"}"); // bad_wrapper
    lines.add("{\"payload\": {\"prioData\": []}}"); // no_id
    lines.add("{\"id\": 7, \"payload\": {\"prioData\": []}}"); // no_id (not a string)
    lines.add("{\"id\": \"p\"}"); // no_payload
    lines.add("{\"id\": \"q\", \"payload\": {\"prioData\": {}}}"); // no_prio_data
    lines.add("{\"id\": \"q2\", \"payload\": {\"version\": \"1\"}}"); // no_prio_data
    lines.add(
        "{\"id\": \"e\", \"payload\": {\"prioData\": ["
            + "1, " // bad_entry
            + "{\"encoding\": \""
            + B0
            + "\"}, " // bad_entry (no prio)
            + "{\"encoding\": \"../x\", \"prio\": {\"a\": \""
            + a
            + "\", \"b\": \""
            + b
            + "\"}}, " // bad_batch_id
            + "{\"prio\": {\"a\": \""
            + a
            + "\", \"b\": \""
            + b
            + "\"}}, " // bad_batch_id (missing)
            + "{\"encoding\": \"other-0\", \"prio\": {\"a\": \""
            + a
            + "\", \"b\": \""
            + b
            + "\"}}, " // unknown_batch_id
            + "{\"encoding\": \""
            + B0
            + "\", \"prio\": {\"b\": \""
            + b
            + "\"}}, " // missing_a
            + "{\"encoding\": \""
            + B0
            + "\", \"prio\": {\"a\": \"a*b=\", \"b\": \""
            + b
            + "\"}}, " // bad_base64_a
            + "{\"encoding\": \""
            + B0
            + "\", \"prio\": {\"a\": \""
            + a
            + "\"}}, " // missing_b
            + "{\"encoding\": \""
            + B0
            + "\", \"prio\": {\"a\": \""
            + a
            + "\", \"b\": \"QUJD\\n\"}}, " // bad_base64_b
            + "{\"encoding\": \""
            + B0
            + "\", \"prio\": {\"a\": \""
            + a
            + "\", \"b\": \"QUI\"}}, " // bad_base64_b (unpadded)
            + "{\"encoding\": \""
            + B1
            + "\", \"prio\": {\"a\": \""
            + a
            + "\", \"b\": \""
            + b
            + "\"}}" // good
            + "]}}");
    lines.add("x".repeat(5000)); // line_too_long
    lines.add(ping("good-2", r, B1));
    Path in = write("in/mixed.ndjson", lines.toArray(String[]::new));
    Files.write(
        tmp.resolve("in/binary.ndjson"),
        new byte[] {'{', (byte) 0xff, '}', '\n'}); // not_json (not UTF-8)
    Files.writeString(tmp.resolve("in/_SUCCESS"), "ignored: hidden");
    Path root = tmp.resolve("root");
    Path rep = tmp.resolve("out/report.json");
    OriginCli.Run run =
        OriginCli.run(
            "stage",
            "--input",
            tmp.resolve("in").toString(),
            "--output",
            root.toString(),
            "--submission-date",
            DATE,
            "--data-config",
            dataConfig.toString(),
            "--max-line-bytes",
            "4000",
            "--report",
            rep.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    Map<?, ?> report = report(rep);
    Map<String, Long> expected = new LinkedHashMap<>();
    expected.put("line_too_long", 1L);
    expected.put("not_json", 2L);
    expected.put("not_object", 1L);
    expected.put("bad_wrapper", 1L);
    expected.put("no_id", 2L);
    expected.put("no_payload", 1L);
    expected.put("no_prio_data", 2L);
    expected.put("bad_entry", 2L);
    expected.put("bad_batch_id", 2L);
    expected.put("unknown_batch_id", 1L);
    expected.put("missing_a", 1L);
    expected.put("bad_base64_a", 1L);
    expected.put("missing_b", 1L);
    expected.put("bad_base64_b", 2L);
    for (Map.Entry<String, Long> e : expected.entrySet()) {
      assertThat(reason(report, e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
    }
    assertThat(new ArrayList<Object>(((Map<?, ?>) report.get("rejects")).keySet()))
        .containsExactlyInAnyOrderElementsOf(expected.keySet());
    // Good data survives: good-1 (B0, B1), the last entry of "e" (B1), good-2 (B1).
    assertThat(records(partition(root, B0, "a"))).hasSize(1);
    assertThat(records(partition(root, B1, "a")))
        .extracting(m -> (Object) m.get("id"))
        .containsExactly(BigInteger.ONE, BigInteger.TWO, BigInteger.valueOf(3));
    assertThat(records(partition(root, B1, "b"))).hasSize(3);
    assertThat(((Map<?, ?>) report.get("pings")).get("accepted")).isEqualTo(BigInteger.valueOf(3));
    assertThat(((Map<?, ?>) report.get("entries")).get("read")).isEqualTo(BigInteger.valueOf(14));
    assertThat(((Map<?, ?>) report.get("entries")).get("staged")).isEqualTo(BigInteger.valueOf(4));
    assertThat(report.get("files")).isEqualTo(BigInteger.TWO);
    assertThat(run.err()).contains("rejected entry unknown_batch_id: 1");
  }

  @Test
  void boundsTheFileSizes() throws Exception {
    Random r = new Random(5);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      lines.add(ping("p" + i, r, B0));
    }
    Path in = write("many.ndjson", lines.toArray(String[]::new));
    Path root = tmp.resolve("root");
    OriginCli.Run run =
        OriginCli.run(
            "stage",
            "--input",
            in.toString(),
            "--output",
            root.toString(),
            "--submission-date",
            DATE,
            "--max-records-per-file",
            "10");
    assertThat(run.exit()).as(run.err()).isZero();
    for (String s : List.of("a", "b")) {
      try (Stream<Path> files = Files.list(partition(root, B0, s))) {
        assertThat(files.sorted().map(f -> f.getFileName().toString()).toList())
            .containsExactly(
                StagedOutput.SUCCESS,
                "part-00000.ndjson",
                "part-00001.ndjson",
                "part-00002.ndjson");
      }
      assertThat(Files.size(partition(root, B0, s).resolve(StagedOutput.SUCCESS))).isZero();
      try (Stream<Path> files = Files.list(partition(root, B0, s))) {
        assertThat(files.sorted().skip(1).map(f -> lineCount(f)).toList())
            .containsExactly(10L, 10L, 5L);
      }
    }
    assertThat(records(partition(root, B0, "a")))
        .extracting(m -> ((BigInteger) m.get("id")).intValue())
        .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 25).boxed().toList());

    Path root2 = tmp.resolve("root2");
    run =
        OriginCli.run(
            "stage",
            "--input",
            in.toString(),
            "--output",
            root2.toString(),
            "--submission-date",
            DATE,
            "--max-bytes-per-file",
            "600");
    assertThat(run.exit()).as(run.err()).isZero();
    try (Stream<Path> files = Files.list(partition(root2, B0, "a"))) {
      List<Path> list = files.filter(f -> !f.endsWith(StagedOutput.SUCCESS)).toList();
      assertThat(list.size()).isGreaterThan(5);
      for (Path f : list) {
        assertThat(Files.size(f)).isLessThanOrEqualTo(600);
      }
    }
    assertThat(records(partition(root2, B0, "a"))).hasSize(25);
    assertThat(records(partition(root2, B0, "b"))).hasSize(25);
  }

  private static long lineCount(Path f) {
    try {
      return Files.readAllLines(f).size();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void separateRunsPerServerAssignTheSameIds() throws Exception {
    Random r = new Random(6);
    Path dir = tmp.resolve("in");
    write("in/h01/a.ndjson", ping("1", r, B0, B1), ping("2", r, B0));
    write("in/h00/b.ndjson", ping("3", r, B1, B0), ping("1", r, B0));
    Path rootA = tmp.resolve("A");
    Path rootB = tmp.resolve("B");
    assertThat(
            OriginCli.run(
                    "stage",
                    "--input",
                    dir.toString(),
                    "--output-a",
                    rootA.toString(),
                    "--submission-date",
                    DATE)
                .exit())
        .isZero();
    assertThat(
            OriginCli.run(
                    "stage",
                    "--input",
                    dir.toString(),
                    "--output-b",
                    "file://" + rootB,
                    "--submission-date",
                    DATE)
                .exit())
        .isZero();
    assertThat(partition(rootA, B0, "b")).doesNotExist();
    assertThat(partition(rootB, B0, "a")).doesNotExist();
    for (String batch : List.of(B0, B1)) {
      assertThat(records(partition(rootA, batch, "a")).stream().map(m -> m.get("id")).toList())
          .isEqualTo(records(partition(rootB, batch, "b")).stream().map(m -> m.get("id")).toList());
    }
    // h00 is read before h01, so ping "1" of h00 wins and h01's copy is the duplicate.
    assertThat(records(partition(rootA, B0, "a"))).hasSize(3);
    assertThat(records(partition(rootA, B1, "a"))).hasSize(1);
  }

  @Test
  void refusesToOverwriteUnlessAsked() throws Exception {
    Random r = new Random(7);
    Path in = write("p.ndjson", ping("1", r, B0), ping("2", r, B0));
    Path root = tmp.resolve("root");
    String[] args = {
      "stage", "--input", in.toString(), "--output", root.toString(), "--submission-date", DATE
    };
    assertThat(OriginCli.run(args).exit()).isZero();
    String before = Files.readString(partition(root, B0, "a").resolve("part-00000.ndjson"));
    Files.writeString(in, ping("3", r, B0) + "\n");
    OriginCli.Run again = OriginCli.run(args);
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).contains("already holds input files").contains("--overwrite");
    assertThat(Files.readString(partition(root, B0, "a").resolve("part-00000.ndjson")))
        .isEqualTo(before);
    assertThat(root.resolve("prio/v1/_staging")).doesNotExist();

    List<String> forced = new ArrayList<>(List.of(args));
    forced.add("--overwrite");
    assertThat(OriginCli.run(forced.toArray(String[]::new)).exit()).isZero();
    assertThat(records(partition(root, B0, "a"))).hasSize(1);
    assertThat(records(partition(root, B0, "b"))).hasSize(1);
  }

  @Test
  void usageErrors() throws Exception {
    Path in = write("p.ndjson", ping("1", new Random(8), B0));
    assertThat(
            OriginCli.run(
                    "stage",
                    "--input",
                    in.toString(),
                    "--output",
                    "gs://bucket/x",
                    "--submission-date",
                    DATE)
                .err())
        .contains("gs:// is not supported");
    assertThat(OriginCli.run("stage", "--input", in.toString(), "--submission-date", DATE).exit())
        .isEqualTo(2);
    assertThat(
            OriginCli.run(
                    "stage",
                    "--input",
                    in.toString(),
                    "--output",
                    "x",
                    "--output-a",
                    "y",
                    "--submission-date",
                    DATE)
                .exit())
        .isEqualTo(2);
    assertThat(
            OriginCli.run(
                    "stage",
                    "--input",
                    in.toString(),
                    "--output",
                    "x",
                    "--submission-date",
                    "26/06")
                .exit())
        .isEqualTo(2);
    assertThat(
            OriginCli.run(
                    "stage",
                    "--input",
                    tmp.resolve("missing").toString(),
                    "--output",
                    "x",
                    "--submission-date",
                    DATE)
                .exit())
        .isEqualTo(1);
    assertThat(OriginCli.run("stage", "--help").out()).contains("--max-records-per-file");
    assertThat(OriginCli.run("--help").out()).contains("stage").contains("index");
  }
}
