package dev.prio.server.pair;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Either server stopped between chunks and started again on the same storage: the batch finishes in
 * the same attempt with the true sums, and is published exactly once on each side.
 */
class KillAndResumePairTest {
  private static final String DATE = "2026-11-21";
  private static final String BATCH = "resume-0";
  private static final int N_DATA = 2046;

  @TempDir Path work;
  private ServerPair.Keys keys;
  private Generated gen;

  @BeforeEach
  void data() {
    keys = Generated.newKeys();
    gen = new Generated(keys, PrioConfig.of(N_DATA, BATCH), 21);
    gen.addValid(480);
  }

  private ServerPair pair() throws Exception {
    ServerPair pair =
        new ServerPair(
                work, keys, "[{\"batch_id\": \"" + BATCH + "\", \"n_data\": " + N_DATA + "}]")
            .with("prio.batch.chunk-size", "4")
            .with("prio.batch.parallel-chunks", "1")
            .with("prio.peer.max-attempts", "200")
            .with("prio.peer.initial-backoff", "20ms");
    pair.start();
    Staging.write(
        pair.root(ServerId.A), DATE, BATCH, ServerId.A, "part-0.ndjson", gen.forA.toString());
    Staging.write(
        pair.root(ServerId.B), DATE, BATCH, ServerId.B, "part-0.ndjson", gen.forB.toString());
    return pair;
  }

  @Test
  void serverAKilledBetweenChunksResumes() throws Exception {
    try (ServerPair pair = pair()) {
      pair.startBatch(BATCH, DATE);
      long done = awaitChunks(pair.root(ServerId.A), 2);
      pair.stop(ServerId.A);
      long afterKill = chunkFiles(pair.root(ServerId.A));
      assertThat(afterKill).as("A must stop before the last of 120 chunks").isBetween(done, 119L);
      pair.startA();
      String a = pair.awaitTerminal(ServerId.A, BATCH, DATE, Duration.ofMinutes(2));
      assertPublishedOnce(pair, a);
    }
  }

  @Test
  void serverBKilledBetweenChunksResumes() throws Exception {
    try (ServerPair pair = pair()) {
      pair.startBatch(BATCH, DATE);
      awaitChunks(pair.root(ServerId.B), 2);
      pair.stop(ServerId.B);
      assertThat(chunkFiles(pair.root(ServerId.B))).isLessThan(120);
      Thread.sleep(300); // A's requests fail and back off meanwhile
      pair.startB();
      String a = pair.awaitTerminal(ServerId.A, BATCH, DATE, Duration.ofMinutes(2));
      assertPublishedOnce(pair, a);
    }
  }

  private void assertPublishedOnce(ServerPair pair, String stateA) throws Exception {
    assertThat(ServerPair.phase(stateA)).as(stateA).isEqualTo("PUBLISHED");
    assertThat(stateA).contains("\"attempt\":1").contains("\"valid\":480");
    String published = Staging.published(pair.root(ServerId.A), DATE, BATCH);
    assertThat(published).contains("\"payload\":" + gen.expectedPayload());
    assertThat(Staging.published(pair.root(ServerId.B), DATE, BATCH)).isEqualTo(published);
    for (ServerId s : ServerId.values()) {
      try (Stream<Path> files =
          Files.list(
              pair.root(s)
                  .resolve("prio/v1/published/submission_date=" + DATE + "/batch_id=" + BATCH))) {
        assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
            .containsExactly("data.ndjson", "provenance.json");
      }
    }
  }

  private static long awaitChunks(Path root, long atLeast) throws Exception {
    Instant end = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(end)) {
      long n = chunkFiles(root);
      if (n >= atLeast) {
        return n;
      }
      Thread.sleep(1);
    }
    throw new AssertionError("no chunk finished");
  }

  private static long chunkFiles(Path root) throws Exception {
    Path dir =
        root.resolve(
            "prio/v1/state/submission_date=" + DATE + "/batch_id=" + BATCH + "/attempt=1/chunks");
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".json")).count();
    }
  }
}
