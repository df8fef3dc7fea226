package dev.prio.server.round;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.stream.Stream;

/**
 * The duplicate-id check with memory flat in the batch size. Ids are spilled by the top bits of
 * their hash into {@value #FAN_OUT} partition files on local temp disk as they are read; then each
 * partition is sorted by (hash, position) on its own, in memory when it holds at most {@code
 * maxInMemory} ids, else as sorted runs of that size merged from disk. So the heap holds at most
 * {@code maxInMemory} entries whatever the batch size, and the visit comes out in ascending
 * (unsigned) hash order with the first occurrence of every id flagged — which is what both the id
 * checksum and B's hash-bucketed index need.
 */
final class DistinctIds implements AutoCloseable {
  static final int FAN_OUT = 64;
  private static final int BUFFER = 16 << 10;
  private static final Comparator<Entry> ORDER =
      Comparator.<Entry>comparingLong(e -> e.hi() ^ Long.MIN_VALUE)
          .thenComparingLong(e -> e.lo() ^ Long.MIN_VALUE)
          .thenComparingLong(Entry::seq);

  /** One line with an id: its position in the input, its id hash and where it is. */
  record Entry(long seq, long hi, long lo, String id, int file, long offset, int length, int crc) {}

  interface Visitor {
    void accept(Entry e, boolean first) throws IOException;
  }

  private final Path dir;
  private final int maxInMemory;
  private final DataOutputStream[] parts = new DataOutputStream[FAN_OUT];
  private final long[] counts = new long[FAN_OUT];

  DistinctIds(Path tmpRoot, int maxInMemory) throws IOException {
    this.dir = Files.createTempDirectory(Files.createDirectories(tmpRoot), "distinct-");
    this.maxInMemory = Math.max(1, maxInMemory);
  }

  void add(Entry e) throws IOException {
    int p = (int) (e.hi() >>> (64 - 6));
    if (parts[p] == null) {
      parts[p] = out(dir.resolve("part-" + p));
    }
    write(parts[p], e);
    counts[p]++;
  }

  /** Visits every entry, partition by partition; each partition in (hash, position) order. */
  void finish(Visitor visitor) throws IOException {
    for (int p = 0; p < FAN_OUT; p++) {
      if (parts[p] == null) {
        continue;
      }
      parts[p].close();
      Path file = dir.resolve("part-" + p);
      if (counts[p] <= maxInMemory) {
        visitGroups(sortedInMemory(file, (int) counts[p]).iterator(), visitor);
      } else {
        visitGroups(mergedRuns(file, p), visitor);
      }
      Files.deleteIfExists(file);
    }
  }

  private List<Entry> sortedInMemory(Path file, int count) throws IOException {
    List<Entry> all = new ArrayList<>(count);
    try (DataInputStream in = in(file)) {
      for (int i = 0; i < count; i++) {
        all.add(read(in));
      }
    }
    all.sort(ORDER);
    return all;
  }

  /** Sorted runs of {@code maxInMemory} entries written back to disk, then merged. */
  private java.util.Iterator<Entry> mergedRuns(Path file, int p) throws IOException {
    List<Path> runs = new ArrayList<>();
    try (DataInputStream in = in(file)) {
      long left = counts[p];
      while (left > 0) {
        int n = (int) Math.min(left, maxInMemory);
        Entry[] run = new Entry[n];
        for (int i = 0; i < n; i++) {
          run[i] = read(in);
        }
        Arrays.sort(run, ORDER);
        Path runFile = dir.resolve("run-" + p + "-" + runs.size());
        try (DataOutputStream out = out(runFile)) {
          for (Entry e : run) {
            write(out, e);
          }
        }
        runs.add(runFile);
        left -= n;
      }
    }
    return new Merge(runs);
  }

  /** Entries with equal hashes are adjacent; within them, an id already seen is a duplicate. */
  private static void visitGroups(java.util.Iterator<Entry> sorted, Visitor visitor)
      throws IOException {
    List<String> group = new ArrayList<>();
    Entry prev = null;
    while (sorted.hasNext()) {
      Entry e = sorted.next();
      if (prev == null || prev.hi() != e.hi() || prev.lo() != e.lo()) {
        group.clear();
      }
      boolean first = !group.contains(e.id());
      if (first) {
        group.add(e.id()); // more than one id per 128-bit hash is a collision: in practice one
      }
      visitor.accept(e, first);
      prev = e;
    }
  }

  /** k-way merge of sorted run files, one buffered entry per run in memory. */
  private static final class Merge implements java.util.Iterator<Entry> {
    private record Head(Entry entry, DataInputStream in, Path file) {}

    private final PriorityQueue<Head> heads =
        new PriorityQueue<>(Comparator.comparing(Head::entry, ORDER));

    Merge(List<Path> runs) throws IOException {
      for (Path run : runs) {
        advance(in(run), run);
      }
    }

    private void advance(DataInputStream in, Path file) throws IOException {
      try {
        heads.add(new Head(read(in), in, file));
      } catch (EOFException end) {
        in.close();
        Files.deleteIfExists(file);
      }
    }

    @Override
    public boolean hasNext() {
      return !heads.isEmpty();
    }

    @Override
    public Entry next() {
      Head h = heads.poll();
      try {
        advance(h.in(), h.file());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return h.entry();
    }
  }

  @Override
  public void close() throws IOException {
    for (DataOutputStream out : parts) {
      if (out != null) {
        out.close();
      }
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(f);
      }
    }
    Files.deleteIfExists(dir);
  }

  private static DataOutputStream out(Path file) throws IOException {
    return new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), BUFFER));
  }

  private static DataInputStream in(Path file) throws IOException {
    return new DataInputStream(new BufferedInputStream(Files.newInputStream(file), BUFFER));
  }

  private static void write(DataOutputStream out, Entry e) throws IOException {
    out.writeLong(e.seq());
    out.writeLong(e.hi());
    out.writeLong(e.lo());
    out.writeUTF(e.id());
    out.writeInt(e.file());
    out.writeLong(e.offset());
    out.writeInt(e.length());
    out.writeInt(e.crc());
  }

  private static Entry read(DataInputStream in) throws IOException {
    return new Entry(
        in.readLong(),
        in.readLong(),
        in.readLong(),
        in.readUTF(),
        in.readInt(),
        in.readLong(),
        in.readInt(),
        in.readInt());
  }
}
