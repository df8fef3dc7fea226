package dev.prio.server.round;

import dev.prio.core.error.RejectReason;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.StorageLayout;
import dev.prio.server.storage.SubmissionReader;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * A's one full read of its input for an attempt, its files read side by side ({@link
 * ParallelLocate}). It counts the lines refused before any id and the repeated ids (first
 * occurrence wins, checked by {@link DistinctIds} with bounded memory), builds the id checksum of
 * the rest, and cuts them in input order into chunks whose byte ranges it records ({@link
 * ChunkPlan}): the verify pass then reads each chunk's bytes once, by range.
 *
 * <p>Local temp disk holds, per input line, one fixed-size record (where, id hash, CRC) and one
 * duplicate bit; the heap holds one spill partition and one page of the plan at a time.
 */
final class LeaderScan {
  static final int PAGE_SIZE = 256;

  private final SubmissionReader reader;
  private final ParallelLocate locate;
  private final RoundStore rounds;
  private final Spill spill;

  /**
   * @param pool where the input files are read side by side (A's chunk pool, idle meanwhile)
   */
  LeaderScan(SubmissionReader reader, ExecutorService pool, RoundStore rounds, Spill spill) {
    this.reader = reader;
    this.locate = new ParallelLocate(reader, pool);
    this.rounds = rounds;
    this.spill = spill;
  }

