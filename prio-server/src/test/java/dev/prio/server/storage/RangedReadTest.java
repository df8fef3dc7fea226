package dev.prio.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ObjectStore#open(String, long, long)} on local files and on fake-gcs-server: the bytes of
 * the range and nothing else, across the GCS client's read chunks, clipped at the object's end.
 */
class RangedReadTest {
  private static final byte[] DATA = new byte[GcsObjectStore.READ_CHUNK + 300_000];
  private static FakeGcs gcs;

  @TempDir Path dir;

  @BeforeAll
  static void data() {
    new Random(11).nextBytes(DATA);
    gcs = FakeGcs.get();
  }

  @Test
  void fileStoreReadsExactlyTheRange() throws Exception {
    assertRanges(new FileObjectStore(dir));
  }

  @Test
  void gcsStoreReadsExactlyTheRange() throws Exception {
    assertRanges(gcs.store(gcs.newBucket("ranged"), "root/", 100));
  }

  @Test
  void sealedStorePassesInputThroughButRefusesARangeOfSealedState() throws Exception {
    FileObjectStore inner = new FileObjectStore(dir);
    SealedObjectStore sealed = new SealedObjectStore(inner, new byte[32], StorageLayout::isState);
    sealed.createIfAbsent("prio/v1/in/a.ndjson", DATA);
    sealed.createIfAbsent("prio/v1/state/x.json", DATA);
    assertThat(read(sealed, "prio/v1/in/a.ndjson", 5, 10))
        .isEqualTo(Arrays.copyOfRange(DATA, 5, 15));
    assertThatThrownBy(() -> sealed.open("prio/v1/state/x.json", 0, 10))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static void assertRanges(ObjectStore store) throws IOException {
    store.createIfAbsent("prio/v1/in/a.ndjson", DATA);
    int n = DATA.length;
    long[][] ranges = {
      {0, 1},
      {0, n},
      {17, 4096},
      {n - 10, 10},
      {GcsObjectStore.READ_CHUNK - 5, 200_000},
      {n - 10, 1000},
      {n + 5, 10},
      {100, 0}
    };
    for (long[] r : ranges) {
      int from = (int) Math.min(r[0], n);
      int to = (int) Math.min(r[0] + r[1], n);
      assertThat(read(store, "prio/v1/in/a.ndjson", r[0], r[1]))
          .as("range %s+%s", r[0], r[1])
          .isEqualTo(Arrays.copyOfRange(DATA, from, to));
    }
    assertThat(store.open("prio/v1/in/absent.ndjson", 0, 10)).isEmpty();
    assertThatThrownBy(() -> store.open("prio/v1/in/a.ndjson", -1, 10))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static byte[] read(ObjectStore store, String key, long offset, long length)
      throws IOException {
    try (InputStream in = store.open(key, offset, length).orElseThrow()) {
      return in.readAllBytes();
    }
  }
}
