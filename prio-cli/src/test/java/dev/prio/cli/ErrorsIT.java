package dev.prio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.packet.ServerId;
import dev.prio.core.vectors.VectorSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input through bin/prio: one line on stderr, a non-zero exit, no stack trace. */
class ErrorsIT {
  private final CliFlow.ProcessRunner prio =
      new CliFlow.ProcessRunner(VectorFlowSupport.repoDir().resolve("bin/prio"));

  private CliFlow.Result run(Path cwd, String... args) {
    return prio.run(cwd, Map.of(), List.of(args));
  }

  private static void assertCleanFailure(CliFlow.Result r, int exit, String message) {
    assertThat(r.exit()).as(r.err()).isEqualTo(exit);
    assertThat(r.err()).contains(message).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(r.err().lines()).hasSize(1);
  }

  @Test
  void badFlagsKeysFilesAndJson(@TempDir Path dir) throws Exception {
    assertCleanFailure(run(dir, "verify1", "--bogus", "1"), 2, "no such option: --bogus");
    assertCleanFailure(run(dir, "verify1"), 2, "missing option --n-data");
    assertCleanFailure(run(dir, "nonsense"), 2, "no such command");

    VectorSet fx = VectorSet.all().get(0);
    List<String> base = new ArrayList<>(MainTest.serverA("verify1"));
    List<String> missing = new ArrayList<>(base);
    missing.addAll(List.of("--input", "nope/data.ndjson", "--output", "out"));
    assertCleanFailure(
        run(dir, missing.toArray(String[]::new)), 1, "nope/data.ndjson: no such file or directory");

    List<String> badKey = new ArrayList<>(base);
    badKey.set(8, "not-hex");
    badKey.addAll(
        List.of(
            "--input", fx.serverPath(ServerId.A, "raw/data.ndjson").toString(), "--output", "out"));
    assertCleanFailure(run(dir, badKey.toArray(String[]::new)), 1, "invalid --private-key-hex");

    Files.writeString(dir.resolve("bad.ndjson"), "{\"id\": 1, \"payload\": \"AAAA\"}\n[1, 2\n");
    List<String> badJson = new ArrayList<>(base);
    badJson.addAll(List.of("--input", "bad.ndjson", "--output", "out"));
    assertCleanFailure(run(dir, badJson.toArray(String[]::new)), 1, "bad.ndjson:2: invalid JSON");
    assertThat(dir.resolve("out/bad.ndjson")).doesNotExist();

    Files.write(
        dir.resolve("latin1.ndjson"), new byte[] {'{', '"', (byte) 0xe9, '"', ':', '1', '}', '\n'});
    List<String> badUtf8 = new ArrayList<>(base);
    badUtf8.addAll(List.of("--input", "latin1.ndjson", "--output", "out"));
    assertCleanFailure(
        run(dir, badUtf8.toArray(String[]::new)), 1, "latin1.ndjson:1: not valid UTF-8");
  }

  @Test
  void launcherExplainsHowToBuildWhenTheJarIsMissing(@TempDir Path fakeRepo) throws Exception {
    Path bin = Files.createDirectories(fakeRepo.resolve("bin"));
    Path launcher = bin.resolve("prio");
    Files.copy(VectorFlowSupport.repoDir().resolve("bin/prio"), launcher);
    assertThat(launcher.toFile().setExecutable(true)).isTrue();
    CliFlow.Result r =
        new CliFlow.ProcessRunner(launcher).run(fakeRepo, Map.of(), List.of("keygen"));
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .contains("prio-cli/target/prio-cli.jar is missing")
        .contains("./mvnw -q -DskipTests package -pl prio-cli -am");
    assertThat(r.out()).isEmpty();
  }
}