  ScanResult run(BatchKey key, int attempt, String prefix, int chunkSize) throws IOException {
    List<String> files = reader.files(prefix);
    Funnel rejects = new Funnel();
    Path dir = Files.createTempDirectory(Files.createDirectories(spill.dir()), "scan-");
    Path linesFile = dir.resolve("lines");
    Path dupsFile = dir.resolve("dups");
    try (DistinctIds distinct = new DistinctIds(dir, spill.maxInMemory())) {
      long[] seq = {0};
      try (DataOutputStream lines =
          new DataOutputStream(
              new BufferedOutputStream(Files.newOutputStream(linesFile), 1 << 16))) {
        locate.locate(
            files,
            dir,
            (file, offset, length, id, reject, crc) -> {
              IdChecksum.IdHash h =
                  id == null ? new IdChecksum.IdHash(0, 0) : IdChecksum.IdHash.of(id);
              lines.writeInt(file);
              lines.writeLong(offset);
              lines.writeInt(length);
              lines.writeBoolean(id != null);
              lines.writeLong(h.hi());
              lines.writeLong(h.lo());
              lines.writeInt(crc);
              if (id == null) {
                rejects.reject(reject == null ? RejectReason.MALFORMED_LINE : reject);
              } else {
                distinct.add(
                    new DistinctIds.Entry(seq[0], h.hi(), h.lo(), id, file, offset, length, crc));
              }
              seq[0]++;
            });
      }
      IdChecksum all = new IdChecksum();
      long[] unique = {0};
      try (RandomAccessFile dups = new RandomAccessFile(dupsFile.toFile(), "rw")) {
        dups.setLength((seq[0] + 7) / 8);
        distinct.finish(
            (e, first) -> {
              if (first) {
                unique[0]++;
                all.add(e.hi(), e.lo());
              } else {
                rejects.reject(RejectReason.DUPLICATE_ID);
                dups.seek(e.seq() / 8);
                int b = dups.read();
                dups.seek(e.seq() / 8);
                dups.write(b | 1 << (e.seq() % 8));
              }
            });
      }
      int chunks = cut(key, attempt, linesFile, dupsFile, seq[0], chunkSize);
      return rounds.save(
          StorageLayout.scan(key, attempt),
          new ScanResult(
              unique[0], all.hex(), chunkSize, chunks, rejects.toMap(), files, PAGE_SIZE),
          ScanResult.class);
    } finally {
      try (Stream<Path> left = Files.list(dir)) {
        for (Path p : left.filter(Files::isRegularFile).toList()) {
          Files.deleteIfExists(p);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  /** Walks the lines in input order, skipping duplicates, and writes the plan page by page. */
  private int cut(
      BatchKey key, int attempt, Path linesFile, Path dupsFile, long count, int chunkSize)
      throws IOException {
    List<ChunkPlan> page = new ArrayList<>(PAGE_SIZE);
    Cutter cut = new Cutter(chunkSize);
    try (DataInputStream lines =
            new DataInputStream(new BufferedInputStream(Files.newInputStream(linesFile), 1 << 16));
        BufferedInputStream dups =
            new BufferedInputStream(Files.newInputStream(dupsFile), 1 << 16)) {
      int bits = 0;
      for (long s = 0; s < count; s++) {
        if (s % 8 == 0) {
          bits = dups.read();
        }
        int file = lines.readInt();
        long offset = lines.readLong();
        int length = lines.readInt();
        boolean hasId = lines.readBoolean();
        long hi = lines.readLong();
        long lo = lines.readLong();
        int crc = lines.readInt();
        if (!hasId || (bits >> (s % 8) & 1) == 1) {
          cut.gap();
          continue;
        }
        ChunkPlan done = cut.add(file, offset, length, hi, lo, crc);
        if (done != null && addToPage(key, attempt, page, done)) {
          page.clear();
        }
      }
    }
    ChunkPlan last = cut.flush();
    if (last != null) {
      addToPage(key, attempt, page, last);
    }
    if (!page.isEmpty()) {
      writePage(key, attempt, page);
    }
    return cut.chunks;
  }

  /** True when the page was full and written. */
  private boolean addToPage(BatchKey key, int attempt, List<ChunkPlan> page, ChunkPlan chunk) {
    page.add(chunk);
    if (page.size() < PAGE_SIZE) {
      return false;
    }
    writePage(key, attempt, page);
    return true;
  }

  private void writePage(BatchKey key, int attempt, List<ChunkPlan> page) {
    int number = page.get(0).chunk() / PAGE_SIZE;
    rounds.save(
        StorageLayout.scanPlan(key, attempt, number),
        new ChunkPlan.Page(number, List.copyOf(page)),
        ChunkPlan.Page.class);
  }

  /**
   * Chunks of {@code chunkSize} submissions; a range grows while lines follow each other in one
   * file.
   */
  private static final class Cutter {
    private final int chunkSize;
    private final List<ChunkPlan.Range> ranges = new ArrayList<>();
    private int[] lines = new int[64];
    private int lineCount;
    private IdChecksum ids = new IdChecksum();
    private CRC32C digest = new CRC32C();
    private int n;
    private int file = -1;
    private long start;
    private long end = -2;
    int chunks;

    Cutter(int chunkSize) {
      this.chunkSize = chunkSize;
    }

    void gap() {
      closeRange();
      end = -2;
    }

    ChunkPlan add(int f, long offset, int length, long hi, long lo, int crc) {
      if (f != file || offset != end + 1) {
        closeRange();
        file = f;
        start = offset;
      }
      end = offset + length;
      if (lineCount == lines.length) {
        lines = Arrays.copyOf(lines, 2 * lineCount);
      }
      lines[lineCount++] = length;
      ids.add(hi, lo);
      ChunkPlan.addLine(digest, crc);
      return ++n == chunkSize ? flush() : null;
    }

    ChunkPlan flush() {
      closeRange();
      if (n == 0) {
        return null;
      }
      ChunkPlan plan =
          new ChunkPlan(chunks++, List.copyOf(ranges), n, ids.hex(), digest.getValue());
      ranges.clear();
      ids = new IdChecksum();
      digest = new CRC32C();
      n = 0;
      end = -2;
      return plan;
    }

    private void closeRange() {
      if (file >= 0) {
        ranges.add(new ChunkPlan.Range(file, start, end - start, Arrays.copyOf(lines, lineCount)));
      }
      file = -1;
      lineCount = 0;
    }
  }
}
