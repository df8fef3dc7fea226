package dev.prio.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import dev.prio.server.pair.Generated;
import dev.prio.server.pair.ServerPair;
import dev.prio.server.pair.Staging;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * kill -9 of A, of B, and of both, at every step of a batch: the scan, the handshake, mid-verify,
 * the total round, the publish before B's copy is final (B prepared, A's answer held) and after it
 * (B's copy final, A's not yet). Two real server JVMs with the fault proxy between them; the proxy
 * holds B's answer to the step's request so the kill lands exactly there. Every outcome is checked
 * against the true sums of the generated data: published exactly once on both servers with those
 * sums, in the same attempt, and never a record on one side only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class CrashMatrixTest {
  private static final String BATCH = "crash-0";
  private static final int N_DATA = 16;
  private static final long HOLD_MS = 12_000;

  /** Where the kill lands: what the proxy holds, and the file on B that shows B got that far. */
  enum Step {
    SCAN(null, null, root -> null),
    HANDSHAKE("/" + BATCH + " ", null, root -> "batch.json"),
    VERIFY("/chunks/2/verify2", null, root -> "attempt=1/chunks/000002.json"),
    TOTAL("/total", null, root -> "attempt=1/rounds/total-000000.json"),
    PUBLISH_BEFORE_B_COPY("/publish", "\"PREPARE\"", root -> "attempt=1/publish-pending.json"),
    PUBLISH_AFTER_B_COPY(
        "/publish",
        "\"COMMIT\"",
        root -> "../../../published/submission_date={date}/batch_id=" + BATCH + "/data.ndjson");

    final String requestLine;
    final String body;
    final Function<Path, String> evidenceOnB;

    Step(String requestLine, String body, Function<Path, String> evidenceOnB) {
      this.requestLine = requestLine;
      this.body = body;
      this.evidenceOnB = evidenceOnB;
    }
  }

  enum Victim {
    A,
    B,
    BOTH
  }

  private ProcessPair pair;
  private final ServerPair.Keys keys = Generated.newKeys();
  private int day;

  @BeforeAll
  void start(@TempDir Path work) throws Exception {
    pair =
        new ProcessPair(
                work, keys, "[{\"batch_id\": \"" + BATCH + "\", \"n_data\": " + N_DATA + "}]")
            .with("prio.batch.chunk-size", "8")
            .with("prio.batch.parallel-chunks", "1")
            .with("prio.peer.initial-backoff", "50ms")
            .with("prio.peer.max-backoff", "1s")
            .with("prio.peer.read-timeout", "30s")
            // A killed A leaves its driver lease behind; its successor takes over when it expires.
            .with("prio.lease.duration", "3s");
    pair.start();
  }

  @AfterAll
  void stop() {
    pair.close();
  }

  static Stream<Arguments> matrix() {
    List<Arguments> cases = new ArrayList<>();
    for (Step step : Step.values()) {
      for (Victim victim : Victim.values()) {
        cases.add(Arguments.of(step, victim));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "kill -9 of {1} at {0}")
  @MethodSource("matrix")
  void aKilledServerNeverCausesAWrongOrOneSidedResult(Step step, Victim victim) throws Exception {
    String date = "2026-10-" + String.format("%02d", ++day);
    Generated gen = new Generated(keys, PrioConfig.of(N_DATA, BATCH), 700 + day);
    gen.addValid(40);
    Staging.write(
        pair.root(ServerId.A), date, BATCH, ServerId.A, "part-0.ndjson", gen.forA.toString());
    Staging.write(
        pair.root(ServerId.B), date, BATCH, ServerId.B, "part-0.ndjson", gen.forB.toString());
    if (step.requestLine != null) {
      pair.proxy()
          .once(
              step.requestLine.replace("/" + BATCH, "/" + date + "/" + BATCH),
              step.body,
              FaultProxy.Fault.holdResponse(HOLD_MS));
    }
    assertThat(pair.startBatch(BATCH, date).statusCode()).isEqualTo(202);
    awaitEvidence(step, date);

    if (victim != Victim.B) {
      pair.kill9(ServerId.A);
    }
    if (victim != Victim.A) {
      pair.kill9(ServerId.B);
    }
    if (victim != Victim.A) {
      Thread.sleep(500); // A meets a B that is down, and retries
      pair.start(ServerId.B);
    }
    if (victim != Victim.B) {
      pair.start(ServerId.A);
    }

    String a = pair.awaitTerminal(ServerId.A, BATCH, date, Duration.ofMinutes(2));
    String b = pair.awaitTerminal(ServerId.B, BATCH, date, Duration.ofMinutes(1));
    assertThat(ServerPair.phase(a)).as(a).isEqualTo("PUBLISHED");
    assertThat(ServerPair.phase(b)).as(b).isEqualTo("PUBLISHED");
    assertThat(a).contains("\"attempt\":1");
    String published = Staging.published(pair.root(ServerId.A), date, BATCH);
    assertThat(published).contains("\"payload\":" + gen.expectedPayload());
    assertThat(Staging.published(pair.root(ServerId.B), date, BATCH)).isEqualTo(published);
    for (ServerId s : ServerId.values()) {
      Path dir =
          pair.root(s).resolve("prio/v1/published/submission_date=" + date + "/batch_id=" + BATCH);
      try (Stream<Path> files = Files.list(dir)) {
        assertThat(
                files
                    .map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith("."))
                    .sorted()
                    .toList())
            .as("published on " + s)
            .containsExactly("data.ndjson", "provenance.json");
      }
    }
  }

  /** Waits until the step is reached: A's state exists (scan), or B has done the held request. */
  private void awaitEvidence(Step step, String date) throws Exception {
    Path stateA =
        pair.root(ServerId.A)
            .resolve("prio/v1/state/submission_date=" + date + "/batch_id=" + BATCH);
    Path stateB =
        pair.root(ServerId.B)
            .resolve("prio/v1/state/submission_date=" + date + "/batch_id=" + BATCH);
    String relative = step.evidenceOnB.apply(stateB);
    Path evidence =
        relative == null
            ? stateA.resolve("batch.json")
            : stateB.resolve(relative.replace("{date}", date)).normalize();
    Instant end = Instant.now().plusSeconds(60);
    while (!Files.exists(evidence)) {
      if (Instant.now().isAfter(end)) {
        throw new AssertionError("step " + step + " not reached: no " + evidence);
      }
      Thread.sleep(5);
    }
  }
}
