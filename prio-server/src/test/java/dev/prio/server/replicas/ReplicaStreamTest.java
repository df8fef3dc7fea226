package dev.prio.server.replicas;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.pubsub.v1.PubsubMessage;
import dev.prio.core.packet.ServerId;
import dev.prio.server.lease.LeaseRecord;
import dev.prio.server.lease.Leases;
import dev.prio.server.pair.Generated;
import dev.prio.server.pair.ServerPair;
import dev.prio.server.replicas.ReplicaSet.Replica;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.FakeGcs;
import dev.prio.server.storage.StorageLayout;
import dev.prio.server.stream.PubsubEmulator;
import dev.prio.server.stream.StreamWindow;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * Streaming with two replicas of each server on one subscription per server, as two pods of one
 * Deployment read the same subscription: every message is published twice, and the replica pulling
 * each server's subscription dies mid-window (its context closed without giving its leases up, so
 * what it held goes back to Pub/Sub). The other replica takes the ingest lease over once it
 * expires; each id must be staged exactly once on each side and the window publish its true sums.
 */
class ReplicaStreamTest {
  private static final String BATCH = "stream-replicas-0";
  private static final int N_DATA = 16;
  private static final String DATE = "2026-11-05";
  private static final BatchKey KEY = new BatchKey(LocalDate.parse(DATE), BATCH);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final FakeGcs gcs = FakeGcs.get();
  private final Map<ServerId, String> buckets = new EnumMap<>(ServerId.class);

  @Test
  void oneReplicaPullsEachSubscriptionAndTheOtherTakesOverAfterItDies() throws Exception {
    ServerPair.Keys keys = Generated.newKeys();
    PubsubEmulator pubsub = PubsubEmulator.get();
    String run = UUID.randomUUID().toString().substring(0, 8);
    Map<ServerId, String> topic = new EnumMap<>(ServerId.class);
    Map<ServerId, String> roots = new EnumMap<>(ServerId.class);
    for (ServerId s : ServerId.values()) {
      topic.put(s, "replicas-" + s.name().toLowerCase() + "-" + run);
      pubsub.topicWithSubscription(topic.get(s));
      buckets.put(s, gcs.newBucket("stream-" + s.name().toLowerCase()));
      roots.put(s, "gs://" + buckets.get(s) + "/p/");
    }
    StreamWindow w = StreamWindow.generate(keys, BATCH, N_DATA, DATE, 80, false, 7);
    String dataConfig = "[{\"batch_id\": \"" + BATCH + "\", \"n_data\": " + N_DATA + "}]";

    try (ReplicaSet set = new ReplicaSet(new ReplicaSetup(keys, dataConfig, roots), 2, 2)) {
      set.with("prio.storage.gcs-host", gcs.host())
          .with("prio.batch.min-batch-size", "10")
          .with("prio.lease.duration", "3s")
          .with("prio.census-interval", "300ms")
          .with("prio.stream.enabled", "true")
          .with("prio.stream.project", PubsubEmulator.PROJECT)
          .with("prio.stream.emulator-host", pubsub.host())
          .with("prio.stream.segment-max-submissions", "10")
          .with("prio.stream.flush-interval", "200ms")
          .with("prio.stream.close-after", "0s")
          .with("prio.stream.quiet-period", "14s");
      for (ServerId s : ServerId.values()) {
        set.withRole(s, "prio.stream.subscription", topic.get(s));
      }
      set.all().forEach(r -> r.leaveLeasesOnStop = true); // a stop is a crash: nothing given up
      for (ServerId s : ServerId.values()) {
        publishTwice(pubsub, topic.get(s), w.messages().get(s).subList(0, 40));
      }
      set.start();

      // Each side's second half goes out right after its puller dies, so A's window, quiet
      // from A's takeover on, cannot close before all of it is published however long B's stop
      // takes; A's window closing first would make the rest late, rightly left out of its sums.
      List<Replica> died = new ArrayList<>();
      Instant killing = Instant.now();
      for (ServerId s : ServerId.values()) {
        awaitSegment(s, Duration.ofMinutes(1));
        String holder = streamLease(set, s).holder();
        Replica r =
            set.all().stream().filter(x -> x.role == s && x.name.equals(holder)).findFirst().get();
        set.stop(r);
        died.add(r);
        publishTwice(pubsub, topic.get(s), w.messages().get(s).subList(40, 80));
      }
      assertThat(ReplicaBatch.status(set.anyA().url(), KEY).path("status").asInt())
          .as(
              "A's window still open once all of it is published, %s after the first kill",
              Duration.between(killing, Instant.now()))
          .isEqualTo(404);

      var a =
          ReplicaBatch.awaitState(
              () -> ReplicaBatch.status(set.anyA().url(), KEY),
              ReplicaBatch::terminal,
              Duration.ofMinutes(3));
      assertThat(ReplicaBatch.phase(a)).as(a.toString()).isEqualTo("PUBLISHED");
      String published = read(ServerId.A, StorageLayout.publishedDir(KEY) + "data.ndjson");
      assertThat(published)
          .contains("\"payload\":" + w.gen().expectedPayload())
          .contains("\"error\":0,\"total\":" + w.count());
      assertThat(read(ServerId.B, StorageLayout.publishedDir(KEY) + "data.ndjson"))
          .isEqualTo(published);

      List<String> ids =
          w.messages().get(ServerId.A).stream().map(m -> m.getAttributesOrThrow("id")).toList();
      for (ServerId s : ServerId.values()) {
        assertThat(stagedIds(s)).as("ids staged on " + s).containsExactlyInAnyOrderElementsOf(ids);
        LeaseRecord now = streamLease(set, s);
        String dead = died.stream().filter(r -> r.role == s).findFirst().get().name;
        assertThat(now.holder()).as("the ingest lease of " + s).isNotEqualTo(dead);
      }
    }
  }

