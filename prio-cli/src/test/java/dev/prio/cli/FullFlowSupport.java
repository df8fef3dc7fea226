package dev.prio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.json.JsonParser;
import dev.prio.core.vectors.VectorSet;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The whole script including its generate half: keygen, shared-seed, config, encode-shares of a
 * vector set's client/data.ndjson, then verify1 → publish. The result must be the true column sums.
 */
final class FullFlowSupport {
  private FullFlowSupport() {}

  /** The upstream fixture's five client rows (all of length 5). */
  static List<String> clientLines() throws Exception {
    Path client = VectorSet.all().get(0).dir().resolve("client/data.ndjson");
    List<String> lines = new ArrayList<>();
    for (String l : Files.readAllLines(client)) {
      if (!l.isBlank()) {
        lines.add(l);
      }
    }
    return lines;
  }

  static String columnSums(List<String> lines) throws Exception {
    BigInteger[] sums = null;
    for (String l : lines) {
      List<?> payload = (List<?>) ((Map<?, ?>) JsonParser.parse(l)).get("payload");
      if (sums == null) {
        sums = new BigInteger[payload.size()];
        java.util.Arrays.fill(sums, BigInteger.ZERO);
      }
      for (int i = 0; i < sums.length; i++) {
        sums[i] = sums[i].add((BigInteger) payload.get(i));
      }
    }
    return PyJson.dumps(List.of((Object[]) sums));
  }

  static void run(CliFlow.Runner runner, Path base, String prg, String r) throws Exception {
    CliFlow.createFolders(base);
    List<String> lines = clientLines();
    List<String> modes = List.of("--prg-mode", prg, "--r-mode", r);
    CliFlow flow = new CliFlow(runner, base, modes, Map.of());
    flow.generate("5", "test", lines, List.of("--prg-mode", prg));

    String rawA = flow.read("server_a/raw/data.ndjson");
    String rawB = flow.read("server_b/raw/data.ndjson");
    assertThat(rawA.lines())
        .hasSize(lines.size())
        .allMatch(
            l -> l.matches("\\{\"id\": \"[0-9a-f-]{36}\", \"payload\": \"[A-Za-z0-9+/=]+\"\\}"));
    assertThat(VectorSet.rows(rawA).stream().map(x -> x[0]).toList())
        .as("A and B get the same id on the same line")
        .isEqualTo(VectorSet.rows(rawB).stream().map(x -> x[0]).toList());

    flow.process();
    for (String s : new String[] {"server_a", "server_b"}) {
      assertThat(flow.read(s + "/intermediate/internal/aggregate/data.ndjson"))
          .endsWith("\"error\": 0, \"total\": " + lines.size() + "}");
      String published = flow.read(s + "/processed/data.ndjson");
      assertThat(published).matches(CliFlow.PUBLISHED);
      assertThat(VectorSet.publishedPayload(published)).isEqualTo(columnSums(lines));
    }
  }
}
