package dev.prio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.packet.ServerId;
import dev.prio.core.vectors.VectorSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/prio configured only through options.py's environment variables; a flag still wins. */
class EnvironmentIT {
  @Test
  void everyOptionFromTheEnvironment(@TempDir Path dir) throws Exception {
    VectorSet fx = VectorSet.all().get(0);
    Map<String, String> env = new HashMap<>();
    env.put("N_DATA", "5");
    env.put("BATCH_ID", "test");
    env.put("SERVER_ID", "B");
    env.put("PRIVATE_KEY_HEX", fx.privateKey(ServerId.B).toHex());
    env.put("SHARED_SECRET", fx.seed().toBase64());
    env.put("PUBLIC_KEY_HEX_INTERNAL", fx.publicKey(ServerId.B).toHex());
    env.put("PUBLIC_KEY_HEX_EXTERNAL", fx.publicKey(ServerId.A).toHex());
    env.put("INPUT", fx.serverPath(ServerId.B, "raw/data.ndjson").toString());
    env.put(
        "INPUT_INTERNAL",
        fx.serverPath(ServerId.B, "intermediate/internal/verify1/data.ndjson").toString());
    env.put(
        "INPUT_EXTERNAL",
        fx.serverPath(ServerId.B, "intermediate/external/verify1/data.ndjson").toString());
    env.put("OUTPUT", "out");
    env.put("R_MODE", "constant"); // overridden by the flag below
    env.put("PRG_MODE", "legacy");
    CliFlow.ProcessRunner prio =
        new CliFlow.ProcessRunner(VectorFlowSupport.repoDir().resolve("bin/prio"));
    CliFlow.Result r = prio.run(dir, env, List.of("verify2", "--r-mode", "sequential"));
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("Running verify2\n0 errors out of 5 total\n");
    assertThat(Files.readString(dir.resolve("out/data.ndjson")))
        .isEqualTo(fx.serverFile(ServerId.B, "intermediate/internal/verify2/data.ndjson"));
  }
}
