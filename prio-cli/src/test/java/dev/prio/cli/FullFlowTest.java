package dev.prio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.vectors.VectorSet;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * keygen + shared-seed + encode-shares through publish, in process ({@link FullFlowIT} uses
 * bin/prio).
 */
class FullFlowTest {
  @ParameterizedTest(name = "{0} PRG, {1} r")
  @CsvSource({"legacy, sequential", "legacy, constant", "hashed, sequential", "hashed, constant"})
  void trueColumnSums(String prg, String r, @TempDir Path base) throws Exception {
    FullFlowSupport.run(new CliFlow.InProcessRunner(), base, prg, r);
  }

  @Test
  void serversInAnotherPrgModeRejectEveryRow(@TempDir Path base) throws Exception {
    CliFlow.createFolders(base);
    CliFlow flow =
        new CliFlow(new CliFlow.InProcessRunner(), base, List.of("--prg-mode", "legacy"), Map.of());
    flow.generate("5", "test", FullFlowSupport.clientLines(), List.of("--prg-mode", "hashed"));
    flow.process();
    assertThat(flow.stdout.get("aggregate A"))
        .isEqualTo("Running aggregate\n5 errors out of 5 total\n");
    assertThat(VectorSet.publishedPayload(flow.read("server_b/processed/data.ndjson")))
        .isEqualTo("[0, 0, 0, 0, 0]");
  }
}
