package dev.prio.server.round;

import dev.prio.core.error.RejectReason;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.StorageLayout;
import dev.prio.server.storage.SubmissionReader;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * B's index of its own input for one attempt, built by one pass over the input and persisted in B's
 * storage (sealed state), so that no process holds B's input in memory and any process can answer
 * any round. The pass counts refused lines and repeated ids ({@link DistinctIds}, bounded memory),
 * and writes every first occurrence as a fixed-size entry (id hash, file, offset, length, CRC32C of
 * the line) into one of 2^{@code bucketBits} buckets chosen by the top bits of the id hash, each
 * bucket sorted by hash. {@code bucketBits} grows with the input so a bucket holds about {@value
 * #ENTRIES_PER_BUCKET} entries: a lookup reads one bucket of ~18 KiB, whatever the batch size.
 *
 * <p>The summary (this record) is written last: its presence means the index is complete.
 */
public record HelperIndex(
    long uniqueCount,
    String idChecksum,
    Map<String, Long> localRejects,
    int bucketBits,
    List<String> files) {
  static final int ENTRIES_PER_BUCKET = 512;
  static final int ENTRY_BYTES = 36;

  static String summaryKey(BatchKey key, int attempt) {
    return StorageLayout.helperIndex(key, attempt, "summary.json");
  }

  static String bucketKey(BatchKey key, int attempt, int bucket) {
    return StorageLayout.helperIndex(
        key, attempt, String.format(Locale.ROOT, "bucket-%06d.bin", bucket));
  }

  int bucketOf(long hashHi) {
    return bucketBits == 0 ? 0 : (int) (hashHi >>> (64 - bucketBits));
  }

  /** Reads B's input once and writes the index; returns the summary as stored. */
  static HelperIndex build(
      BatchKey key,
      int attempt,
      String prefix,
      SubmissionReader reader,
      RoundStore rounds,
      Spill spill)
      throws IOException {
    List<String> files = reader.files(prefix);
    Funnel rejects = new Funnel();
    try (DistinctIds distinct = new DistinctIds(spill.dir(), spill.maxInMemory())) {
      long[] lines = {0};
      reader.locate(
          files,
          (file, offset, length, id, reject, crc) -> {
            if (id == null) {
              rejects.reject(reject == null ? RejectReason.MALFORMED_LINE : reject);
            } else {
              IdChecksum.IdHash h = IdChecksum.IdHash.of(id);
              distinct.add(
                  new DistinctIds.Entry(lines[0]++, h.hi(), h.lo(), id, file, offset, length, crc));
            }
          });
      int bits = 0;
      while (bits < 24 && (lines[0] >> bits) > ENTRIES_PER_BUCKET) {
        bits++;
      }
      BucketWriter out = new BucketWriter(key, attempt, rounds, bits);
      IdChecksum ids = new IdChecksum();
      long[] unique = {0};
      distinct.finish(
          (e, first) -> {
            if (first) {
              unique[0]++;
              ids.add(e.hi(), e.lo());
              out.add(e);
            } else {
              rejects.reject(RejectReason.DUPLICATE_ID);
            }
          });
      out.finish();
      return rounds.save(
          summaryKey(key, attempt),
          new HelperIndex(unique[0], ids.hex(), rejects.toMap(), bits, files),
          HelperIndex.class);
    }
  }

  /** Entries arrive in ascending hash order, so buckets are written one after the other. */
  private static final class BucketWriter {
    private final BatchKey key;
    private final int attempt;
    private final RoundStore store;
    private final int bits;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final DataOutputStream out = new DataOutputStream(bytes);
    private int bucket;

    BucketWriter(BatchKey key, int attempt, RoundStore store, int bits) {
      this.key = key;
      this.attempt = attempt;
      this.store = store;
      this.bits = bits;
    }

    void add(DistinctIds.Entry e) throws IOException {
      int b = bits == 0 ? 0 : (int) (e.hi() >>> (64 - bits));
      while (bucket < b) {
        flush();
      }
      out.writeLong(e.hi());
      out.writeLong(e.lo());
      out.writeInt(e.file());
      out.writeLong(e.offset());
      out.writeInt(e.length());
      out.writeInt(e.crc());
    }

    void finish() throws IOException {
      while (bucket < 1 << bits) {
        flush();
      }
    }

    private void flush() throws IOException {
      out.flush();
      store.saveBytes(bucketKey(key, attempt, bucket), bytes.toByteArray());
      bytes.reset();
      bucket++;
    }
  }
}
