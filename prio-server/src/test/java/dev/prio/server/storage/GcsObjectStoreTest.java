package dev.prio.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link GcsObjectStore} on the real google-cloud-storage client against a real fake-gcs-server
 * (see {@link FakeGcs}): paging, streaming, and the generation preconditions that keep two writers
 * from both winning.
 */
class GcsObjectStoreTest {
  private static FakeGcs gcs;
  private static ExecutorService pool;
  private String bucket;
  private GcsObjectStore store;

  @BeforeAll
  static void emulator() {
    gcs = FakeGcs.get();
    pool = Executors.newFixedThreadPool(8);
  }

  @AfterAll
  static void stopPool() {
    pool.shutdownNow();
  }

  @BeforeEach
  void bucket() {
    bucket = gcs.newBucket("store");
    store = gcs.store(bucket, "root/", 3);
  }

  @Test
  void listsEveryPageUnderThePrefixSortedAndRelativeToTheRoot() throws Exception {
    List<String> expected = new ArrayList<>();
    for (int i = 9; i >= 0; i--) {
      String key = "prio/v1/in/part-" + i + ".ndjson";
      assertThat(store.createIfAbsent(key, ("x" + i).getBytes(StandardCharsets.UTF_8))).isTrue();
      expected.add(0, key);
    }
    store.createIfAbsent("prio/v1/other/x.json", new byte[] {1});
    gcs.client()
        .create(
            BlobInfo.newBuilder(bucket, "elsewhere/prio/v1/in/part-x.ndjson").build(),
            new byte[] {1});
    gcs.client()
        .create(BlobInfo.newBuilder(bucket, "root/prio/v1/in/folder/").build(), new byte[0]);

    long pagesBefore = store.pagesRead();
    assertThat(store.list("prio/v1/in/")).containsExactlyElementsOf(expected);
    // 10 names (+ the folder placeholder) at 3 a page: every page was fetched.
    assertThat(store.pagesRead() - pagesBefore).isGreaterThanOrEqualTo(4);
    assertThat(store.list("prio/v1/")).hasSize(11);
    assertThat(store.list("nothing/here/")).isEmpty();
  }

