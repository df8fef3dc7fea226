package dev.prio.server.faults;

import static dev.prio.server.faults.FaultFixture.BATCH;
import static dev.prio.server.faults.FaultFixture.DATE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.packet.ServerId;
import dev.prio.server.pair.ServerPair;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A's disk goes read-only, then full, mid-verify (a real tmpfs under A's storage root). Within the
 * storage retry budget A rides it out; past it, the batch stops where it is (even its failure
 * cannot be written) and the operator's rerun resumes it once the disk is back. Either way the
 * batch publishes once with the true sums.
 */
class StorageFaultTest {
  @TempDir Path work;

  @Test
  void readOnlyThenFullDiskWithinTheRetryBudgetIsRiddenOut() throws Exception {
    FaultFixture f = new FaultFixture(480, 61);
    Path rootA = work.resolve("a");
    Mounts.tmpfs(rootA, "64m");
    try (ServerPair pair = f.pair(work).with("prio.peer.initial-backoff", "20ms").start()) {
      f.stage(pair);
      pair.startBatch(BATCH, DATE);
      FaultFixture.awaitChunks(rootA, 3);
      Mounts.readOnly(rootA, true);
      Thread.sleep(3000);
      Mounts.readOnly(rootA, false);
      Path filler = Mounts.fill(rootA);
      Thread.sleep(3000);
      Files.delete(filler);
      f.assertPublishedOnce(pair);
      assertThat(pair.get(ServerId.A, "/batches/" + BATCH + "?submissionDate=" + DATE).body())
          .contains("\"attempt\":1");
    } finally {
      Mounts.unmount(rootA);
    }
  }

  @Test
  void pastTheRetryBudgetTheBatchWaitsAndARerunResumesIt() throws Exception {
    FaultFixture f = new FaultFixture(480, 62);
    Path rootA = work.resolve("a");
    Mounts.tmpfs(rootA, "64m");
    try (ServerPair pair =
        f.pair(work)
            .with("prio.peer.initial-backoff", "20ms")
            .with("prio.storage.retry-max-elapsed", "1s")
            .with("prio.census-interval", "1h")
            .start()) {
      f.stage(pair);
      pair.startBatch(BATCH, DATE);
      FaultFixture.awaitChunks(rootA, 3);
      Mounts.readOnly(rootA, true);
      Thread.sleep(4000);
      String stuck = pair.get(ServerId.A, "/batches/" + BATCH + "?submissionDate=" + DATE).body();
      assertThat(ServerPair.phase(stuck)).as(stuck).isEqualTo("VERIFY");
      Mounts.readOnly(rootA, false);
      assertThat(
              pair.post(
                      ServerId.A,
                      "/batches/" + BATCH + "/rerun",
                      "{\"submissionDate\":\"" + DATE + "\"}")
                  .statusCode())
          .isEqualTo(202);
      f.assertPublishedOnce(pair);
    } finally {
      Mounts.unmount(rootA);
    }
  }
}
