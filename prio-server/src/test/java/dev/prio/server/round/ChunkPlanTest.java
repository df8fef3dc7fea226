package dev.prio.server.round;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prio.server.batch.BatchFailure;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.FileObjectStore;
import dev.prio.server.storage.InputLine;
import dev.prio.server.storage.InputUnreadableException;
import dev.prio.server.storage.ParquetFiles;
import dev.prio.server.storage.StorageLayout;
import dev.prio.server.storage.SubmissionReader;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * A's scan cuts chunks as byte ranges of its input (across files, around duplicates and refused
 * lines), and reading a chunk back by range gives exactly its submissions — or INPUT_CHANGED when
 * the bytes are no longer the ones scanned.
 */
class ChunkPlanTest {
  private static final BatchKey KEY = new BatchKey(java.time.LocalDate.parse("2026-01-02"), "b1");
  private static final String PREFIX = "in/";

  /** The scan reads its files side by side, as on A's chunk pool. */
  private static final ExecutorService POOL = Executors.newFixedThreadPool(2);

  @TempDir Path root;
  @TempDir Path tmp;

  @Test
  void chunksCoverEveryFirstOccurrenceInInputOrderAndReadBackExactly() throws Exception {
    Setup s = scan(3);
    ScanResult scan = s.scan();
    assertThat(scan.uniqueCount()).isEqualTo(8);
    assertThat(scan.localRejects())
        .containsEntry("duplicate_id", 3L)
        .containsEntry("malformed_line", 1L);
    assertThat(scan.chunkCount()).isEqualTo(3);
    List<String> all = new ArrayList<>();
    for (ChunkPlan c : page(s).chunks()) {
      Map<String, InputLine> lines = LeaderVerify.readLines(s.reader(), scan, c);
      all.addAll(lines.keySet());
      assertThat(lines.values()).allMatch(InputLine::isOk);
    }
    assertThat(all).containsExactly("a", "b", "c", "d", "e", "f", "g", "h");
    // chunk 1 holds d (after a duplicate), e (after a refused line) and f (the next file): three
    // ranges
    assertThat(page(s).chunks().get(1).ranges()).hasSize(3);
  }

  @Test
  void aChunkWhoseBytesChangedIsInputChanged() throws Exception {
    Setup s = scan(3);
    Path file = root.resolve(PREFIX + "part-0.ndjson");
    // same length, one payload byte different: ids and offsets still line up, the bytes do not
    Files.writeString(
        file,
        Files.readString(file).replace("\"AAEC\"}\n{\"id\": \"b\"", "\"AAED\"}\n{\"id\": \"b\""));
    ChunkPlan first = page(s).chunks().get(0);
    assertThatThrownBy(() -> LeaderVerify.readLines(s.reader(), s.scan(), first))
        .isInstanceOfSatisfying(
            BatchSteps.BatchFailed.class,
            e -> assertThat(e.failure).isEqualTo(BatchFailure.INPUT_CHANGED));
    // a line removed shifts every range after it
    Files.writeString(
        file, Files.readString(file).substring(Files.readString(file).indexOf('\n') + 1));
    ChunkPlan second = page(s).chunks().get(1);
    assertThatThrownBy(() -> LeaderVerify.readLines(s.reader(), s.scan(), second))
        .isInstanceOfSatisfying(
            BatchSteps.BatchFailed.class,
            e -> assertThat(e.failure).isEqualTo(BatchFailure.INPUT_CHANGED));
  }

  @Test
  void aNewlineTurnedIntoAnotherByteIsInputChangedThoughEveryLineKeptItsBytes() throws Exception {
    Setup s = scan(3);
    Path file = root.resolve(PREFIX + "part-0.ndjson");
    // a and b keep their bytes and offsets; only the newline between them is now a space
    Files.writeString(
        file,
        Files.readString(file).replace("\"AAEC\"}\n{\"id\": \"b\"", "\"AAEC\"} {\"id\": \"b\""));
    ChunkPlan first = page(s).chunks().get(0);
    assertThatThrownBy(() -> LeaderVerify.readLines(s.reader(), s.scan(), first))
        .isInstanceOfSatisfying(
            BatchSteps.BatchFailed.class,
            e -> assertThat(e.failure).isEqualTo(BatchFailure.INPUT_CHANGED));
  }

