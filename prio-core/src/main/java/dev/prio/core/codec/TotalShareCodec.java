package dev.prio.core.codec;

import dev.prio.core.error.PrioException;
import dev.prio.core.error.RejectReason;
import dev.prio.core.packet.ServerId;
import dev.prio.core.packet.TotalShare;

/** PrioTotalShare ⇄ bytes: server index (0 or 1) ‖ array of n_data mp_ints (spec §5.5). */
public final class TotalShareCodec {
  private TotalShareCodec() {}

  public static byte[] write(TotalShare share) {
    MsgpackWriter w = new MsgpackWriter(4 + 12 * share.length());
    w.writeSmallInt(share.serverId().index());
    ClientPacketCodec.writeVector(w, share.dataShares());
    return w.toByteArray();
  }

  public static TotalShare read(byte[] bytes, int nData) throws PrioException {
    MsgpackReader r = new MsgpackReader(bytes);
    long index = r.readNonNegativeInt();
    if (index > 1) {
      throw new PrioException(RejectReason.WRONG_SERVER_ID, "total share index must be 0 or 1");
    }
    long[] shares = ClientPacketCodec.readVector(r, nData);
    PacketVerify1Codec.requireConsumed(r);
    return new TotalShare(ServerId.fromIndex(index), shares);
  }
}
