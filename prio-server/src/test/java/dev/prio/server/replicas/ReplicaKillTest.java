package dev.prio.server.replicas;

import static dev.prio.server.replicas.ReplicaBatch.KEY;
import static dev.prio.server.replicas.ReplicaBatch.awaitState;
import static dev.prio.server.replicas.ReplicaBatch.phase;
import static dev.prio.server.replicas.ReplicaBatch.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.packet.ServerId;
import dev.prio.server.faults.ProcessServer;
import dev.prio.server.lease.LeaseRecord;
import dev.prio.server.storage.FakeGcs;
import dev.prio.server.storage.ObjectStore;
import dev.prio.server.storage.StorageLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link ReplicaGcsTest}'s two crash cases with real crashes: two replicas of A and two of B, each
 * its own JVM, on fake-gcs-server, B's behind one address, and one replica killed with SIGKILL in
 * the middle of the work. A replica of A killed mid-verify leaves chunk leases nobody renews; the
 * other replica takes them over once they expire and the batch publishes once with the true sums. A
 * replica of B killed mid-round cuts off the rounds it was answering; A's retry reaches the other
 * replica and the batch publishes once with the true sums.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ReplicaKillTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path work;

  private final FakeGcs gcs = FakeGcs.get();

  private ProcessReplicaSet replicas(ReplicaBatch batch, int chunkSize) throws IOException {
    ProcessReplicaSet set = new ProcessReplicaSet(work, batch.setup(), 2, 2);
    batch.settings(chunkSize).forEach(set::with);
    return set;
  }

  @Test
  void replicaOfAKilledMidVerifyIsTakenOverAfterItsLeasesExpire() throws Exception {
    ReplicaBatch batch = new ReplicaBatch(gcs, 120);
    ObjectStore stateA = batch.store(ServerId.A);
    try (ProcessReplicaSet set = replicas(batch, 3).start()) {
      ProcessServer a1 = set.a(1);
      ProcessServer a2 = set.a(2);
      // rounds slow enough that a1 cannot finish the chunks it holds between the look and the kill
      set.proxy().delay(Duration.ofMillis(300));
      batch.startOn(a1.url(), a2.url());
      awaitState(
          () -> status(a2.url()),
          s ->
              phase(s).equals("VERIFY")
                  && s.path("chunksDoneBy").path("a1").asLong() >= 1
                  && !unfinishedChunks(stateA, "a1", r -> r.isLive(Instant.now())).isEmpty(),
          Duration.ofMinutes(1));
      a1.kill9();
      // Read after the kill, so this is what a1 left: leases it never gave up on chunks with no
      // result stored. Only a takeover can finish them.
      List<Integer> orphaned = unfinishedChunks(stateA, "a1", r -> !r.released());
      assertThat(orphaned).as("a1 died in the middle of chunks").isNotEmpty();

      JsonNode a =
          awaitState(() -> status(a2.url()), ReplicaBatch::terminal, Duration.ofMinutes(2));
      batch.assertPublishedOnce(a);
      assertThat(phase(status(set.b(1).url()))).isEqualTo("PUBLISHED");
      for (int c : orphaned) {
        LeaseRecord r = lease(stateA, StorageLayout.chunkLease(KEY, 1, c));
        assertThat(r.holder()).as("chunk " + c + " after a1's death: " + r).isEqualTo("a2");
        assertThat(stateA.read(StorageLayout.chunkResult(KEY, 1, c))).as("chunk " + c).isPresent();
      }
      assertThat(a.path("chunksDoneBy").path("a2").asLong()).as(a.toString()).isPositive();
    }
  }

  @Test
  void replicaOfBKilledMidRoundAndTheRetryReachesTheOther() throws Exception {
    ReplicaBatch batch = new ReplicaBatch(gcs, 120);
    try (ProcessReplicaSet set = replicas(batch, 2).start()) {
      ProcessServer a1 = set.a(1);
      batch.startOn(a1.url(), set.a(2).url());
      awaitState(
          () -> status(a1.url()),
          s -> phase(s).equals("VERIFY") && s.path("chunksDone").asLong() >= 3,
          Duration.ofMinutes(1));
      awaitRoundInFlight(set.proxy(), 0);
      set.b(1).kill9();

      JsonNode a =
          awaitState(() -> status(a1.url()), ReplicaBatch::terminal, Duration.ofMinutes(2));
      batch.assertPublishedOnce(a);
      assertThat(phase(status(set.b(2).url()))).isEqualTo("PUBLISHED");
      assertThat(set.proxy().failedForwards())
          .as("requests that found b1 killed, retried by A")
          .isPositive();
    }
  }

  /** Chunks with no result stored whose lease is {@code holder}'s and {@code held}. */
  private static List<Integer> unfinishedChunks(
      ObjectStore state, String holder, Predicate<LeaseRecord> held) {
    try {
      List<Integer> out = new ArrayList<>();
      String dir = StorageLayout.stateDir(KEY) + "attempt=1/leases/chunk-";
      for (String path : state.list(dir)) {
        int chunk =
            Integer.parseInt(path.substring(dir.length(), path.length() - ".json".length()));
        LeaseRecord r = lease(state, path);
        if (r.holder().equals(holder)
            && held.test(r)
            && state.read(StorageLayout.chunkResult(KEY, 1, chunk)).isEmpty()) {
          out.add(chunk);
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static LeaseRecord lease(ObjectStore state, String path) throws IOException {
    return JSON.readValue(state.read(path).orElseThrow().data(), LeaseRecord.class);
  }

  /** Waits until the proxy has a round on its way to backend {@code index}, to kill it then. */
  private static void awaitRoundInFlight(RoundRobinProxy proxy, int index)
      throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (proxy.inFlight(index) == 0) {
      if (System.nanoTime() > end) {
        throw new AssertionError("no round went to B's replica " + (index + 1) + " in 30 s");
      }
      Thread.sleep(1);
    }
  }
}
