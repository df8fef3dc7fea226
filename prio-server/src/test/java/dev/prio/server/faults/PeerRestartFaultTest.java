package dev.prio.server.faults;

import static dev.prio.server.faults.FaultFixture.BATCH;
import static dev.prio.server.faults.FaultFixture.DATE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.packet.ServerId;
import dev.prio.server.pair.ServerPair;
import dev.prio.server.pair.Staging;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** B goes away mid-verify: for 30 s with A's default retry settings, and with its input changed. */
class PeerRestartFaultTest {
  @TempDir Path work;

  @Test
  void bDownForThirtySecondsMidVerifyIsRiddenOut() throws Exception {
    FaultFixture f = new FaultFixture(480, 51);
    // The harness shortens A's first backoff for speed; this test wants the shipped defaults.
    try (ServerPair pair = f.pair(work).with("prio.peer.initial-backoff", "200ms").start()) {
      f.stage(pair);
      f.startAndStopMidVerify(pair, ServerId.B);
      Thread.sleep(30_000);
      pair.startB();
      f.assertPublishedOnce(pair);
      assertThat(pair.get(ServerId.A, "/batches/" + BATCH + "?submissionDate=" + DATE).body())
          .contains("\"attempt\":1");
    }
  }

  @Test
  void bInputChangedAfterTheHandshakeFailsAsInputChanged() throws Exception {
    FaultFixture f = new FaultFixture(480, 52);
    try (ServerPair pair = f.pair(work).with("prio.peer.initial-backoff", "20ms").start()) {
      f.stage(pair);
      f.startAndStopMidVerify(pair, ServerId.B);
      Path input =
          Staging.inputDir(pair.root(ServerId.B), DATE, BATCH, ServerId.B).resolve("part-0.ndjson");
      String lines = Files.readString(input);
      Files.writeString(input, lines.substring(lines.indexOf('\n') + 1)); // one submission gone
      pair.startB();
      f.assertFailedUnpublished(pair, "INPUT_CHANGED");
      assertThat(pair.get(ServerId.B, "/batches/" + BATCH + "?submissionDate=" + DATE).body())
          .doesNotContain(":-");
    }
  }
}
