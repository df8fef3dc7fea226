package dev.prio.cli;

import dev.prio.core.vectors.VectorSet;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The integration flow over every vector set, in process (fast; {@link VectorCliIT} uses bin/prio).
 */
class VectorFlowTest {
  static List<VectorSet> sets() {
    return VectorSet.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sets")
  void reproducesEveryFile(VectorSet set, @TempDir Path base) throws Exception {
    VectorFlowSupport.reproduce(set, new CliFlow.InProcessRunner(), base);
  }
}
