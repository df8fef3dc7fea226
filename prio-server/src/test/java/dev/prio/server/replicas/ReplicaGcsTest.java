package dev.prio.server.replicas;

import static dev.prio.server.replicas.ReplicaBatch.KEY;
import static dev.prio.server.replicas.ReplicaBatch.awaitState;
import static dev.prio.server.replicas.ReplicaBatch.phase;
import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.server.lease.LeaseRecord;
import dev.prio.server.lease.Leases;
import dev.prio.server.replicas.ReplicaSet.Replica;
import dev.prio.server.storage.FakeGcs;
import dev.prio.server.storage.ObjectStore;
import dev.prio.server.storage.StorageLayout;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Two replicas of A and two of B on fake-gcs-server (each role one bucket, as one Deployment's pods
 * share one), B's replicas behind one round-robin address, each replica a Spring context in this
 * JVM: the batch publishes once with the true sums whether every replica stays up, a replica of A
 * dies mid-verify (its chunks are taken over once their leases expire), a replica of B stops
 * mid-round (A's retry reaches the other), or every replica is restarted one by one during the
 * batch. "Dies" here is a context closed without giving up its leases; {@link ReplicaKillTest} does
 * the same with SIGKILL on replicas run as processes.
 */
class ReplicaGcsTest {
  private final FakeGcs gcs = FakeGcs.get();
  private ReplicaBatch batch;

  private ReplicaSet replicas(int submissions, int chunkSize) throws Exception {
    batch = new ReplicaBatch(gcs, submissions);
    ReplicaSet set = new ReplicaSet(batch.setup(), 2, 2);
    batch.settings(chunkSize).forEach(set::with);
    return set;
  }

  @Test
  void bothReplicasOfADoChunksAndTheBatchPublishesOnce() throws Exception {
    try (ReplicaSet set = replicas(120, 3).start()) {
      startOnEveryA(set);
      JsonNode a = awaitPublished(set, Duration.ofMinutes(2));
      batch.assertPublishedOnce(a);
      JsonNode by = a.get("chunksDoneBy");
      assertThat(by.get("a1").asLong()).as(by.toString()).isPositive();
      assertThat(by.get("a2").asLong()).as(by.toString()).isPositive();
      assertThat(by.get("a1").asLong() + by.get("a2").asLong())
          .isEqualTo(a.get("chunksTotal").asLong());
    }
  }

  @Test
  void replicaOfAKilledMidVerifyIsTakenOverAfterItsLeasesExpire() throws Exception {
    try (ReplicaSet set = replicas(120, 3)) {
      set.a(1).leaveLeasesOnStop = true;
      set.start();
      // rounds slow enough that a1 cannot finish the chunks it holds between the look and the stop
      set.proxy().delay(Duration.ofMillis(300));
      startOnEveryA(set);
      awaitState(
          () -> status(set.a(2)),
          s -> s.path("chunksDoneBy").path("a1").asLong() >= 2,
          Duration.ofMinutes(1));
      Leases leases = set.a(2).context.getBean(Leases.class);
      List<String> heldByA1 =
          chunkLeases(set.a(2)).stream()
              .filter(
                  p ->
                      leases
                          .peek(p)
                          .filter(r -> r.holder().equals("a1") && r.isLive(Instant.now()))
                          .isPresent())
              .toList();
      set.stop(set.a(1)); // as kill -9: no lease given up, no more renewals
      assertThat(heldByA1).as("a1 was running chunks when it died").isNotEmpty();

      JsonNode a = awaitPublished(set, Duration.ofMinutes(2));
      batch.assertPublishedOnce(a);
      long takenOver =
          heldByA1.stream()
              .map(p -> leases.peek(p).orElseThrow())
              .filter(r -> r.holder().equals("a2"))
              .count();
      assertThat(takenOver).as("a2 took over a1's chunks").isPositive();
      for (String p : heldByA1) {
        LeaseRecord r = leases.peek(p).orElseThrow();
        assertThat(r.holder().equals("a2") || r.released()).as(p + " " + r).isTrue();
      }
    }
  }

  @Test
  void replicaOfBStoppedMidRoundAndTheRetryReachesTheOther() throws Exception {
    try (ReplicaSet set = replicas(120, 3).start()) {
      startOnEveryA(set);
      awaitState(
          () -> status(set.a(1)), s -> s.path("chunksDone").asLong() >= 3, Duration.ofMinutes(1));
      set.stop(set.b(1));
      JsonNode a = awaitPublished(set, Duration.ofMinutes(2));
      batch.assertPublishedOnce(a);
      assertThat(set.proxy().failedForwards())
          .as("requests that found b1 gone, retried by A")
          .isPositive();
    }
  }

  @Test
  void rollingRestartOfEveryReplicaDuringTheBatch() throws Exception {
    try (ReplicaSet set = replicas(320, 2).start()) {
      startOnEveryA(set);
      awaitState(
          () -> status(set.a(1)), s -> s.path("chunksDone").asLong() >= 2, Duration.ofMinutes(1));
      assertThat(phase(status(set.anyA()))).isEqualTo("VERIFY");
      for (Replica r : set.all()) {
        set.stop(r);
        set.start(r);
      }
      JsonNode a = awaitPublished(set, Duration.ofMinutes(3));
      batch.assertPublishedOnce(a);
    }
  }

  private void startOnEveryA(ReplicaSet set) throws Exception {
    batch.startOn(set.a(1).url(), set.a(2).url());
  }

  private static List<String> chunkLeases(Replica r) throws Exception {
    return r.context
        .getBean(ObjectStore.class)
        .list(StorageLayout.stateDir(KEY) + "attempt=1/leases/chunk-");
  }

  private static JsonNode status(Replica r) throws IOException, InterruptedException {
    return ReplicaBatch.status(r.url());
  }

  private static JsonNode awaitPublished(ReplicaSet set, Duration timeout) throws Exception {
    return awaitState(() -> status(set.anyA()), ReplicaBatch::terminal, timeout);
  }
}