  private static void publishTwice(PubsubEmulator pubsub, String topic, List<PubsubMessage> m) {
    pubsub.publish(topic, m);
    pubsub.publish(topic, m);
  }

  private static LeaseRecord streamLease(ReplicaSet set, ServerId s) {
    Replica up = set.all().stream().filter(r -> r.role == s && r.isUp()).findFirst().get();
    return up.context.getBean(Leases.class).peek(StorageLayout.streamLease()).orElseThrow();
  }

  /** Every id in every staged object of the window on server s, repeats included. */
  private List<String> stagedIds(ServerId s) {
    List<String> ids = new ArrayList<>();
    for (String name : names(s, StorageLayout.inputPrefix(KEY, s))) {
      for (String line : read(s, name).split("\n")) {
        if (!line.isBlank()) {
          ids.add(JSON.readTree(line).get("id").asString());
        }
      }
    }
    return ids;
  }

  private void awaitSegment(ServerId s, Duration timeout) throws InterruptedException {
    Instant end = Instant.now().plus(timeout);
    while (names(s, StorageLayout.inputPrefix(KEY, s)).isEmpty()) {
      if (Instant.now().isAfter(end)) {
        throw new AssertionError(s + " stored no segment in " + timeout);
      }
      Thread.sleep(20);
    }
  }

  /** Object keys under a prefix of server s's root, relative to it. */
  private List<String> names(ServerId s, String prefix) {
    Storage client = gcs.client();
    return StreamSupport.stream(
            client
                .list(buckets.get(s), Storage.BlobListOption.prefix("p/" + prefix))
                .iterateAll()
                .spliterator(),
            false)
        .map(Blob::getName)
        .map(n -> n.substring("p/".length()))
        .toList();
  }

  private String read(ServerId s, String key) {
    return new String(
        gcs.client().readAllBytes(BlobId.of(buckets.get(s), "p/" + key)), StandardCharsets.UTF_8);
  }
}
