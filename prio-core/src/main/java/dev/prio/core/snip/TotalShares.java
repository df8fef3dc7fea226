package dev.prio.core.snip;

import dev.prio.core.error.PrioException;
import dev.prio.core.error.RejectReason;
import dev.prio.core.field.Field;
import dev.prio.core.packet.ServerId;
import dev.prio.core.packet.TotalShare;

/** PrioTotalShare_final: the published counts from A's and B's total shares (spec §6.7). */
public final class TotalShares {
  private TotalShares() {}

  /** Unsigned 64-bit counts (read with Long.toUnsignedString); fails if any sum reaches 2^64. */
  public static long[] combine(TotalShare fromA, TotalShare fromB, int nData) throws PrioException {
    if (fromA.serverId() != ServerId.A || fromB.serverId() != ServerId.B) {
      throw new PrioException(RejectReason.WRONG_SERVER_ID, "total shares must be A's then B's");
    }
    if (fromA.length() != nData || fromB.length() != nData) {
      throw new PrioException(RejectReason.WRONG_LENGTH, "total share length differs from n_data");
    }
    long[] sum = new long[2 * nData];
    long[] counts = new long[nData];
    for (int i = 0; i < nData; i++) {
      Field.add(fromA.dataShares(), i, fromB.dataShares(), i, sum, i);
      if (sum[2 * i + 1] != 0) {
        throw new PrioException(RejectReason.VALUE_OUT_OF_RANGE, "a count does not fit in 64 bits");
      }
      counts[i] = sum[2 * i];
    }
    return counts;
  }
}
