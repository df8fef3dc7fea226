package dev.prio.server.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.packet.ServerId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The mermaid graph per role in docs/batch-states.md draws exactly the state machine's table. */
class BatchStateDocsTest {
  private static final Pattern EDGE =
      Pattern.compile("^\\s*([A-Z]+) --> ([A-Z]+)", Pattern.MULTILINE);

  @ParameterizedTest
  @EnumSource(ServerId.class)
  void documentedEdgesAreTheCodesEdges(ServerId role) throws Exception {
    String doc =
        Files.readString(
            Path.of(System.getProperty("prio.repo.dir", "..")).resolve("docs/batch-states.md"));
    String heading = role == ServerId.A ? "## Server A" : "## Server B";
    int start = doc.indexOf(heading);
    int end = doc.indexOf("```", doc.indexOf("```mermaid", start) + 10);
    Map<BatchPhase, Set<BatchPhase>> drawn = new EnumMap<>(BatchPhase.class);
    Matcher m = EDGE.matcher(doc.substring(start, end));
    while (m.find()) {
      drawn
          .computeIfAbsent(BatchPhase.valueOf(m.group(1)), k -> EnumSet.noneOf(BatchPhase.class))
          .add(BatchPhase.valueOf(m.group(2)));
    }
    assertThat(drawn).isNotEmpty().isEqualTo(BatchStateMachine.edges(role));
  }
}
