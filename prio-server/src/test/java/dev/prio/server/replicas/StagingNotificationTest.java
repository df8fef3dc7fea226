package dev.prio.server.replicas;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.NotificationInfo;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import dev.prio.server.metrics.PrioMetrics;
import dev.prio.server.pair.Generated;
import dev.prio.server.pair.ServerPair;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.FakeGcs;
import dev.prio.server.storage.StorageLayout;
import dev.prio.server.stream.PubsubEmulator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A nightly file batch started by its staging marker alone, nobody calling the operator API:
 * fake-gcs-server publishes its object-finalize notifications (a notification config on A's bucket,
 * as Terraform creates it) to the Pub/Sub emulator, and both replicas of A read the subscription.
 * The staging uploads B's share, then A's part file, then hostile and misplaced markers, then the
 * real marker twice; the batch must publish its true sums exactly once, the other markers start
 * nothing and are counted under their reasons.
 */
class StagingNotificationTest {
  private static final String BATCH = "files-0";
  private static final String DATE = "2026-11-20";
  private static final BatchKey KEY = new BatchKey(LocalDate.parse(DATE), BATCH);
  private static final int N_DATA = 16;
  private static final String DAY = "p/prio/v1/submission_date=" + DATE + "/";

  @Test
  void theMarkerStartsTheBatchAndNothingElseDoes() throws Exception {
    PubsubEmulator pubsub = PubsubEmulator.get();
    FakeGcs gcs = FakeGcs.publishingTo(pubsub.host());
    String topic = "staging-a-" + UUID.randomUUID().toString().substring(0, 8);
    pubsub.topicWithSubscription(topic);
    ServerPair.Keys keys = Generated.newKeys();
    Generated gen = new Generated(keys, PrioConfig.of(N_DATA, BATCH), 21);
    gen.addValid(40);
    Map<ServerId, String> buckets = new EnumMap<>(ServerId.class);
    Map<ServerId, String> roots = new EnumMap<>(ServerId.class);
    for (ServerId s : ServerId.values()) {
      buckets.put(s, gcs.newBucket("files-" + s.name().toLowerCase()));
      roots.put(s, "gs://" + buckets.get(s) + "/p/");
    }
    String a = buckets.get(ServerId.A);
    gcs.client()
        .createNotification(
            a,
            NotificationInfo.newBuilder("projects/" + PubsubEmulator.PROJECT + "/topics/" + topic)
                .setEventTypes(NotificationInfo.EventType.OBJECT_FINALIZE)
                .setObjectNamePrefix("p/prio/v1/submission_date=")
                .setPayloadFormat(NotificationInfo.PayloadFormat.JSON_API_V1)
                .build());
    String dataConfig = "[{\"batch_id\": \"" + BATCH + "\", \"n_data\": " + N_DATA + "}]";

    try (ReplicaSet set = new ReplicaSet(new ReplicaSetup(keys, dataConfig, roots), 2, 1)) {
      set.with("prio.storage.gcs-host", gcs.host())
          .with("prio.batch.min-batch-size", "10")
          .withRole(ServerId.A, "prio.trigger.notifications.project", PubsubEmulator.PROJECT)
          .withRole(ServerId.A, "prio.trigger.notifications.subscription", topic)
          .withRole(ServerId.A, "prio.trigger.notifications.emulator-host", pubsub.host())
          .start();

      put(gcs, buckets.get(ServerId.B), partition(ServerId.B, BATCH) + "part-0.ndjson", gen.forB);
      put(gcs, a, partition(ServerId.A, BATCH) + "part-0.ndjson", gen.forA);
      put(gcs, a, partition(ServerId.B, BATCH) + "_SUCCESS", "");
      put(
          gcs,
          a,
          "p/prio/v1/submission_date=2026-13-45/batch_id=" + BATCH + "/server_id=a/_SUCCESS",
          "");
      put(gcs, a, DAY + "batch_id=../server_id=a/_SUCCESS", "");
      put(gcs, a, partition(ServerId.A, BATCH) + "extra/_SUCCESS", "");
      put(gcs, a, partition(ServerId.A, "not-in-data-config") + "_SUCCESS", "");
      put(gcs, a, partition(ServerId.A, BATCH) + "_SUCCESS", "");

      JsonNode done =
          ReplicaBatch.awaitState(
              () -> ReplicaBatch.status(set.a(1).url(), KEY),
              ReplicaBatch::terminal,
              Duration.ofMinutes(2));
      assertThat(ReplicaBatch.phase(done)).as(done.toString()).isEqualTo("PUBLISHED");
      assertThat(done.path("submissions").path("valid").asLong()).isEqualTo(gen.validCount());
      String published = read(gcs, a, "p/" + StorageLayout.publishedDir(KEY) + "data.ndjson");
      assertThat(published)
          .contains("\"payload\":" + gen.expectedPayload())
          .contains("\"error\":0,\"total\":" + gen.validCount());
      assertThat(
              read(
                  gcs,
                  buckets.get(ServerId.B),
                  "p/" + StorageLayout.publishedDir(KEY) + "data.ndjson"))
          .isEqualTo(published);

      // The marker again (a re-run staging job): a no-op on the published batch.
      put(gcs, a, partition(ServerId.A, BATCH) + "_SUCCESS", "");
      Map<String, Long> want =
          Map.of(
              "started",
              2L,
              "wrong_server",
              1L,
              "bad_name",
              3L,
              "unknown_batch_id",
              1L,
              "ignored",
              1L);
      awaitCounts(set, want, Duration.ofMinutes(1));
      JsonNode after = ReplicaBatch.status(set.a(2).url(), KEY);
      assertThat(after.get("attempt").asInt()).as(after.toString()).isEqualTo(1);
      assertThat(ReplicaBatch.phase(after)).isEqualTo("PUBLISHED");
      JsonNode unknown =
          ReplicaBatch.status(
              set.a(1).url(), new BatchKey(LocalDate.parse(DATE), "not-in-data-config"));
      assertThat(unknown.path("phase").isMissingNode()).as(unknown.toString()).isTrue();
    }
  }

