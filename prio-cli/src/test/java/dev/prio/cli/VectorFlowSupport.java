package dev.prio.cli;

import dev.prio.core.packet.ServerId;
import dev.prio.core.prg.PrgKeyMode;
import dev.prio.core.snip.RMode;
import dev.prio.core.vectors.VectorSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;

/**
 * Runs prio-processor's integration flow over one vector set, starting from a copy of only its raw
 * files, keys, seed and config, and compares every produced file with the set's own, in place.
 */
final class VectorFlowSupport {
  private VectorFlowSupport() {}

  static List<String> modeFlags(VectorSet set) {
    return List.of(
        "--prg-mode",
        set.prgMode() == PrgKeyMode.HASHED ? "hashed" : "legacy",
        "--r-mode",
        set.rMode() == RMode.CONSTANT ? "constant" : "sequential");
  }

  static void reproduce(VectorSet set, CliFlow.Runner runner, Path base) throws Exception {
    CliFlow.createFolders(base);
    Path w = base.resolve("working");
    for (String f :
        new String[] {
          "config.json", "server_a_keys.json", "server_b_keys.json", "shared_seed.json"
        }) {
      Files.copy(set.dir().resolve(f), w.resolve(f));
    }
    for (ServerId s : ServerId.values()) {
      Files.copy(
          set.serverPath(s, "raw/data.ndjson"), w.resolve(server(s)).resolve("raw/data.ndjson"));
    }

    CliFlow flow = new CliFlow(runner, base, modeFlags(set), Map.of());
    flow.process();

    SoftAssertions soft = new SoftAssertions();
    for (ServerId s : ServerId.values()) {
      for (String side : new String[] {"internal", "external"}) {
        for (String stage : CliFlow.STAGES) {
          String rel = "intermediate/" + side + "/" + stage + "/data.ndjson";
          soft.assertThat(flow.read(server(s) + "/" + rel))
              .as("%s %s %s", set, s, rel)
              .isEqualTo(set.serverFile(s, rel));
        }
      }
      String published = flow.read(server(s) + "/processed/data.ndjson");
      soft.assertThat(published).as("%s %s processed format", set, s).matches(CliFlow.PUBLISHED);
      soft.assertThat(VectorSet.publishedPayload(published))
          .as("%s %s processed payload", set, s)
          .isEqualTo(VectorSet.publishedPayload(set.serverFile(s, "processed/data.ndjson")));
      // stdout carries aggregate's count, as commands.py prints it
      String aggregate = set.serverFile(s, "intermediate/internal/aggregate/data.ndjson");
      String error = aggregate.replaceAll(".*\"error\": (\\d+).*", "$1");
      String total = aggregate.replaceAll(".*\"total\": (\\d+).*", "$1");
      soft.assertThat(flow.stdout.get("aggregate " + s))
          .isEqualTo("Running aggregate\n" + error + " errors out of " + total + " total\n");
    }
    soft.assertAll();
  }

  private static String server(ServerId s) {
    return "server_" + s.name().toLowerCase(Locale.ROOT);
  }

  static Path repoDir() {
    return VectorSet.repoDir();
  }
}
