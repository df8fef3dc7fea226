package dev.prio.server.pair;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import dev.prio.core.crypto.KeyPair;
import dev.prio.core.packet.ServerId;
import dev.prio.core.vectors.VectorSet;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.FakeGcs;
import dev.prio.server.storage.StorageLayout;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@link FixturePairTest}'s batch with both servers on {@code gs://} storage, each in its own
 * bucket on a real fake-gcs-server, through the real google-cloud-storage client: input staged as
 * uploaded objects, batch state kept with generation preconditions, results published to the
 * buckets. The published aggregate must be the fixture's, B's copy must equal A's, and the
 * aggregate must equal what the same batch publishes on local files.
 */
class GcsPairTest {
  private static final String DATE = "2026-11-24";
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static FakeGcs gcs;

  @TempDir Path work;

  @BeforeAll
  static void emulator() {
    gcs = FakeGcs.get();
  }

  @Test
  void publishesTheFixtureAggregateFromGcsAsOnLocalFiles() throws Exception {
    VectorSet set =
        VectorSet.all().stream()
            .filter(v -> v.name().equals("fixture-constant-r"))
            .findFirst()
            .orElseThrow();
    String batchId = new String(set.config().batchId(), StandardCharsets.UTF_8);
    BatchKey key = new BatchKey(LocalDate.parse(DATE), batchId);
    ServerPair.Keys keys =
        new ServerPair.Keys(
            new KeyPair(set.privateKey(ServerId.A), set.publicKey(ServerId.A)),
            new KeyPair(set.privateKey(ServerId.B), set.publicKey(ServerId.B)),
            set.seed());
    String dataConfig =
        "[{\"batch_id\": \"" + batchId + "\", \"n_data\": " + set.config().nData() + "}]";

    Map<ServerId, String> buckets =
        Map.of(ServerId.A, gcs.newBucket("bucket-a"), ServerId.B, gcs.newBucket("bucket-b"));
    String prefix = "prio-pair/";
    Storage client = gcs.client();
    String publishedA;
    String publishedB;
    try (ServerPair pair = new ServerPair(work.resolve("gcs"), keys, dataConfig)) {
      // prio.storage.gcs-host (STORAGE_EMULATOR_HOST in deployments) points both servers at the
      // emulator.
      pair.with("prio.storage.gcs-host", gcs.host());
      startWithRoots(
          pair,
          "gs://" + buckets.get(ServerId.A) + "/" + prefix,
          "gs://" + buckets.get(ServerId.B) + "/" + prefix);
      for (ServerId s : ServerId.values()) {
        // Staged the way a staging job writes: one upload per ndjson part, straight into the
        // bucket.
        BlobInfo part =
            BlobInfo.newBuilder(
                    buckets.get(s), prefix + StorageLayout.inputPrefix(key, s) + "part-0.ndjson")
                .setContentType("application/x-ndjson")
                .build();
        client.createFrom(
            part,
            new ByteArrayInputStream(
                set.serverFile(s, "raw/data.ndjson").getBytes(StandardCharsets.UTF_8)));
      }
      assertThat(pair.startBatch(batchId, DATE).statusCode()).isEqualTo(202);
      String a = pair.awaitTerminal(ServerId.A, batchId, DATE, Duration.ofSeconds(60));
      assertThat(ServerPair.phase(a)).as(a).isEqualTo("PUBLISHED");
      String b = pair.awaitTerminal(ServerId.B, batchId, DATE, Duration.ofSeconds(10));
      assertThat(ServerPair.phase(b)).as(b).isEqualTo("PUBLISHED");

      publishedA =
          object(client, buckets.get(ServerId.A), prefix + StorageLayout.published(key, 1));
      publishedB =
          object(client, buckets.get(ServerId.B), prefix + StorageLayout.published(key, 1));
      for (ServerId s : ServerId.values()) {
        assertThat(client.get(BlobId.of(buckets.get(s), prefix + StorageLayout.provenance(key, 1))))
            .as("provenance on " + s)
            .isNotNull();
        assertThat(client.get(BlobId.of(buckets.get(s), prefix + StorageLayout.batchState(key))))
            .as("state on " + s)
            .isNotNull();
        // Nothing went to the local directories ServerPair made.
        assertThat(regularFiles(pair.root(s))).as("local files of " + s).isZero();
      }
    }
    assertThat(publishedB).isEqualTo(publishedA);
    assertThat(VectorSet.publishedPayload(publishedA).replace(",", ", "))
        .isEqualTo(VectorSet.publishedPayload(set.serverFile(ServerId.A, "processed/data.ndjson")));
    String aggregate = set.serverFile(ServerId.A, "intermediate/internal/aggregate/data.ndjson");
    assertThat(publishedA)
        .contains("\"error\":" + field(aggregate, "error"))
        .contains("\"total\":" + field(aggregate, "total"));

    // The same batch on local files publishes the same aggregate (the record's id and timestamp
    // are minted per publish, so they are left out of the comparison).
    String local = publishOnFiles(keys, dataConfig, set, batchId);
    assertThat(withoutIdAndTimestamp(publishedA)).isEqualTo(withoutIdAndTimestamp(local));
  }

  private static String publishOnFiles(
      ServerPair.Keys keys, String dataConfig, VectorSet set, String batchId) throws Exception {
    Path dir = Files.createTempDirectory("gcs-pair-files-");
    try (ServerPair pair = new ServerPair(dir, keys, dataConfig).start()) {
      for (ServerId s : ServerId.values()) {
        Staging.write(
            pair.root(s), DATE, batchId, s, "part-0.ndjson", set.serverFile(s, "raw/data.ndjson"));
      }
      assertThat(pair.startBatch(batchId, DATE).statusCode()).isEqualTo(202);
      String a = pair.awaitTerminal(ServerId.A, batchId, DATE, Duration.ofSeconds(60));
      assertThat(ServerPair.phase(a)).as(a).isEqualTo("PUBLISHED");
      return Staging.published(pair.root(ServerId.A), DATE, batchId);
    }
  }

  /**
   * Starts B on {@code rootB}, then A on {@code rootA}. ServerPair applies its extra properties to
   * both servers, so the root is set before each start.
   */
  private static void startWithRoots(ServerPair pair, String rootA, String rootB) {
    pair.withRole(ServerId.B, "prio.storage.root", rootB)
        .withRole(ServerId.A, "prio.storage.root", rootA);
    pair.startB();
    pair.startA();
  }

  private static String object(Storage client, String bucket, String name) {
    return new String(client.readAllBytes(BlobId.of(bucket, name)), StandardCharsets.UTF_8);
  }

  private static JsonNode withoutIdAndTimestamp(String publishedLine) {
    ObjectNode node = (ObjectNode) JSON.readTree(publishedLine.strip());
    node.remove("id");
    node.remove("timestamp");
    return node;
  }

  private static long regularFiles(Path root) throws Exception {
    if (!Files.isDirectory(root)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).count();
    }
  }

  private static String field(String json, String name) {
    var m = java.util.regex.Pattern.compile("\"" + name + "\"\\s*:\\s*(\\d+)").matcher(json);
    assertThat(m.find()).isTrue();
    return m.group(1);
  }
}
