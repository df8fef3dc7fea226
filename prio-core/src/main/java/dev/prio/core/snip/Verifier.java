package dev.prio.core.snip;

import dev.prio.core.field.FieldElement;
import dev.prio.core.packet.BeaverTriple;
import dev.prio.core.packet.PacketVerify1;
import dev.prio.core.packet.PacketVerify2;
import dev.prio.core.packet.ServerId;

/**
 * libprio's PrioVerifier after set_data: one server's view of one submission, reduced to the values
 * at r plus the data shares it would add to the total. Pure: rounds 1 and 2 and the decision are
 * functions of these values and the peer's packets.
 */
public final class Verifier {
  private static final FieldElement INV2 = FieldElement.of(2).inverse();

  private final ServerId serverId;
  private final BeaverTriple triple;
  private final FieldElement fR;
  private final FieldElement gR;
  private final FieldElement hR;
  private final long[] dataShares;

  Verifier(
      ServerId serverId,
      BeaverTriple triple,
      FieldElement fR,
      FieldElement gR,
      FieldElement hR,
      long[] dataShares) {
    this.serverId = serverId;
    this.triple = triple;
    this.fR = fR;
    this.gR = gR;
    this.hR = hR;
    this.dataShares = dataShares;
  }

  public ServerId serverId() {
    return serverId;
  }

  /** Round 1 (PrioPacketVerify1_set_data): d = f(r) − a, e = g(r) − b. */
  public PacketVerify1 verify1() {
    return new PacketVerify1(fR.subtract(triple.a()), gR.subtract(triple.b()));
  }

  /**
   * Round 2 (PrioPacketVerify2_set_data), given both servers' round-1 packets in either order: out
   * = d·e/2 + d·b + e·a + c − h(r), with d and e the sums of the two shares.
   */
  public PacketVerify2 verify2(PacketVerify1 first, PacketVerify1 second) {
    FieldElement d = first.shareD().add(second.shareD());
    FieldElement e = first.shareE().add(second.shareE());
    FieldElement out =
        d.multiply(e)
            .multiply(INV2)
            .add(d.multiply(triple.b()))
            .add(e.multiply(triple.a()))
            .add(triple.c())
            .subtract(hR);
    return new PacketVerify2(out);
  }

  /** PrioVerifier_isValid: the two round-2 shares sum to zero. */
  public static boolean isValid(PacketVerify2 first, PacketVerify2 second) {
    return first.shareOut().add(second.shareOut()).isZero();
  }

  long[] dataShares() {
    return dataShares;
  }

  @Override
  public String toString() {
    return "Verifier[" + serverId + ", redacted]";
  }
}
