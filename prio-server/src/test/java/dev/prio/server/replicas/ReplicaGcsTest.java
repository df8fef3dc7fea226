package dev.prio.server.replicas;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import dev.prio.server.lease.LeaseRecord;
import dev.prio.server.lease.Leases;
import dev.prio.server.pair.Generated;
import dev.prio.server.pair.ServerPair;
import dev.prio.server.replicas.ReplicaSet.Replica;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.FakeGcs;
import dev.prio.server.storage.ObjectStore;
import dev.prio.server.storage.StorageLayout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two replicas of A and two of B on fake-gcs-server (each role one bucket, as one Deployment's pods
 * share one), B's replicas behind one round-robin address: the batch publishes once with the true
 * sums whether every replica stays up, a replica of A dies mid-verify (its chunks are taken over
 * once their leases expire), a replica of B stops mid-round (A's retry reaches the other), or every
 * replica is restarted one by one during the batch.
 */
class ReplicaGcsTest {
  private static final String DATE = "2026-12-01";
  private static final String BATCH = "replicas-0";
  private static final int N_DATA = 32;
  private static final String LEASE = "3s";
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final BatchKey KEY = new BatchKey(LocalDate.parse(DATE), BATCH);

  private final FakeGcs gcs = FakeGcs.get();
  private final Map<ServerId, String> buckets = new HashMap<>();
  private Generated gen;

  private ReplicaSet replicas(int submissions, int chunkSize) throws Exception {
    ServerPair.Keys keys = Generated.newKeys();
    gen = new Generated(keys, PrioConfig.of(N_DATA, BATCH), 11);
    gen.addValid(submissions);
    Storage client = gcs.client();
    Map<ServerId, String> roots = new HashMap<>();
    for (ServerId s : ServerId.values()) {
      buckets.put(s, gcs.newBucket("replicas-" + s.name().toLowerCase()));
      roots.put(s, "gs://" + buckets.get(s) + "/p/");
      String part = "p/" + StorageLayout.inputPrefix(KEY, s) + "part-0.ndjson";
      client.create(
          BlobInfo.newBuilder(buckets.get(s), part).build(),
          (s == ServerId.A ? gen.forA : gen.forB).toString().getBytes(StandardCharsets.UTF_8));
    }
    return new ReplicaSet(
            keys, "[{\"batch_id\": \"" + BATCH + "\", \"n_data\": " + N_DATA + "}]", roots, 2, 2)
        .with("prio.storage.gcs-host", gcs.host())
        .with("prio.batch.chunk-size", String.valueOf(chunkSize))
        .with("prio.batch.parallel-chunks", "2")
        .with("prio.lease.duration", LEASE)
        .with("prio.census-interval", "300ms")
        // The tests time their faults by the progress they read: written every 100 ms, not 2 s.
        .with("prio.batch.progress-interval", "100ms");
  }

  @Test
  void bothReplicasOfADoChunksAndTheBatchPublishesOnce() throws Exception {
    try (ReplicaSet set = replicas(120, 3).start()) {
      startOnEveryA(set);
      JsonNode a = awaitPublished(set, Duration.ofMinutes(2));
      assertPublishedOnce(a);
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
      startOnEveryA(set);
      awaitState(
          set.a(2), s -> s.path("chunksDoneBy").path("a1").asLong() >= 2, Duration.ofMinutes(1));
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
      assertPublishedOnce(a);
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
      awaitState(set.a(1), s -> s.path("chunksDone").asLong() >= 3, Duration.ofMinutes(1));
      set.stop(set.b(1));
      JsonNode a = awaitPublished(set, Duration.ofMinutes(2));
      assertPublishedOnce(a);
      assertThat(set.proxy().failedForwards())
          .as("requests that found b1 gone, retried by A")
          .isPositive();
    }
  }

  @Test
  void rollingRestartOfEveryReplicaDuringTheBatch() throws Exception {
    try (ReplicaSet set = replicas(320, 2).start()) {
      startOnEveryA(set);
      awaitState(set.a(1), s -> s.path("chunksDone").asLong() >= 2, Duration.ofMinutes(1));
      assertThat(phase(status(set.anyA()))).isEqualTo("VERIFY");
      for (Replica r : set.all()) {
        set.stop(r);
        set.start(r);
      }
      JsonNode a = awaitPublished(set, Duration.ofMinutes(3));
      assertPublishedOnce(a);
    }
  }

  /**
   * The nightly job's POST reaches one replica through the Service; here each gets one (it is
   * idempotent).
   */
  private static void startOnEveryA(ReplicaSet set) throws Exception {
    for (int i = 1; i <= 2; i++) {
      assertThat(
              set.post(set.a(i), "/batches/" + BATCH, "{\"submissionDate\":\"" + DATE + "\"}")
                  .statusCode())
          .isEqualTo(202);
    }
  }

  private void assertPublishedOnce(JsonNode a) {
    assertThat(phase(a)).as(a.toString()).isEqualTo("PUBLISHED");
    assertThat(a.get("attempt").asInt()).isEqualTo(1);
    Storage client = gcs.client();
    String published = null;
    for (ServerId s : ServerId.values()) {
      String dir = "p/" + StorageLayout.publishedDir(KEY);
      List<String> names =
          StreamSupport.stream(
                  client
                      .list(buckets.get(s), Storage.BlobListOption.prefix(dir))
                      .iterateAll()
                      .spliterator(),
                  false)
              .map(Blob::getName)
              .map(n -> n.substring(dir.length()))
              .sorted()
              .toList();
      assertThat(names).as("published on " + s).containsExactly("data.ndjson", "provenance.json");
      String data =
          new String(
              client.readAllBytes(BlobId.of(buckets.get(s), dir + "data.ndjson")),
              StandardCharsets.UTF_8);
      assertThat(data).contains("\"payload\":" + gen.expectedPayload());
      assertThat(published == null || published.equals(data)).as("B's copy is A's").isTrue();
      published = data;
    }
  }

  private static List<String> chunkLeases(Replica r) throws Exception {
    return r.context
        .getBean(ObjectStore.class)
        .list(StorageLayout.stateDir(KEY) + "attempt=1/leases/chunk-");
  }

  private static JsonNode status(Replica r) throws Exception {
    return JSON.readTree(r.get("/batches/" + BATCH + "?submissionDate=" + DATE).body());
  }

  private static String phase(JsonNode s) {
    return s.path("phase").asText();
  }

  private static JsonNode awaitPublished(ReplicaSet set, Duration timeout) throws Exception {
    return awaitState(
        null, set, s -> List.of("PUBLISHED", "FAILED", "ABANDONED").contains(phase(s)), timeout);
  }

  private static JsonNode awaitState(Replica r, Predicate<JsonNode> done, Duration timeout)
      throws Exception {
    return awaitState(r, null, done, timeout);
  }

  private static JsonNode awaitState(
      Replica r, ReplicaSet set, Predicate<JsonNode> done, Duration timeout) throws Exception {
    Instant end = Instant.now().plus(timeout);
    JsonNode last = null;
    while (Instant.now().isBefore(end)) {
      try {
        last = status(r != null ? r : set.anyA());
        if (done.test(last)) {
          return last;
        }
      } catch (java.io.IOException e) {
        // the replica asked is restarting; ask again
      }
      Thread.sleep(50);
    }
    throw new AssertionError("batch did not get there: " + last);
  }
}
