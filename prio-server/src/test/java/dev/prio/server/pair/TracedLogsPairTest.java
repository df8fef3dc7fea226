package dev.prio.server.pair;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One batch through both servers with JSON logs, as in production: A's round lines and B's answer
 * lines carry the same batch id and the same trace id (A's traceparent on every peer request, B's
 * server span its child), and every line has Cloud Logging's severity.
 */
@ExtendWith(OutputCaptureExtension.class)
class TracedLogsPairTest {
  private static final String DATE = "2026-11-21";
  private static final String BATCH = "traced-0";

  @TempDir Path work;

  @Test
  void aRoundsAndBAnswersShareBatchIdAndTraceId(CapturedOutput output) throws Exception {
    ServerPair.Keys keys = Generated.newKeys();
    Generated gen = new Generated(keys, PrioConfig.of(8, BATCH), 5);
    gen.addValid(9);
    try (ServerPair pair =
        new ServerPair(work, keys, "[{\"batch_id\": \"" + BATCH + "\", \"n_data\": 8}]")
            .with("logging.structured.format.console", "logstash")
            .with("logging.level.dev.prio", "DEBUG")
            .with("prio.batch.chunk-size", "4")
            .start()) {
      Staging.write(
          pair.root(ServerId.A), DATE, BATCH, ServerId.A, "in.ndjson", gen.forA.toString());
      Staging.write(
          pair.root(ServerId.B), DATE, BATCH, ServerId.B, "in.ndjson", gen.forB.toString());
      pair.startBatch(BATCH, DATE);
      assertThat(pair.awaitTerminal(ServerId.A, BATCH, DATE, Duration.ofSeconds(30)))
          .contains("PUBLISHED");
    }
    JsonMapper json = JsonMapper.builder().build();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : output.getOut().split("\n")) {
      if (line.startsWith("{")) {
        lines.add(json.readTree(line));
      }
    }
    assertThat(lines)
        .isNotEmpty()
        .allSatisfy(
            l ->
                assertThat(l.path("severity").asString())
                    .isIn("DEBUG", "INFO", "WARNING", "ERROR"));
    List<JsonNode> batch =
        lines.stream().filter(l -> BATCH.equals(l.path("batch_id").asString())).toList();
    List<JsonNode> aRounds =
        batch.stream()
            .filter(
                l ->
                    "a".equals(l.path("server").asString())
                        && l.path("logger_name").asString().endsWith("PeerRequestLog"))
            .toList();
    List<JsonNode> bAnswers =
        batch.stream()
            .filter(
                l ->
                    "b".equals(l.path("server").asString())
                        && l.path("logger_name").asString().endsWith("PeerController"))
            .toList();
    // handshake, verify1 and verify2 for each of 3 chunks, total, publish.
    assertThat(aRounds).hasSizeGreaterThanOrEqualTo(9);
    assertThat(bAnswers).hasSizeGreaterThanOrEqualTo(9);
    Set<String> aTraces =
        aRounds.stream().map(l -> l.path("traceId").asString()).collect(Collectors.toSet());
    Set<String> bTraces =
        bAnswers.stream().map(l -> l.path("traceId").asString()).collect(Collectors.toSet());
    assertThat(aTraces).hasSize(1).doesNotContain("");
    assertThat(bTraces).isEqualTo(aTraces);
    assertThat(bAnswers)
        .allSatisfy(
            l -> {
              assertThat(l.path("submission_date").asString()).isEqualTo(DATE);
              assertThat(l.path("attempt").asString()).isEqualTo("1");
              assertThat(l.path("round").asString())
                  .isIn("handshake", "verify1", "verify2", "total", "publish");
            });
    assertThat(bAnswers.stream().map(l -> l.path("round").asString()).collect(Collectors.toSet()))
        .contains("handshake", "verify1", "verify2", "total", "publish");
    // A's own work on the chunk threads is in the same trace, with its step and attempt.
    List<JsonNode> aChunks =
        batch.stream()
            .filter(
                l ->
                    "a".equals(l.path("server").asString())
                        && l.path("message").asString().contains("chunk"))
            .toList();
    assertThat(aChunks)
        .isNotEmpty()
        .allSatisfy(
            l -> {
              assertThat(l.path("traceId").asString()).isIn(aTraces);
              assertThat(l.path("round").asString()).isEqualTo("verify");
              assertThat(l.path("attempt").asString()).isEqualTo("1");
            });
  }
}