  private static String partition(ServerId s, String batch) {
    return DAY + "batch_id=" + batch + "/server_id=" + s.name().toLowerCase() + "/";
  }

  private static void put(FakeGcs gcs, String bucket, String name, CharSequence content) {
    gcs.client()
        .create(
            BlobInfo.newBuilder(bucket, name).build(),
            content.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static String read(FakeGcs gcs, String bucket, String name) {
    return new String(gcs.client().readAllBytes(BlobId.of(bucket, name)), StandardCharsets.UTF_8);
  }

  /** Waits until both replicas of A together counted each outcome at least as often as wanted. */
  private static void awaitCounts(ReplicaSet set, Map<String, Long> want, Duration timeout)
      throws InterruptedException {
    Instant end = Instant.now().plus(timeout);
    Map<String, Long> seen = Map.of();
    while (Instant.now().isBefore(end)) {
      seen = counts(set, List.copyOf(want.keySet()));
      Map<String, Long> now = seen;
      if (want.entrySet().stream().allMatch(e -> now.get(e.getKey()) >= e.getValue())) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("notifications counted " + seen + ", wanted at least " + want);
  }

  private static Map<String, Long> counts(ReplicaSet set, List<String> outcomes) {
    Map<String, Long> out = new java.util.HashMap<>();
    for (String o : outcomes) {
      long n = 0;
      for (int i = 1; i <= 2; i++) {
        Counter c =
            set.a(i)
                .context
                .getBean(MeterRegistry.class)
                .find(PrioMetrics.STAGING_NOTIFICATIONS)
                .tag("outcome", o)
                .counter();
        n += c == null ? 0 : (long) c.count();
      }
      out.put(o, n);
    }
    return out;
  }
}