  /**
   * The files are read side by side; one that cannot be read fails the scan as a sequential read
   * would, and the others stop and leave nothing in the scan's temp directory.
   */
  @Test
  void anUnreadableFileFailsTheScanAndLeavesNoTempFiles() throws Exception {
    FileObjectStore store = new FileObjectStore(root);
    for (int f = 0; f < 6; f++) {
      store.createIfAbsent(
          PREFIX + "part-" + f + ".ndjson",
          lines("a" + f, "b" + f, "c" + f).getBytes(StandardCharsets.UTF_8));
    }
    store.createIfAbsent(PREFIX + "part-3.parquet", "not parquet".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> scanStore(store, 2))
        .isInstanceOf(InputUnreadableException.class)
        .hasMessageContaining("part-3.parquet");
    try (var left = Files.walk(tmp)) {
      assertThat(left.filter(Files::isRegularFile)).isEmpty();
    }
  }

  /**
   * A's shutdown stops the chunk pool with shutdownNow, which drops the files not yet started: the
   * scan must end (interrupted) instead of waiting for them forever.
   */
  @Test
  void aChunkPoolStoppedMidScanEndsTheScan() throws Exception {
    FileObjectStore store = new FileObjectStore(root);
    for (int f = 0; f < 3; f++) {
      store.createIfAbsent(
          PREFIX + "part-" + f + ".ndjson", lines("a" + f).getBytes(StandardCharsets.UTF_8));
    }
    ThreadPoolExecutor pool = (ThreadPoolExecutor) Executors.newFixedThreadPool(1);
    CountDownLatch busy = new CountDownLatch(1);
    pool.submit(
        () -> {
          busy.countDown();
          Thread.sleep(60_000); // the pool's one thread, until shutdownNow interrupts it
          return null;
        });
    busy.await();
    SubmissionReader reader = new SubmissionReader(store, JsonMapper.builder().build(), 1 << 16);
    ParallelLocate locate = new ParallelLocate(reader, pool);
    Path dir = Files.createTempDirectory(tmp, "scan-");
    CompletableFuture<Void> scan =
        CompletableFuture.runAsync(
            () -> {
              try {
                locate.locate(reader.files(PREFIX), dir, (f, o, l, id, r, crc) -> {});
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    while (pool.getQueue().size() < 3) {
      Thread.sleep(10);
    }
    pool.shutdownNow();
    assertThatThrownBy(() -> scan.get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .rootCause()
        .isInstanceOf(InterruptedIOException.class);
  }

  /** A plan stored before line lengths were recorded: its ranges are split at newlines again. */
  @Test
  void aPlanWithoutLineLengthsReadsBackTheSameLines() throws Exception {
    Setup s = scan(3);
    List<String> all = new ArrayList<>();
    for (ChunkPlan c : page(s).chunks()) {
      assertThat(c.ranges()).allMatch(r -> r.lines() != null);
      ChunkPlan old =
          new ChunkPlan(
              c.chunk(),
              c.ranges().stream()
                  .map(r -> new ChunkPlan.Range(r.file(), r.offset(), r.length(), null))
                  .toList(),
              c.count(),
              c.idChecksum(),
              c.bytesDigest());
      all.addAll(LeaderVerify.readLines(s.reader(), s.scan(), old).keySet());
    }
    assertThat(all).containsExactly("a", "b", "c", "d", "e", "f", "g", "h");
  }

  /** The same input as Parquet rows: the same chunks, ranges of rows, read back by range. */
  @Test
  void parquetRowsAreCutAndReadBackLikeLines() throws Exception {
    Setup s = scanParquet(3, 1);
    assertThat(ParquetFiles.rowGroups(root.resolve(PREFIX + "part-0.parquet"))).isGreaterThan(2);
    ScanResult scan = s.scan();
    assertThat(scan.uniqueCount()).isEqualTo(8);
    assertThat(scan.localRejects())
        .containsEntry("duplicate_id", 3L)
        .containsEntry("malformed_line", 1L);
    List<String> all = new ArrayList<>();
    for (ChunkPlan c : page(s).chunks()) {
      Map<String, InputLine> lines = LeaderVerify.readLines(s.reader(), scan, c);
      all.addAll(lines.keySet());
      assertThat(lines.values()).allMatch(InputLine::isOk);
      assertThat(lines.values()).allMatch(l -> l.ciphertext()[0] == 1);
    }
    assertThat(all).containsExactly("a", "b", "c", "d", "e", "f", "g", "h");
    assertThat(page(s).chunks().get(1).ranges()).hasSize(3);
  }

  @Test
  void aParquetChunkWhoseRowsChangedIsInputChanged() throws Exception {
    Setup s = scanParquet(3, 1);
    // the same ids in the same rows, one payload different
    writeParquet("part-0.parquet", 2, "a", "b", "a", "c", "b", "d", "!", "e");
    ChunkPlan first = page(s).chunks().get(0);
    assertThatThrownBy(() -> LeaderVerify.readLines(s.reader(), s.scan(), first))
        .isInstanceOfSatisfying(
            BatchSteps.BatchFailed.class,
            e -> assertThat(e.failure).isEqualTo(BatchFailure.INPUT_CHANGED));
    // a row removed shifts every row after it
    writeParquet("part-0.parquet", 1, "b", "a", "c", "b", "d", "!", "e");
    ChunkPlan second = page(s).chunks().get(1);
    assertThatThrownBy(() -> LeaderVerify.readLines(s.reader(), s.scan(), second))
        .isInstanceOfSatisfying(
            BatchSteps.BatchFailed.class,
            e -> assertThat(e.failure).isEqualTo(BatchFailure.INPUT_CHANGED));
  }

  private Setup scanParquet(int chunkSize, int payloadByte) throws Exception {
    writeParquet("part-0.parquet", payloadByte, "a", "b", "a", "c", "b", "d", "!", "e");
    writeParquet("part-1.parquet", payloadByte, "f", "c", "g", "h");
    return scanStore(new FileObjectStore(root), chunkSize);
  }

  /** "!" is a row without an id; row groups of about two rows. */
  private void writeParquet(String name, int payloadByte, String... ids) throws Exception {
    List<ParquetFiles.Row> rows = new ArrayList<>();
    for (String id : ids) {
      byte[] payload = new byte[40];
      payload[0] = (byte) payloadByte;
      rows.add(new ParquetFiles.Row(id.equals("!") ? null : id, payload));
    }
    ParquetFiles.write(
        root.resolve(PREFIX + name),
        ParquetFiles.OPTIONAL,
        100,
        CompressionCodecName.UNCOMPRESSED,
        rows);
  }

  private record Setup(SubmissionReader reader, RoundStore rounds, ScanResult scan) {}

  private Setup scan(int chunkSize) throws Exception {
    FileObjectStore store = new FileObjectStore(root);
    store.createIfAbsent(
        PREFIX + "part-0.ndjson",
        lines("a", "b", "a", "c", "b", "d", "!", "e").getBytes(StandardCharsets.UTF_8));
    store.createIfAbsent(
        PREFIX + "part-1.ndjson", lines("f", "c", "g", "h").getBytes(StandardCharsets.UTF_8));
    return scanStore(store, chunkSize);
  }

  private Setup scanStore(FileObjectStore store, int chunkSize) throws Exception {
    JsonMapper json = JsonMapper.builder().build();
    SubmissionReader reader = new SubmissionReader(store, json, 1 << 16);
    RoundStore rounds = new RoundStore(store, json);
    ScanResult scan =
        new LeaderScan(reader, POOL, rounds, new Spill(tmp, 2)).run(KEY, 1, PREFIX, chunkSize);
    return new Setup(reader, rounds, scan);
  }

  private static ChunkPlan.Page page(Setup s) {
    return s.rounds().find(StorageLayout.scanPlan(KEY, 1, 0), ChunkPlan.Page.class).orElseThrow();
  }

  private static String lines(String... ids) {
    StringBuilder b = new StringBuilder();
    for (String id : ids) {
      b.append(id.equals("!") ? "not json" : "{\"id\": \"" + id + "\", \"payload\": \"AAEC\"}")
          .append('\n');
    }
    return b.toString();
  }
}
