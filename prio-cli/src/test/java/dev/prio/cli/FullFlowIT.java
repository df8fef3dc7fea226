package dev.prio.cli;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The whole scripts/test-cli-integration with bin/prio: generate, encode, process, true sums. */
class FullFlowIT {
  @ParameterizedTest(name = "{0} PRG, {1} r")
  @CsvSource({"legacy, sequential", "hashed, sequential", "legacy, constant", "hashed, constant"})
  void trueColumnSums(String prg, String r, @TempDir Path base) throws Exception {
    FullFlowSupport.run(
        new CliFlow.ProcessRunner(VectorFlowSupport.repoDir().resolve("bin/prio")), base, prg, r);
  }
}
