package dev.prio.server.round;

import dev.prio.core.codec.TotalShareCodec;
import dev.prio.core.crypto.Sha256;
import dev.prio.core.error.PrioException;
import dev.prio.core.field.Field;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import dev.prio.core.packet.TotalShare;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sum over a batch's finished chunks on one server: funnel, valid ids and total share, and
 * {@code chunkDigest}, a SHA-256 over every chunk's index, valid count and valid-id checksum in
 * order, which the servers compare at the total round so one chunk that differs between them stops
 * the batch even where the batch-wide sums would agree. {@code chunksBy}: on A, the chunks each
 * replica committed (the results' holders).
 */
public record ChunkTotals(
    Funnel funnel,
    long validCount,
    IdChecksum validIds,
    TotalShare totalShare,
    long matched,
    String chunkDigest,
    Map<String, Long> chunksBy) {

  /** Reads one stored chunk result; may throw when it is missing. */
  public interface Source<E extends Exception> {
    ChunkResult chunk(int index) throws E;
  }

  /**
   * Sums chunks 0..count-1, read one at a time from {@code source}: a stored chunk result carries a
   * ~30 KB total share at n_data 2046, so holding them all would grow with the batch.
   */
  public static <E extends Exception> ChunkTotals of(
      PrioConfig config, ServerId server, int count, Source<E> source) throws E {
    Funnel funnel = new Funnel();
    IdChecksum ids = new IdChecksum();
    long[] sum = new long[2 * config.nData()];
    long valid = 0;
    long matched = 0;
    MessageDigest digest = Sha256.newDigest();
    Map<String, Long> by = new TreeMap<>();
    for (int index = 0; index < count; index++) {
      ChunkResult c = source.chunk(index);
      digest.update(
          (c.chunk() + "|" + c.validCount() + "|" + c.validIdChecksum() + "\n")
              .getBytes(StandardCharsets.US_ASCII));
      funnel.addAll(c.funnel());
      valid += c.validCount();
      matched += c.matched();
      if (c.holder() != null) {
        by.merge(c.holder(), 1L, Long::sum);
      }
      ids.add(IdChecksum.parse(c.validIdChecksum()));
      TotalShare part;
      try {
        part = TotalShareCodec.read(Base64.getDecoder().decode(c.totalShare()), config.nData());
      } catch (PrioException e) {
        throw new IllegalStateException("a stored chunk result does not decode", e);
      }
      Field.addInto(sum, part.dataShares(), config.nData());
    }
    return new ChunkTotals(
        funnel,
        valid,
        ids,
        new TotalShare(server, sum),
        matched,
        HexFormat.of().formatHex(digest.digest()),
        by);
  }

  public String totalShareBase64() {
    return Base64.getEncoder().encodeToString(TotalShareCodec.write(totalShare));
  }
}
