package dev.prio.core.codec;

import dev.prio.core.error.PrioException;
import dev.prio.core.field.FieldElement;
import dev.prio.core.packet.PacketVerify1;

/** PrioPacketVerify1 ⇄ bytes: share_d ‖ share_e, two mp_ints (spec §5.3). */
public final class PacketVerify1Codec {
  private PacketVerify1Codec() {}

  public static byte[] write(PacketVerify1 packet) {
    long[] v = new long[4];
    packet.shareD().set(v, 0);
    packet.shareE().set(v, 1);
    MsgpackWriter w = new MsgpackWriter(24);
    w.writeFieldElement(v, 0);
    w.writeFieldElement(v, 1);
    return w.toByteArray();
  }

  /** A peer's packet: exactly two mp_ints below p. */
  public static PacketVerify1 read(byte[] bytes) throws PrioException {
    MsgpackReader r = new MsgpackReader(bytes);
    long[] v = new long[4];
    r.readFieldElement(v, 0);
    r.readFieldElement(v, 1);
    requireConsumed(r);
    return new PacketVerify1(FieldElement.get(v, 0), FieldElement.get(v, 1));
  }

  /** Peer packets are ours to define strictly: trailing bytes mean a confused or hostile peer. */
  static void requireConsumed(MsgpackReader r) throws PrioException {
    if (r.remaining() != 0) {
      throw MsgpackReader.malformed("trailing bytes after the packet");
    }
  }
}
