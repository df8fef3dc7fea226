package dev.prio.server.round;

import dev.prio.core.packet.ServerId;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.InputLine;
import dev.prio.server.storage.StorageLayout;
import dev.prio.server.storage.SubmissionReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * B's input per batch attempt through its persisted {@link HelperIndex}: built once per attempt (on
 * first use, normally the handshake), then every round reads only the index buckets of its ids and
 * only those ids' lines, by range. Buckets are cached up to {@value #CACHE_BYTES} bytes, least
 * recently used first out: the bound on B's per-batch heap besides one round's lines.
 */
final class HelperIndexes {
  // 3 MiB holds a 100k batch's index (~3.4 MiB at 36 bytes an id) nearly whole: ~13 % of lookups
  // read a bucket again there. 4 MiB held it whole, but left B's live heap 11 % higher at 200k than
  // at 20k (docs/benchmark-pair.md): the cache is B's one per-batch structure that grows with N.
  static final long CACHE_BYTES = 3L << 20;

  /** Lines closer than this in one file are read with one ranged read. */
  private static final int GAP = 16 << 10;

  private final SubmissionReader reader;
  private final RoundStore rounds;
  private final Spill spill;
  private final Map<String, HelperIndex> summaries = new ConcurrentHashMap<>();
  private final Map<String, Bucket> cache = new LinkedHashMap<>(64, 0.75f, true);
  private long cached;

  HelperIndexes(SubmissionReader reader, RoundStore rounds, Spill spill) {
    this.reader = reader;
    this.rounds = rounds;
    this.spill = spill;
  }

  HelperIndex get(BatchKey key, int attempt) {
    return summaries.computeIfAbsent(
        key + "#" + attempt,
        k ->
            rounds
                .find(HelperIndex.summaryKey(key, attempt), HelperIndex.class)
                .orElseGet(
                    () -> {
                      try {
                        return HelperIndex.build(
                            key,
                            attempt,
                            StorageLayout.inputPrefix(key, ServerId.B),
                            reader,
                            rounds,
                            spill);
                      } catch (IOException e) {
                        throw new UncheckedIOException(e);
                      }
                    }));
  }

  void evict(BatchKey key, int attempt) {
    summaries.remove(key + "#" + attempt);
    synchronized (cache) {
      cache.keySet().removeIf(k -> k.startsWith(key + "#" + attempt + "#"));
      cached = cache.values().stream().mapToLong(Bucket::bytes).sum();
    }
  }

  /**
   * B's lines for these ids (absent ids are left out), each checked against the index: the line at
   * the recorded place must carry the id and the recorded CRC32C, or B's input changed.
   */
  Map<String, InputLine> lines(BatchKey key, int attempt, HelperIndex index, List<String> ids) {
    List<Ref> found = new ArrayList<>(ids.size());
    for (String id : ids) {
      IdChecksum.IdHash h = IdChecksum.IdHash.of(id);
      Bucket b = bucket(key, attempt, index.bucketOf(h.hi()));
      int at = b.find(h.hi(), h.lo());
      if (at >= 0) {
        found.add(new Ref(id, b.file(at), b.offset(at), b.length(at), b.crc(at)));
      }
    }
    found.sort(Comparator.comparingInt(Ref::file).thenComparingLong(Ref::offset));
    Map<String, InputLine> out = new HashMap<>();
    for (int i = 0; i < found.size(); ) {
      int j = i + 1;
      while (j < found.size()
          && found.get(j).file() == found.get(i).file()
          && found.get(j).offset() - (found.get(j - 1).offset() + found.get(j - 1).length()) <= GAP
          && found.get(j).offset() + found.get(j).length() - found.get(i).offset()
              <= Integer.MAX_VALUE / 2) {
        j++;
      }
      readSpan(index, found.subList(i, j), out);
      i = j;
    }
    return out;
  }

  private void readSpan(HelperIndex index, List<Ref> refs, Map<String, InputLine> out) {
    Ref first = refs.get(0);
    Ref last = refs.get(refs.size() - 1);
    String file = index.files().get(first.file());
    int span = (int) (last.offset() + last.length() - first.offset());
    if (SubmissionReader.isParquet(file)) {
      readRows(file, first.offset(), span, refs, out);
      return;
    }
    byte[] bytes;
    try {
      bytes = reader.bytes(file, first.offset(), span);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Ref r : refs) {
      int off = (int) (r.offset() - first.offset());
      if (off + r.length() > bytes.length
          || SubmissionReader.crc(bytes, off, r.length()) != r.crc()) {
        throw new InputChangedException(
            "server B's input changed since it was indexed: " + file + " at byte " + r.offset());
      }
      InputLine line = reader.parseLine(bytes, off, r.length(), file + "@" + r.offset());
      if (!r.id().equals(line.id())) {
        throw new InputChangedException(
            "server B's input changed since it was indexed: " + file + " at byte " + r.offset());
      }
      out.put(r.id(), line);
    }
  }

  /** A Parquet span: its rows by address, each checked against the index as a line is. */
  private void readRows(
      String file, long offset, int span, List<Ref> refs, Map<String, InputLine> out) {
    Map<Long, SubmissionReader.Located> rows = new HashMap<>();
    try {
      for (SubmissionReader.Located l : reader.readRange(file, offset, span)) {
        rows.put(l.offset(), l);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Ref r : refs) {
      SubmissionReader.Located l = rows.get(r.offset());
      if (l == null || l.crc() != r.crc() || !r.id().equals(l.line().id())) {
        throw new InputChangedException(
            "server B's input changed since it was indexed: " + file + " at " + r.offset());
      }
      out.put(r.id(), l.line());
    }
  }

  private Bucket bucket(BatchKey key, int attempt, int bucket) {
    String k = key + "#" + attempt + "#" + bucket;
    synchronized (cache) {
      Bucket b = cache.get(k);
      if (b != null) {
        return b;
      }
    }
    Bucket b =
        new Bucket(
            ByteBuffer.wrap(
                rounds
                    .findBytes(HelperIndex.bucketKey(key, attempt, bucket))
                    .orElseThrow(
                        () ->
                            new InputChangedException(
                                "server B's index bucket " + bucket + " is missing"))));
    synchronized (cache) {
      if (cache.put(k, b) == null) {
        cached += b.bytes();
      }
      var it = cache.entrySet().iterator();
      while (cached > CACHE_BYTES && it.hasNext()) {
        cached -= it.next().getValue().bytes();
        it.remove();
      }
    }
    return b;
  }

  private record Ref(String id, int file, long offset, int length, int crc) {}

  /** One bucket's entries, sorted by hash, in their stored fixed-size form. */
  private record Bucket(ByteBuffer data) {
    long bytes() {
      return data.capacity();
    }

    int find(long hi, long lo) {
      int low = 0;
      int high = data.capacity() / HelperIndex.ENTRY_BYTES - 1;
      while (low <= high) {
        int mid = (low + high) >>> 1;
        int at = mid * HelperIndex.ENTRY_BYTES;
        int c = Long.compareUnsigned(data.getLong(at), hi);
        if (c == 0) {
          c = Long.compareUnsigned(data.getLong(at + 8), lo);
        }
        if (c == 0) {
          return at;
        }
        if (c < 0) {
          low = mid + 1;
        } else {
          high = mid - 1;
        }
      }
      return -1;
    }

    int file(int at) {
      return data.getInt(at + 16);
    }

    long offset(int at) {
      return data.getLong(at + 20);
    }

    int length(int at) {
      return data.getInt(at + 28);
    }

    int crc(int at) {
      return data.getInt(at + 32);
    }
  }
}
