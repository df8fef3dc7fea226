package dev.prio.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import dev.prio.server.pair.Generated;
import dev.prio.server.pair.ServerPair;
import dev.prio.server.pair.Staging;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * One generated batch with known true sums, two real servers over real HTTP, and the checks every
 * fault test ends with: published exactly once on both sides with the true sums, or FAILED with the
 * expected reason on both sides and nothing under {@code published/} anywhere.
 */
final class FaultFixture {
  static final String DATE = "2026-11-25";
  static final String BATCH = "fault-0";
  static final int N_DATA = 2046;

  final ServerPair.Keys keys = Generated.newKeys();
  final Generated gen;

  FaultFixture(int submissions, long seed) {
    gen = new Generated(keys, PrioConfig.of(N_DATA, BATCH), seed);
    gen.addValid(submissions);
  }

  /** Small chunks, one at a time, so a test can act between chunks. */
  ServerPair pair(Path work) throws IOException {
    return new ServerPair(
            work, keys, "[{\"batch_id\": \"" + BATCH + "\", \"n_data\": " + N_DATA + "}]")
        .with("prio.batch.chunk-size", "4")
        .with("prio.batch.parallel-chunks", "1");
  }

  void stage(ServerPair pair) throws IOException {
    Staging.write(
        pair.root(ServerId.A), DATE, BATCH, ServerId.A, "part-0.ndjson", gen.forA.toString());
    Staging.write(
        pair.root(ServerId.B), DATE, BATCH, ServerId.B, "part-0.ndjson", gen.forB.toString());
  }

  /**
   * Starts the batch and stops server {@code s} between two chunks, a few chunks in and well before
   * the last of the 120, so the test can act on a batch paused mid-verify.
   */
  void startAndStopMidVerify(ServerPair pair, ServerId s) throws Exception {
    pair.startBatch(BATCH, DATE);
    awaitChunks(pair.root(s), 3);
    pair.stop(s);
    assertThat(chunkFiles(pair.root(s))).as("stopped before the last chunk").isLessThan(120);
  }

  static Path stateDir(Path root, int attempt) {
    return root.resolve(
        "prio/v1/state/submission_date=" + DATE + "/batch_id=" + BATCH + "/attempt=" + attempt);
  }

  static long chunkFiles(Path root) throws IOException {
    Path dir = stateDir(root, 1).resolve("chunks");
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".json")).count();
    }
  }

  static void awaitChunks(Path root, long atLeast) throws Exception {
    Instant end = Instant.now().plusSeconds(60);
    while (chunkFiles(root) < atLeast) {
      if (Instant.now().isAfter(end)) {
        throw new AssertionError("fewer than " + atLeast + " chunks finished in time");
      }
      Thread.sleep(2);
    }
  }

  /** Flips one bit of the byte {@code fromEnd} bytes before the end of a stored object. */
  static void flipByte(Path file, int fromEnd) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - fromEnd] ^= 0x01;
    Files.write(file, bytes);
  }

  void assertPublishedOnce(ServerPair pair) throws Exception {
    String a = pair.awaitTerminal(ServerId.A, BATCH, DATE, Duration.ofMinutes(3));
    assertThat(ServerPair.phase(a)).as(a).isEqualTo("PUBLISHED");
    String b = pair.awaitTerminal(ServerId.B, BATCH, DATE, Duration.ofSeconds(30));
    assertThat(ServerPair.phase(b)).as(b).isEqualTo("PUBLISHED");
    String published = Staging.published(pair.root(ServerId.A), DATE, BATCH);
    assertThat(published).contains("\"payload\":" + gen.expectedPayload());
    assertThat(Staging.published(pair.root(ServerId.B), DATE, BATCH)).isEqualTo(published);
    for (ServerId s : ServerId.values()) {
      assertThat(publishedFiles(pair.root(s)))
          .as("server " + s)
          .containsExactly("data.ndjson", "provenance.json");
    }
  }

  /** Both servers end the batch FAILED with {@code reason}; nothing is published on either. */
  void assertFailedUnpublished(ServerPair pair, String reason) throws Exception {
    String a = pair.awaitTerminal(ServerId.A, BATCH, DATE, Duration.ofMinutes(3));
    assertThat(a).as(a).contains("\"phase\":\"FAILED\"").contains("\"failure\":\"" + reason + "\"");
    String b = awaitPhase(pair, ServerId.B, "FAILED");
    assertThat(b).as(b).contains("\"failure\":\"" + reason + "\"");
    assertNothingPublished(pair);
  }

  static void assertNothingPublished(ServerPair pair) throws IOException {
    for (ServerId s : ServerId.values()) {
      assertThat(publishedFiles(pair.root(s))).as("published files on server " + s).isEmpty();
    }
  }

  static String awaitPhase(ServerPair pair, ServerId s, String phase) throws Exception {
    Instant end = Instant.now().plusSeconds(30);
    String body = "";
    while (Instant.now().isBefore(end)) {
      body = pair.get(s, "/batches/" + BATCH + "?submissionDate=" + DATE).body();
      if (phase.equals(ServerPair.phase(body))) {
        return body;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("server " + s + " did not reach " + phase + ": " + body);
  }

  static List<String> publishedFiles(Path root) throws IOException {
    Path dir = root.resolve("prio/v1/published/submission_date=" + DATE + "/batch_id=" + BATCH);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith("."))
          .sorted()
          .toList();
    }
  }
}
