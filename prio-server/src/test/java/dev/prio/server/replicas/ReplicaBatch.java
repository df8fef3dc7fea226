package dev.prio.server.replicas;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import dev.prio.server.pair.Generated;
import dev.prio.server.pair.ServerPair;
import dev.prio.server.settings.ServerKeys;
import dev.prio.server.signing.PeerAuthTestSupport;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.FakeGcs;
import dev.prio.server.storage.ObjectStore;
import dev.prio.server.storage.SealedObjectStore;
import dev.prio.server.storage.StorageLayout;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one batch a replica test runs, on fake-gcs-server: each role's bucket (shared by its
 * replicas) staged with generated submissions whose true sums are known; started and watched
 * through the operator API of replicas of A; and the check that it was published exactly once, on
 * both sides, with the true sums.
 */
final class ReplicaBatch {
  static final String DATE = "2026-12-01";
  static final String BATCH = "replicas-0";
  static final BatchKey KEY = new BatchKey(LocalDate.parse(DATE), BATCH);
  private static final int N_DATA = 32;
  private static final String LEASE = "3s";
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** A status read that may find the replica asked down or restarting. */
  interface Status {
    JsonNode read() throws IOException, InterruptedException;
  }

  private final FakeGcs gcs;
  private final Map<ServerId, String> buckets = new EnumMap<>(ServerId.class);
  private static final int INVALID_EVERY = 20;
  private final Generated gen;
  private int invalid;
  private final ReplicaSetup setup;

  ReplicaBatch(FakeGcs gcs, int submissions) {
    this.gcs = gcs;
    ServerPair.Keys keys = Generated.newKeys();
    gen = new Generated(keys, PrioConfig.of(N_DATA, BATCH), 11);
    // one submission in INVALID_EVERY fails its proof: chunks holding one are finished from their
    // shares, the others from the sum B kept between its rounds, on whichever replica of B
    for (int i = 0; i < submissions; i++) {
      if (i % INVALID_EVERY == INVALID_EVERY - 1) {
        gen.invalidProof(UUID.randomUUID().toString());
        invalid++;
      } else {
        gen.addValid(1);
      }
    }
    Map<ServerId, String> roots = new EnumMap<>(ServerId.class);
    for (ServerId s : ServerId.values()) {
      buckets.put(s, gcs.newBucket("replicas-" + s.name().toLowerCase()));
      roots.put(s, "gs://" + buckets.get(s) + "/p/");
      String part = "p/" + StorageLayout.inputPrefix(KEY, s) + "part-0.ndjson";
      gcs.client()
          .create(
              BlobInfo.newBuilder(buckets.get(s), part).build(),
              (s == ServerId.A ? gen.forA : gen.forB).toString().getBytes(StandardCharsets.UTF_8));
    }
    setup =
        new ReplicaSetup(
            keys, "[{\"batch_id\": \"" + BATCH + "\", \"n_data\": " + N_DATA + "}]", roots);
  }

  ReplicaSetup setup() {
    return setup;
  }

  /**
   * A's or B's own store as its replicas see it (state unsealed with that server's key), to read
   * leases and chunk results behind the servers' backs.
   */
  ObjectStore store(ServerId s) {
    ServerPair.Keys keys = setup.keys();
    ServerKeys own =
        new ServerKeys(
            s,
            (s == ServerId.A ? keys.a() : keys.b()).privateKey(),
            keys.a().publicKey(),
            keys.b().publicKey(),
            keys.seed());
    return new SealedObjectStore(
        gcs.store(buckets.get(s), "p/", 1000), own.stateMacKey(), StorageLayout::isState);
  }

  /**
   * Every replica's extras: the emulator, chunks of {@code chunkSize} two at a time, leases short
   * enough that a dead replica's chunks are taken over within seconds, and a census fast enough
   * that an idle replica joins the batch at once.
   */
  Map<String, String> settings(int chunkSize) {
    return Map.of(
        "prio.storage.gcs-host",
        gcs.host(),
        "prio.batch.chunk-size",
        String.valueOf(chunkSize),
        "prio.batch.parallel-chunks",
        "2",
        "prio.lease.duration",
        LEASE,
        "prio.census-interval",
        "300ms",
        // the tests time their faults by the progress they read: written every 100 ms, not 2 s
        "prio.batch.progress-interval",
        "100ms");
  }

  /**
   * The nightly job's POST reaches one replica through the Service; here every replica of A given
   * gets one (it is idempotent).
   */
  void startOn(String... urlsOfA) throws IOException, InterruptedException {
    for (String url : urlsOfA) {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url + "/batches/" + BATCH))
                  .header("Authorization", PeerAuthTestSupport.BEARER)
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString("{\"submissionDate\":\"" + DATE + "\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }
  }

  /** GET /batches/{id} on one replica (of A or B). */
  static JsonNode status(String url) throws IOException, InterruptedException {
    return status(url, KEY);
  }

  /** GET /batches/{id} of any batch on one replica. */
  static JsonNode status(String url, BatchKey key) throws IOException, InterruptedException {
    return JSON.readTree(
        HTTP.send(
                HttpRequest.newBuilder(
                        URI.create(
                            url
                                + "/batches/"
                                + key.batchId()
                                + "?submissionDate="
                                + key.submissionDate()))
                    .header("Authorization", PeerAuthTestSupport.BEARER)
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }

  static String phase(JsonNode s) {
    return s.path("phase").asText();
  }

  static boolean terminal(JsonNode s) {
    return List.of("PUBLISHED", "FAILED", "ABANDONED").contains(phase(s));
  }

  /** Polls {@code status} until {@code done}; a replica that does not answer is asked again. */
  static JsonNode awaitState(Status status, Predicate<JsonNode> done, Duration timeout)
      throws InterruptedException {
    Instant end = Instant.now().plus(timeout);
    JsonNode last = null;
    while (Instant.now().isBefore(end)) {
      try {
        last = status.read();
        if (done.test(last)) {
          return last;
        }
      } catch (IOException e) {
        // the replica asked is restarting; ask again
      }
      Thread.sleep(50);
    }
    throw new AssertionError("batch did not get there: " + last);
  }

  /**
   * {@code a} (A's status) says PUBLISHED in attempt 1, and each bucket's published/ holds exactly
   * one data.ndjson and one provenance.json, B's data the same as A's, with the true sums.
   */
  void assertPublishedOnce(JsonNode a) {
    assertThat(phase(a)).as(a.toString()).isEqualTo("PUBLISHED");
    assertThat(a.get("attempt").asInt()).isEqualTo(1);
    assertThat(a.path("submissions").path("proof_invalid").asLong())
        .as(a.toString())
        .isEqualTo(invalid);
    assertThat(a.path("submissions").path("valid").asLong())
        .as(a.toString())
        .isEqualTo(gen.validCount());
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
}
