package dev.prio.core.codec;

import dev.prio.core.error.PrioException;
import dev.prio.core.field.FieldElement;
import dev.prio.core.packet.PacketVerify2;

/** PrioPacketVerify2 ⇄ bytes: share_out, one mp_int (spec §5.4). */
public final class PacketVerify2Codec {
  private PacketVerify2Codec() {}

  public static byte[] write(PacketVerify2 packet) {
    long[] v = new long[2];
    packet.shareOut().set(v, 0);
    MsgpackWriter w = new MsgpackWriter(12);
    w.writeFieldElement(v, 0);
    return w.toByteArray();
  }

  public static PacketVerify2 read(byte[] bytes) throws PrioException {
    MsgpackReader r = new MsgpackReader(bytes);
    long[] v = new long[2];
    r.readFieldElement(v, 0);
    PacketVerify1Codec.requireConsumed(r);
    return new PacketVerify2(FieldElement.get(v, 0));
  }
}
