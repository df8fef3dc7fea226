package dev.prio.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.packet.ServerId;
import dev.prio.server.pair.ServerPair;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One flipped byte in a stored chunk result, on A or on B, while the batch is paused: the batch
 * fails as STATE_CORRUPT on both servers and nothing is published anywhere — never a wrong sum.
 */
class StateCorruptionFaultTest {
  @TempDir Path work;

  @Test
  void aFlippedByteInAChunkOnAFailsTheBatch() throws Exception {
    FaultFixture f = new FaultFixture(480, 31);
    try (ServerPair pair = f.pair(work).start()) {
      f.stage(pair);
      f.startAndStopMidVerify(pair, ServerId.A);
      FaultFixture.flipByte(
          FaultFixture.stateDir(pair.root(ServerId.A), 1).resolve("chunks/000001.json"), 40);
      pair.startA();
      f.assertFailedUnpublished(pair, "STATE_CORRUPT");
      assertThat(pair.get(ServerId.A, "/actuator/prometheus").body())
          .contains("prio_batch_failures_total{reason=\"state_corrupt\",server=\"a\"} 1.0");
    }
  }

  @Test
  void aFlippedByteInAChunkOnBFailsTheBatch() throws Exception {
    FaultFixture f = new FaultFixture(480, 32);
    try (ServerPair pair = f.pair(work).with("prio.peer.initial-backoff", "20ms").start()) {
      f.stage(pair);
      f.startAndStopMidVerify(pair, ServerId.B);
      FaultFixture.flipByte(
          FaultFixture.stateDir(pair.root(ServerId.B), 1).resolve("chunks/000000.json"), 60);
      pair.startB();
      f.assertFailedUnpublished(pair, "STATE_CORRUPT");
    }
  }
}