  @Test
  void streamsAMultiMegabyteObject() throws Exception {
    byte[] data = new byte[9 * 1024 * 1024 + 17];
    new Random(5).nextBytes(data);
    // Upload it through a resumable write channel, as a staging job would.
    try (OutputStream out =
        Channels.newOutputStream(
            gcs.client().writer(BlobInfo.newBuilder(bucket, "root/big.ndjson").build()))) {
      out.write(data);
    }
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    long total = 0;
    int reads = 0;
    try (InputStream in = store.open("big.ndjson").orElseThrow()) {
      assertThat(in).isNotInstanceOf(java.io.ByteArrayInputStream.class);
      byte[] buf = new byte[64 * 1024];
      for (int n; (n = in.read(buf)) != -1; ) {
        sha.update(buf, 0, n);
        total += n;
        reads++;
      }
    }
    assertThat(total).isEqualTo(data.length);
    assertThat(reads).isGreaterThan(1);
    assertThat(sha.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
    assertThat(store.open("absent.ndjson")).isEmpty();
  }

  @Test
  void readReturnsTheBytesWithTheirGeneration() throws Exception {
    assertThat(store.read("state/batch.json")).isEmpty();
    assertThat(store.createIfAbsent("state/batch.json", bytes("{\"v\":1}"))).isTrue();
    StoredObject o = store.read("state/batch.json").orElseThrow();
    assertThat(new String(o.data(), StandardCharsets.UTF_8)).isEqualTo("{\"v\":1}");
    Blob blob = gcs.client().get(BlobId.of(bucket, "root/state/batch.json"));
    assertThat(o.generation()).isEqualTo(blob.getGeneration()).isPositive();
    assertThat(blob.getContentType()).isEqualTo("application/json");
  }

  @Test
  void createIfAbsentTwiceKeepsTheFirst() throws Exception {
    assertThat(store.createIfAbsent("published/data.ndjson", bytes("first\n"))).isTrue();
    StoredObject first = store.read("published/data.ndjson").orElseThrow();
    assertThat(store.createIfAbsent("published/data.ndjson", bytes("second\n"))).isFalse();
    StoredObject after = store.read("published/data.ndjson").orElseThrow();
    assertThat(new String(after.data(), StandardCharsets.UTF_8)).isEqualTo("first\n");
    assertThat(after.generation()).isEqualTo(first.generation());
  }

  @Test
  void compareAndSetWithAStaleGenerationIsDetectedNotOverwritten() throws Exception {
    store.createIfAbsent("state/batch.json", bytes("v1"));
    long g1 = store.read("state/batch.json").orElseThrow().generation();
    assertThat(store.compareAndSet("state/batch.json", g1, bytes("v2"))).isTrue();
    StoredObject v2 = store.read("state/batch.json").orElseThrow();
    assertThat(v2.generation()).isNotEqualTo(g1);

    // A writer still holding g1 loses: false, and v2 stays.
    assertThat(store.compareAndSet("state/batch.json", g1, bytes("stale"))).isFalse();
    StoredObject now = store.read("state/batch.json").orElseThrow();
    assertThat(new String(now.data(), StandardCharsets.UTF_8)).isEqualTo("v2");
    assertThat(now.generation()).isEqualTo(v2.generation());

    // Compare-and-set never creates.
    assertThat(store.compareAndSet("state/absent.json", g1, bytes("x"))).isFalse();
    assertThat(store.read("state/absent.json")).isEmpty();
  }

  @Test
  void deleteRemovesTheObjectAndAnAbsentOneIsNoError() throws Exception {
    store.createIfAbsent("stream/windows/w.json", bytes("{}"));
    store.delete("stream/windows/w.json");
    assertThat(store.read("stream/windows/w.json")).isEmpty();
    assertThat(store.list("stream/windows/")).isEmpty();
    store.delete("stream/windows/w.json");
    assertThat(store.createIfAbsent("stream/windows/w.json", bytes("{}"))).isTrue();
  }

  @Test
  void twoRacingWritersNeverBothWin() throws Exception {
    for (int round = 0; round < 15; round++) {
      String key = "race/claim-" + round + ".json";
      List<Boolean> created = race(writer -> store.createIfAbsent(key, bytes("writer-" + writer)));
      assertThat(created)
          .as("createIfAbsent round %d", round)
          .containsExactlyInAnyOrder(true, false);
      int winner = created.indexOf(true);
      StoredObject won = store.read(key).orElseThrow();
      assertThat(new String(won.data(), StandardCharsets.UTF_8)).isEqualTo("writer-" + winner);

      List<Boolean> swapped =
          race(writer -> store.compareAndSet(key, won.generation(), bytes("next-" + writer)));
      assertThat(swapped)
          .as("compareAndSet round %d", round)
          .containsExactlyInAnyOrder(true, false);
      assertThat(new String(store.read(key).orElseThrow().data(), StandardCharsets.UTF_8))
          .isEqualTo("next-" + swapped.indexOf(true));
    }
  }

  @Test
  void otherFailuresAreIOExceptions() {
    GcsObjectStore missing = gcs.store("no-such-bucket-" + bucket, "", 10);
    assertThatThrownBy(() -> missing.createIfAbsent("x", bytes("x")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("HTTP 404");
    assertThatThrownBy(() -> missing.list("")).isInstanceOf(IOException.class);
  }

  @Test
  void objectStoresOpensGsUrisOnTheConfiguredEmulator() throws Exception {
    ObjectStore viaUri = ObjectStores.open("gs://" + bucket + "/some/prefix", gcs.host());
    assertThat(viaUri).isInstanceOf(GcsObjectStore.class);
    assertThat(viaUri.describe()).isEqualTo("gs://" + bucket + "/some/prefix/");
    assertThat(viaUri.createIfAbsent("k.json", bytes("{}"))).isTrue();
    assertThat(gcs.client().get(BlobId.of(bucket, "some/prefix/k.json"))).isNotNull();

    String before = System.getProperty(ObjectStores.GCS_HOST_PROPERTY);
    System.setProperty(ObjectStores.GCS_HOST_PROPERTY, gcs.host().replace("http://", ""));
    try {
      ObjectStore viaProperty = ObjectStores.open("gs://" + bucket);
      assertThat(viaProperty.describe()).isEqualTo("gs://" + bucket + "/");
      assertThat(viaProperty.list("some/")).containsExactly("some/prefix/k.json");
    } finally {
      if (before == null) {
        System.clearProperty(ObjectStores.GCS_HOST_PROPERTY);
      } else {
        System.setProperty(ObjectStores.GCS_HOST_PROPERTY, before);
      }
    }
    assertThatThrownBy(() -> ObjectStores.open("gs://Not_A_Bucket/x", gcs.host()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readsInputThroughTheSubmissionReader() throws Exception {
    Storage raw = gcs.client();
    raw.create(
        BlobInfo.newBuilder(bucket, "root/in/part-1.ndjson").build(),
        bytes("{\"id\": \"b\", \"payload\": \"AQI=\"}\n"));
    raw.create(
        BlobInfo.newBuilder(bucket, "root/in/part-0.ndjson").build(),
        bytes("{\"id\": \"a\", \"payload\": \"AAE=\"}\n{\"id\": 7, \"payload\": \"Ag==\"}\n"));
    List<String> ids = new ArrayList<>();
    new SubmissionReader(store, tools.jackson.databind.json.JsonMapper.builder().build(), 1 << 20)
        .forEach("in/", line -> ids.add(line.id()));
    assertThat(ids).containsExactly("a", "7", "b");
  }

  @Test
  void readsParquetInputByRangeThroughTheSubmissionReader(@TempDir Path tmp) throws Exception {
    List<ParquetFiles.Row> rows = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      rows.add(new ParquetFiles.Row("r-" + i, new byte[] {(byte) i, 1, 2}));
    }
    Path file = ParquetFiles.write(tmp.resolve("p.parquet"), 200, rows);
    assertThat(ParquetFiles.rowGroups(file)).isGreaterThan(3);
    byte[] data = Files.readAllBytes(file);
    gcs.client().create(BlobInfo.newBuilder(bucket, "root/in/part-0.parquet").build(), data);
    assertThat(store.size("in/part-0.parquet")).hasValue(data.length);
    assertThat(store.size("in/none.parquet")).isEmpty();
    SubmissionReader reader =
        new SubmissionReader(
            store, tools.jackson.databind.json.JsonMapper.builder().build(), 1 << 20);
    List<String> ids = new ArrayList<>();
    reader.forEach("in/", line -> ids.add(line.id()));
    assertThat(ids).hasSize(40).startsWith("r-0").endsWith("r-39");
    // rows 30..34: addresses 60..68
    List<SubmissionReader.Located> back = reader.readRange("in/part-0.parquet", 60, 9);
    assertThat(back)
        .extracting(l -> l.line().id())
        .containsExactly("r-30", "r-31", "r-32", "r-33", "r-34");
    assertThat(back.get(0).line().ciphertext()).containsExactly(30, 1, 2);
  }

  private interface Writer {
    boolean write(int writer) throws Exception;
  }

  /** Two writers released together; their results in writer order. */
  private static List<Boolean> race(Writer w) throws Exception {
    CountDownLatch ready = new CountDownLatch(2);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Boolean>> futures = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      int writer = i;
      Callable<Boolean> task =
          () -> {
            ready.countDown();
            go.await();
            return w.write(writer);
          };
      futures.add(pool.submit(task));
    }
    ready.await();
    go.countDown();
    List<Boolean> out = new ArrayList<>();
    for (Future<Boolean> f : futures) {
      out.add(f.get());
    }
    return out;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
