package dev.prio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.vectors.VectorSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * prio-processor's scripts/test-cli-integration with bin/prio in place of prio, over every vector
 * set in its stated PRG and r mode: every verify1, verify2 and aggregate file of both servers is
 * byte-identical to the set's, and the published payload equals the set's.
 */
class VectorCliIT {
  static List<VectorSet> sets() {
    return VectorSet.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sets")
  void binPrioReproducesEveryFile(VectorSet set, @TempDir Path base) throws Exception {
    Path prio = VectorFlowSupport.repoDir().resolve("bin/prio");
    assertThat(Files.isExecutable(prio)).as("bin/prio is executable").isTrue();
    VectorFlowSupport.reproduce(set, new CliFlow.ProcessRunner(prio), base);
  }
}
