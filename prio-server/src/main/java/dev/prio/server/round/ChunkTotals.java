package dev.prio.server.round;

import dev.prio.core.crypto.Sha256;
import dev.prio.core.codec.TotalShareCodec;
import dev.prio.core.error.PrioException;
import dev.prio.core.field.Field;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import dev.prio.core.packet.TotalShare;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The sum over a batch's finished chunks on one server: funnel, valid ids and total share, and
 * {@code chunkDigest}, a SHA-256 over every chunk's index, valid count and valid-id checksum in
 * order, which the servers compare at the total round so one chunk that differs between them
 * stops the batch even where the batch-wide sums would agree.
 */
public record ChunkTotals(Funnel funnel, long validCount, IdChecksum validIds, TotalShare totalShare, long matched, String chunkDigest) {

  public static ChunkTotals of(PrioConfig config, ServerId server, List<ChunkResult> chunks) {
    Funnel funnel = new Funnel();
    IdChecksum ids = new IdChecksum();
    long[] sum = new long[2 * config.nData()];
    long valid = 0;
    long matched = 0;
    MessageDigest digest = Sha256.newDigest();
    for (ChunkResult c : chunks) {
      digest.update((c.chunk() + "|" + c.validCount() + "|" + c.validIdChecksum() + "\n").getBytes(StandardCharsets.US_ASCII));
      funnel.addAll(c.funnel());
      valid += c.validCount();
      matched += c.matched();
      ids.add(IdChecksum.parse(c.validIdChecksum()));
      TotalShare part;
      try {
        part = TotalShareCodec.read(Base64.getDecoder().decode(c.totalShare()), config.nData());
      } catch (PrioException e) {
        throw new IllegalStateException("a stored chunk result does not decode", e);
      }
      for (int i = 0; i < config.nData(); i++) {
        Field.add(sum, i, part.dataShares(), i, sum, i);
      }
    }
    return new ChunkTotals(funnel, valid, ids, new TotalShare(server, sum), matched, HexFormat.of().formatHex(digest.digest()));
  }

  public String totalShareBase64() {
    return Base64.getEncoder().encodeToString(TotalShareCodec.write(totalShare));
  }
}
