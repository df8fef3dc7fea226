package dev.prio.core.codec;

import dev.prio.core.error.PrioException;
import dev.prio.core.error.RejectReason;
import dev.prio.core.field.FieldElement;
import dev.prio.core.packet.BeaverTriple;
import dev.prio.core.packet.ClientPacket;
import dev.prio.core.packet.ClientPacketA;
import dev.prio.core.packet.ClientPacketB;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;

/**
 * PrioPacketClient ⇄ bytes (libprio serial.c: serial_write_packet_client /
 * serial_read_packet_client). Reading checks, in libprio's order: batch id, the six mp_ints, the
 * server index, then the array lengths (A) or the 16-byte seed (B). Trailing bytes are ignored, as
 * libprio ignores them.
 */
public final class ClientPacketCodec {
  private static final int SEED_LENGTH = 16;

  private ClientPacketCodec() {}

  public static byte[] write(PrioConfig config, ClientPacket packet) {
    MsgpackWriter w = new MsgpackWriter(config.maxPlaintextLength(packet.serverId()));
    w.writeStr(config.batchId());
    long[] scalars = new long[12];
    packet.triple().a().set(scalars, 0);
    packet.triple().b().set(scalars, 1);
    packet.triple().c().set(scalars, 2);
    packet.f0Share().set(scalars, 3);
    packet.g0Share().set(scalars, 4);
    packet.h0Share().set(scalars, 5);
    for (int i = 0; i < 6; i++) {
      w.writeFieldElement(scalars, i);
    }
    w.writeSmallInt(packet.serverId().index());
    if (packet instanceof ClientPacketA a) {
      writeVector(w, a.dataShares());
      writeVector(w, a.hPoints());
    } else if (packet instanceof ClientPacketB b) {
      w.writeStr(b.seed());
    }
    return w.toByteArray();
  }

  static void writeVector(MsgpackWriter w, long[] v) {
    int n = v.length / 2;
    w.writeArrayHeader(n);
    for (int i = 0; i < n; i++) {
      w.writeFieldElement(v, i);
    }
  }

  public static ClientPacket read(PrioConfig config, ServerId expected, byte[] plaintext)
      throws PrioException {
    MsgpackReader r = new MsgpackReader(plaintext);
    int idLength = r.readStrHeader();
    if (!r.regionEquals(config.batchId(), idLength)) {
      throw new PrioException(RejectReason.BATCH_ID_MISMATCH, "packet is for another batch id");
    }
    r.skip(idLength);
    long[] scalars = new long[12];
    for (int i = 0; i < 6; i++) {
      r.readFieldElement(scalars, i);
    }
    long server = r.readNonNegativeInt();
    if (server != expected.index()) {
      throw new PrioException(RejectReason.WRONG_SERVER_ID, "packet was made for the other server");
    }
    BeaverTriple triple =
        new BeaverTriple(
            FieldElement.get(scalars, 0),
            FieldElement.get(scalars, 1),
            FieldElement.get(scalars, 2));
    FieldElement f0 = FieldElement.get(scalars, 3);
    FieldElement g0 = FieldElement.get(scalars, 4);
    FieldElement h0 = FieldElement.get(scalars, 5);
    if (expected == ServerId.A) {
      long[] data = readVector(r, config.nData());
      long[] h = readVector(r, config.pointCount());
      return new ClientPacketA(triple, f0, g0, h0, data, h);
    }
    int seedLength = r.readStrHeader();
    if (seedLength != SEED_LENGTH) {
      throw new PrioException(RejectReason.WRONG_LENGTH, "seed must be 16 bytes");
    }
    return new ClientPacketB(triple, f0, g0, h0, r.readBytes(SEED_LENGTH));
  }

  static long[] readVector(MsgpackReader r, int expectedLength) throws PrioException {
    int n = r.readArrayHeader();
    if (n != expectedLength) {
      throw new PrioException(
          RejectReason.WRONG_LENGTH, "array has " + n + " elements, expected " + expectedLength);
    }
    long[] v = new long[2 * n];
    for (int i = 0; i < n; i++) {
      r.readFieldElement(v, i);
    }
    return v;
  }
}
