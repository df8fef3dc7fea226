package dev.prio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.crypto.PrivateKey;
import dev.prio.core.packet.ServerId;
import dev.prio.core.vectors.VectorSet;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Main.run in process: outputs, row semantics of commands.py, and clean errors. */
class MainTest {
  static final VectorSet FIXTURE = VectorSet.all().get(0);

  record Run(int exit, String out, String err) {}

  static Run run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            args,
            env,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            new SecureRandom(),
            Clock.systemUTC());
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static Run run(String... args) {
    return run(Map.of(), args);
  }

  /** Fixture server A's options for a command, as flags. */
  static List<String> serverA(String command) {
    return new ArrayList<>(
        List.of(
            command,
            "--n-data",
            "5",
            "--batch-id",
            "test",
            "--server-id",
            "A",
            "--private-key-hex",
            FIXTURE.privateKey(ServerId.A).toHex(),
            "--shared-secret",
            FIXTURE.seed().toBase64(),
            "--public-key-hex-internal",
            FIXTURE.publicKey(ServerId.A).toHex(),
            "--public-key-hex-external",
            FIXTURE.publicKey(ServerId.B).toHex()));
  }

  static Run run(List<String> args) {
    return run(args.toArray(String[]::new));
  }

  @Test
  void keygenPrintsAMatchingPairAsPrioProcessorDoes() {
    Run r = run("keygen");
    assertThat(r.exit()).isZero();
    assertThat(r.out())
        .matches("\\{\"private_key\": \"[0-9A-F]{64}\", \"public_key\": \"[0-9A-F]{64}\"\\}\n");
    String priv = r.out().substring(17, 81);
    String pub = r.out().substring(99, 163);
    assertThat(PrivateKey.fromHex(priv).publicKey().toHex()).isEqualTo(pub);
  }

  @Test
  void sharedSeedPrintsSixteenBytesOfBase64() {
    Run r = run("shared-seed");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).matches("\\{\"shared_seed\": \"[A-Za-z0-9+/]{22}==\"\\}\n");
  }

  @Test
  void verify1KeepsTheRowsKeysOrderAndIdType(@TempDir Path dir) throws Exception {
    String[] row = VectorSet.rows(FIXTURE.serverFile(ServerId.A, "raw/data.ndjson")).get(0);
    String[] expected =
        VectorSet.rows(FIXTURE.serverFile(ServerId.A, "intermediate/internal/verify1/data.ndjson"))
            .get(0);
    Path in = dir.resolve("in.json");
    Files.writeString(
        in,
        "{\"payload\":\""
            + row[1]
            + "\",\"id\":17,\"note\":\"caf\u00e9\"}\n\n{\"id\": \"x\", \"payload\": \"!!\"}\n");
    List<String> args = serverA("verify1");
    args.addAll(
        List.of("--input", in.toString(), "--output", dir.resolve("out/deeper").toString()));
    Run r = run(args);
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).isEqualTo("Running verify1\n1 errors out of 2 total\n");
    assertThat(Files.readString(dir.resolve("out/deeper/in.json")))
        .isEqualTo(
            "{\"payload\": \"" + expected[1] + "\", \"id\": 17, \"note\": \"caf\\u00e9\"}\n");
  }

  @Test
  void optionsFromEnvironmentVariables(@TempDir Path dir) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("N_DATA", "5");
    env.put("BATCH_ID", "test");
    env.put("SERVER_ID", "A");
    env.put("PRIVATE_KEY_HEX", FIXTURE.privateKey(ServerId.A).toHex());
    env.put("SHARED_SECRET", FIXTURE.seed().toBase64());
    env.put("PUBLIC_KEY_HEX_INTERNAL", FIXTURE.publicKey(ServerId.A).toHex());
    env.put("PUBLIC_KEY_HEX_EXTERNAL", FIXTURE.publicKey(ServerId.B).toHex());
    env.put("INPUT", FIXTURE.serverPath(ServerId.A, "raw/data.ndjson").toString());
    env.put("OUTPUT", dir.toString());
    env.put("R_MODE", "sequential");
    env.put("PRG_MODE", "legacy");
    Run r = run(env, "verify1");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(Files.readString(dir.resolve("data.ndjson")))
        .isEqualTo(FIXTURE.serverFile(ServerId.A, "intermediate/internal/verify1/data.ndjson"));
    // a flag beats its variable: a wrong server id from the environment is overridden
    env.put("SERVER_ID", "B");
    env.put("OUTPUT", dir.resolve("again").toString());
    assertThat(run(env, "verify1", "--server-id", "A").exit()).isZero();
    assertThat(Files.readString(dir.resolve("again/data.ndjson")))
        .isEqualTo(FIXTURE.serverFile(ServerId.A, "intermediate/internal/verify1/data.ndjson"));
  }

  @Test
  void outputMayReplaceItsOwnInput(@TempDir Path dir) throws Exception {
    Path in = dir.resolve("data.ndjson");
    Files.copy(FIXTURE.serverPath(ServerId.A, "raw/data.ndjson"), in);
    List<String> args = serverA("verify1");
    args.addAll(List.of("--input", in.toString(), "--output", dir.toString()));
    assertThat(run(args).exit()).isZero();
    assertThat(Files.readString(in))
        .isEqualTo(FIXTURE.serverFile(ServerId.A, "intermediate/internal/verify1/data.ndjson"));
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).as("no temporary file left").containsExactly(in);
    }
  }

  @Test
  void rowsMissingOnThePeerAreDroppedAtVerify2AndCountedAtAggregate(@TempDir Path dir)
      throws Exception {
    Path ext1 = dir.resolve("ext1.ndjson");
    List<String> lines =
        FIXTURE
            .serverFile(ServerId.A, "intermediate/external/verify1/data.ndjson")
            .lines()
            .toList();
    Files.write(ext1, lines.subList(1, lines.size()));
    List<String> args = serverA("verify2");
    args.addAll(
        List.of(
            "--input",
            FIXTURE.serverPath(ServerId.A, "raw/data.ndjson").toString(),
            "--input-internal",
            FIXTURE.serverPath(ServerId.A, "intermediate/internal/verify1/data.ndjson").toString(),
            "--input-external",
            ext1.toString(),
            "--output",
            dir.resolve("v2").toString()));
    Run r = run(args);
    assertThat(r.out()).isEqualTo("Running verify2\n1 errors out of 5 total\n");
    assertThat(Files.readString(dir.resolve("v2/data.ndjson")).lines()).hasSize(4);

    Path ext2 = dir.resolve("ext2.ndjson");
    List<String> v2 =
        FIXTURE
            .serverFile(ServerId.A, "intermediate/external/verify2/data.ndjson")
            .lines()
            .toList();
    Files.write(ext2, v2.subList(0, 3));
    Path mine = dir.resolve("mine.ndjson");
    Files.copy(FIXTURE.serverPath(ServerId.A, "intermediate/internal/verify2/data.ndjson"), mine);
    args = serverA("aggregate");
    args.addAll(
        List.of(
            "--input",
            FIXTURE.serverPath(ServerId.A, "raw/data.ndjson").toString(),
            "--input-internal",
            mine.toString(),
            "--input-external",
            ext2.toString(),
            "--output",
            dir.resolve("agg").toString()));
    r = run(args);
    assertThat(r.out()).isEqualTo("Running aggregate\n2 errors out of 5 total\n");
    // named after --input-internal, no trailing newline
    assertThat(Files.readString(dir.resolve("agg/mine.ndjson")))
        .endsWith("\"error\": 2, \"total\": 5}");
  }

  @Test
  void pythonIsoformatTimestamps() {
    assertThat(Commands.isoTimestamp(LocalDateTime.of(2026, 11, 24, 2, 14, 0, 831_961_123)))
        .isEqualTo("2026-11-24T02:14:00.831961");
    assertThat(Commands.isoTimestamp(LocalDateTime.of(2026, 1, 2, 3, 4, 5, 0)))
        .isEqualTo("2026-01-02T03:04:05");
  }

  static Stream<Arguments> badInvocations() {
    String hexA = FIXTURE.publicKey(ServerId.A).toHex();
    String raw = FIXTURE.serverPath(ServerId.A, "raw/data.ndjson").toString();
    return Stream.of(
        Arguments.of(List.of("frobnicate"), 2, "no such command 'frobnicate'"),
        Arguments.of(List.of("verify1", "--n-data", "5"), 2, "missing option --batch-id"),
        Arguments.of(List.of("keygen", "--n-data", "5"), 2, "no such option: --n-data"),
        Arguments.of(
            with(serverA("verify1"), "--server-id", "C", "--input", raw, "--output", "o"),
            2,
            "must be A or B"),
        Arguments.of(
            with(serverA("verify1"), "--n-data", "-3", "--input", raw, "--output", "o"),
            2,
            "between 1 and"),
        Arguments.of(
            with(serverA("verify1"), "--private-key-hex", "00", "--input", raw, "--output", "o"),
            1,
            "invalid --private-key-hex: private key must be 64 hex characters"),
        Arguments.of(
            with(
                serverA("verify1"),
                "--public-key-hex-external",
                hexA.replace('A', 'Z'),
                "--input",
                raw,
                "--output",
                "o"),
            1,
            "invalid --public-key-hex-external"),
        Arguments.of(
            with(
                serverA("verify1"), "--shared-secret", "bm9wZQ==", "--input", raw, "--output", "o"),
            1,
            "invalid --shared-secret: shared seed must decode to 16 bytes"),
        Arguments.of(
            with(serverA("verify1"), "--input", "/nonexistent/data.ndjson", "--output", "o"),
            1,
            "/nonexistent/data.ndjson: no such file or directory"));
  }

  static List<String> with(List<String> base, String... more) {
    List<String> l = new ArrayList<>(base);
    l.addAll(List.of(more));
    return l;
  }

  @ParameterizedTest
  @MethodSource("badInvocations")
  void badInvocationsFailCleanly(List<String> args, int exit, String message, @TempDir Path dir) {
    List<String> a = new ArrayList<>(args);
    int o = a.indexOf("o");
    if (o >= 0) {
      a.set(o, dir.resolve("o").toString());
    }
    Run r = run(a);
    assertThat(r.exit()).isEqualTo(exit);
    assertThat(r.err()).contains(message).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(r.err().lines()).hasSize(1);
  }

  @Test
  void badJsonLineIsAFailureNamingFileAndLine(@TempDir Path dir) throws Exception {
    Path in = dir.resolve("data.ndjson");
    Files.writeString(
        in,
        FIXTURE.serverFile(ServerId.A, "raw/data.ndjson").lines().findFirst().orElseThrow()
            + "\n{\"id\": \"x\", \"payload\": \n");
    Run r =
        run(
            with(
                serverA("verify1"),
                "--input",
                in.toString(),
                "--output",
                dir.resolve("out").toString()));
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo(
            "prio verify1: error: " + in + ":2: invalid JSON: expected a value at column 24\n");
    assertThat(dir.resolve("out/data.ndjson")).as("no partial output").doesNotExist();
  }

  @Test
  void secretsNeverEchoed() {
    String secret = "ZZ" + FIXTURE.privateKey(ServerId.A).toHex().substring(2);
    Run r =
        run(with(serverA("verify1"), "--private-key-hex", secret, "--input", "x", "--output", "y"));
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).doesNotContain(secret.substring(2));
  }

  @Test
  void publishRejectsAShareOfAnotherSize(@TempDir Path dir) {
    List<String> args = serverA("publish");
    args.set(2, "4");
    args.addAll(
        List.of(
            "--input-internal",
                FIXTURE
                    .serverPath(ServerId.A, "intermediate/internal/aggregate/data.ndjson")
                    .toString(),
            "--input-external",
                FIXTURE
                    .serverPath(ServerId.A, "intermediate/external/aggregate/data.ndjson")
                    .toString(),
            "--output", dir.toString()));
    Run r = run(args);
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("not a total share for n_data 4").doesNotContain("Exception");
  }

  @Test
  void publishWritesPythonsFormat(@TempDir Path dir) throws Exception {
    List<String> args = serverA("publish");
    args.set(6, "B"); // server B swaps internal and external: A's share must still come first
    args.addAll(
        List.of(
            "--input-internal",
                FIXTURE
                    .serverPath(ServerId.B, "intermediate/internal/aggregate/data.ndjson")
                    .toString(),
            "--input-external",
                FIXTURE
                    .serverPath(ServerId.B, "intermediate/external/aggregate/data.ndjson")
                    .toString(),
            "--output", dir.toString()));
    Run r = run(args);
    assertThat(r.exit()).as(r.err()).isZero();
    String published = Files.readString(dir.resolve("data.ndjson"));
    assertThat(published).matches(CliFlow.PUBLISHED).endsWith("\"payload\": [5, 4, 3, 2, 1]}");
  }

  @Test
  void encodeSharesRefusesRowsOfTheWrongLength(@TempDir Path dir) throws Exception {
    Path in = dir.resolve("client.ndjson");
    Files.writeString(in, "{\"payload\":[1,1,1,1,1,1]}\n");
    Run r =
        run(
            "encode-shares",
            "--n-data",
            "5",
            "--batch-id",
            "test",
            "--public-key-hex-internal",
            FIXTURE.publicKey(ServerId.A).toHex(),
            "--public-key-hex-external",
            FIXTURE.publicKey(ServerId.B).toHex(),
            "--input",
            in.toString(),
            "--output-A",
            dir.resolve("a").toString(),
            "--output-B",
            dir.resolve("b").toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo("prio encode-shares: error: " + in + ":1: payload has 6 values, n_data is 5\n");
  }

  @Test
  void helpAndUsage() {
    assertThat(run("--help").out()).contains("verify1", "encode-shares", "publish");
    Run none = run();
    assertThat(none.exit()).isEqualTo(2);
    assertThat(none.err()).startsWith("Usage: prio COMMAND");
    Run help = run("verify2", "--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("--input-internal", "INPUT_EXTERNAL", "--r-mode", "--prg-mode");
  }
}
