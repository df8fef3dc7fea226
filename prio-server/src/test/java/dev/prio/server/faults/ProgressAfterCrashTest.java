package dev.prio.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import dev.prio.server.pair.Generated;
import dev.prio.server.pair.ServerPair;
import dev.prio.server.pair.Staging;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Both servers killed with kill -9 mid-verify, before either wrote its running counts (an interval
 * of an hour): what they had counted in memory is lost, and batch.json says so. Once published,
 * both still show every chunk done and the true funnel of the generated data, and A the chunks per
 * replica, all set from the stored chunk results.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ProgressAfterCrashTest {
  private static final String DATE = "2026-12-03";
  private static final String BATCH = "progress-0";
  private static final int N_DATA = 16;
  private static final int CHUNKS = 5;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Test
  void countsACrashLostAreExactOncePublished(@TempDir Path work) throws Exception {
    ServerPair.Keys keys = Generated.newKeys();
    Generated gen = new Generated(keys, PrioConfig.of(N_DATA, BATCH), 41);
    // 40 lines in chunks of 8: an invalid proof in the first chunk (A's, before the kill), the
    // middle and the last.
    gen.invalidProof(UUID.randomUUID().toString());
    gen.addValid(19);
    gen.invalidProof(UUID.randomUUID().toString());
    gen.addValid(18);
    gen.invalidProof(UUID.randomUUID().toString());
    Map<String, Long> trueFunnel = Map.of("valid", 37L, "proof_invalid", 3L);

    try (ProcessPair pair =
        new ProcessPair(
                work, keys, "[{\"batch_id\": \"" + BATCH + "\", \"n_data\": " + N_DATA + "}]")
            .with("prio.batch.chunk-size", "8")
            .with("prio.batch.parallel-chunks", "1")
            .with("prio.batch.progress-interval", "1h")
            .with("prio.peer.initial-backoff", "50ms")
            .with("prio.peer.max-backoff", "1s")
            .with("prio.peer.read-timeout", "30s")
            .with("prio.lease.duration", "3s")) {
      pair.start();
      for (ServerId s : ServerId.values()) {
        String lines = (s == ServerId.A ? gen.forA : gen.forB).toString();
        Staging.write(pair.root(s), DATE, BATCH, s, "part-0.ndjson", lines);
      }
      // B's answer to chunk 2's verify2 is held: A has stored chunks 0 and 1, B chunks 0 to 2.
      pair.proxy().once("/chunks/2/verify2", FaultProxy.Fault.holdResponse(12_000));
      assertThat(pair.startBatch(BATCH, DATE).statusCode()).isEqualTo(202);
      awaitFile(stateDir(pair, ServerId.B).resolve("attempt=1/chunks/000002.json"));
      pair.kill9(ServerId.A);
      pair.kill9(ServerId.B);

      long storedOnA = chunkResults(pair, ServerId.A);
      assertThat(storedOnA).as("A stored some chunks before the kill").isPositive();
      assertThat(chunkResults(pair, ServerId.B)).isGreaterThan(storedOnA);
      for (ServerId s : ServerId.values()) {
        JsonNode stored = storedState(pair, s);
        assertThat(stored.path("phase").asString()).isEqualTo("VERIFY");
        assertThat(stored.path("chunksDone").asInt())
            .as("%s counted its chunks in memory only, and the kill lost them", s)
            .isZero();
      }

      pair.start(ServerId.B);
      pair.start(ServerId.A);
      String a = pair.awaitTerminal(ServerId.A, BATCH, DATE, Duration.ofMinutes(2));
      String b = pair.awaitTerminal(ServerId.B, BATCH, DATE, Duration.ofMinutes(1));
      assertThat(Staging.published(pair.root(ServerId.A), DATE, BATCH))
          .contains("\"payload\":" + gen.expectedPayload());

      for (String status : new String[] {a, b}) {
        JsonNode s = JSON.readTree(status);
        assertThat(s.path("phase").asString()).as(status).isEqualTo("PUBLISHED");
        assertThat(s.path("chunksTotal").asInt()).isEqualTo(CHUNKS);
        assertThat(s.path("chunksDone").asInt()).as(status).isEqualTo(CHUNKS);
        assertThat(counts(s.path("submissions"))).as(status).isEqualTo(trueFunnel);
      }
      Map<String, Long> byReplica = counts(JSON.readTree(a).path("chunksDoneBy"));
      assertThat(byReplica)
          .as("the killed A and its successor, each with the chunks it committed")
          .hasSize(2)
          .containsValue(storedOnA)
          .containsValue(CHUNKS - storedOnA);
    }
  }

  private static Map<String, Long> counts(JsonNode node) {
    Map<String, Long> out = new TreeMap<>();
    node.properties().forEach(e -> out.put(e.getKey(), e.getValue().asLong()));
    return out;
  }

  private static Path stateDir(ProcessPair pair, ServerId s) {
    return pair.root(s).resolve("prio/v1/state/submission_date=" + DATE + "/batch_id=" + BATCH);
  }

  private static long chunkResults(ProcessPair pair, ServerId s) throws Exception {
    try (Stream<Path> files = Files.list(stateDir(pair, s).resolve("attempt=1/chunks"))) {
      return files.filter(p -> p.getFileName().toString().endsWith(".json")).count();
    }
  }

  /** batch.json as the server left it: its seal line, then the state. */
  private static JsonNode storedState(ProcessPair pair, ServerId s) throws Exception {
    String sealed =
        Files.readString(stateDir(pair, s).resolve("batch.json"), StandardCharsets.UTF_8);
    return JSON.readTree(sealed.substring(sealed.indexOf('\n') + 1));
  }

  private static void awaitFile(Path file) throws Exception {
    Instant end = Instant.now().plusSeconds(60);
    while (!Files.exists(file)) {
      if (Instant.now().isAfter(end)) {
        throw new AssertionError("never written: " + file);
      }
      Thread.sleep(5);
    }
  }
}
