package dev.prio.core.snip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prio.core.codec.ClientPacketCodec;
import dev.prio.core.crypto.PacketCrypto;
import dev.prio.core.error.PrioException;
import dev.prio.core.error.RejectReason;
import dev.prio.core.field.FieldElement;
import dev.prio.core.packet.BeaverTriple;
import dev.prio.core.packet.ClientPacketA;
import dev.prio.core.packet.ClientPacketB;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.prg.PrgKeyMode;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One-defect negative matrix, modelled on libprio-rs's {@code Tweak}: each constant corrupts
 * exactly one proof element of an otherwise honest submission; the packet still decrypts and
 * parses, so the SNIP itself must refuse it, while an untouched submission through the same servers
 * passes.
 */
class TweakTest {
  static final PrioConfig CONFIG = PrioConfig.of(441, "content.blocking_blocked_TESTONLY-1");
  static final FieldElement DELTA = FieldElement.ONE;

  enum Tweak {
    TRIPLE_A,
    TRIPLE_B,
    TRIPLE_C,
    F0_SHARE,
    G0_SHARE,
    H0_SHARE,
    DATA_SHARE,
    H_POINT,
    /** The same elements on B's packet (its data and h shares come from the seed). */
    B_TRIPLE_A,
    B_TRIPLE_B,
    B_TRIPLE_C,
    B_F0_SHARE,
    B_G0_SHARE,
    B_H0_SHARE;

    PrioClient.Packets apply(PrioClient.Packets p, Random rnd) {
      ClientPacketA a = p.forA();
      ClientPacketB b = p.forB();
      BeaverTriple ta = a.triple();
      BeaverTriple tb = b.triple();
      return switch (this) {
        case TRIPLE_A ->
            withA(
                p,
                new ClientPacketA(
                    new BeaverTriple(ta.a().add(DELTA), ta.b(), ta.c()),
                    a.f0Share(),
                    a.g0Share(),
                    a.h0Share(),
                    a.dataShares(),
                    a.hPoints()));
        case TRIPLE_B ->
            withA(
                p,
                new ClientPacketA(
                    new BeaverTriple(ta.a(), ta.b().add(DELTA), ta.c()),
                    a.f0Share(),
                    a.g0Share(),
                    a.h0Share(),
                    a.dataShares(),
                    a.hPoints()));
        case TRIPLE_C ->
            withA(
                p,
                new ClientPacketA(
                    new BeaverTriple(ta.a(), ta.b(), ta.c().add(DELTA)),
                    a.f0Share(),
                    a.g0Share(),
                    a.h0Share(),
                    a.dataShares(),
                    a.hPoints()));
        case F0_SHARE ->
            withA(
                p,
                new ClientPacketA(
                    ta,
                    a.f0Share().add(DELTA),
                    a.g0Share(),
                    a.h0Share(),
                    a.dataShares(),
                    a.hPoints()));
        case G0_SHARE ->
            withA(
                p,
                new ClientPacketA(
                    ta,
                    a.f0Share(),
                    a.g0Share().add(DELTA),
                    a.h0Share(),
                    a.dataShares(),
                    a.hPoints()));
        case H0_SHARE ->
            withA(
                p,
                new ClientPacketA(
                    ta,
                    a.f0Share(),
                    a.g0Share(),
                    a.h0Share().add(DELTA),
                    a.dataShares(),
                    a.hPoints()));
        case DATA_SHARE ->
            withA(
                p,
                new ClientPacketA(
                    ta,
                    a.f0Share(),
                    a.g0Share(),
                    a.h0Share(),
                    bump(a.dataShares(), rnd.nextInt(CONFIG.nData())),
                    a.hPoints()));
        case H_POINT ->
            withA(
                p,
                new ClientPacketA(
                    ta,
                    a.f0Share(),
                    a.g0Share(),
                    a.h0Share(),
                    a.dataShares(),
                    bump(a.hPoints(), rnd.nextInt(CONFIG.pointCount()))));
        case B_TRIPLE_A ->
            withB(
                p,
                new ClientPacketB(
                    new BeaverTriple(tb.a().add(DELTA), tb.b(), tb.c()),
                    b.f0Share(),
                    b.g0Share(),
                    b.h0Share(),
                    b.seed()));
        case B_TRIPLE_B ->
            withB(
                p,
                new ClientPacketB(
                    new BeaverTriple(tb.a(), tb.b().add(DELTA), tb.c()),
                    b.f0Share(),
                    b.g0Share(),
                    b.h0Share(),
                    b.seed()));
        case B_TRIPLE_C ->
            withB(
                p,
                new ClientPacketB(
                    new BeaverTriple(tb.a(), tb.b(), tb.c().add(DELTA)),
                    b.f0Share(),
                    b.g0Share(),
                    b.h0Share(),
                    b.seed()));
        case B_F0_SHARE ->
            withB(
                p,
                new ClientPacketB(tb, b.f0Share().add(DELTA), b.g0Share(), b.h0Share(), b.seed()));
        case B_G0_SHARE ->
            withB(
                p,
                new ClientPacketB(tb, b.f0Share(), b.g0Share().add(DELTA), b.h0Share(), b.seed()));
        case B_H0_SHARE ->
            withB(
                p,
                new ClientPacketB(tb, b.f0Share(), b.g0Share(), b.h0Share().add(DELTA), b.seed()));
      };
    }

    private static PrioClient.Packets withA(PrioClient.Packets p, ClientPacketA a) {
      return new PrioClient.Packets(a, p.forB());
    }

    private static PrioClient.Packets withB(PrioClient.Packets p, ClientPacketB b) {
      return new PrioClient.Packets(p.forA(), b);
    }

    private static long[] bump(long[] vector, int i) {
      long[] v = vector.clone();
      FieldElement.get(v, i).add(DELTA).set(v, i);
      return v;
    }
  }

  static PrioClient.Submission encrypt(PrioClient.Packets p, long seed) {
    return new PrioClient.Submission(
        PacketCrypto.encrypt(
            SnipHarness.PUB_A, ClientPacketCodec.write(CONFIG, p.forA()), SnipHarness.seeded(seed)),
        PacketCrypto.encrypt(
            SnipHarness.PUB_B,
            ClientPacketCodec.write(CONFIG, p.forB()),
            SnipHarness.seeded(seed + 1)));
  }

  @ParameterizedTest
  @EnumSource(Tweak.class)
  void oneCorruptedElementIsRejectedByBothServers(Tweak tweak) throws Exception {
    for (RMode r : RMode.values()) {
      for (PrgKeyMode prg : PrgKeyMode.values()) {
        SnipHarness h = new SnipHarness(CONFIG, prg, r, tweak.ordinal());
        Random rnd = new Random(tweak.ordinal());
        long[] bits = rnd.longs(CONFIG.nData(), 0, 2).toArray();

        PrioClient.Packets honest = h.client.encodePackets(bits);
        PrioClient.Packets corrupted = tweak.apply(h.client.encodePackets(bits), rnd);

        PrioClient.Submission sent = encrypt(corrupted, 1);
        SnipHarness.Outcome bad = h.verify(sent.forA(), sent.forB());
        assertThat(bad.valid()).as("%s %s %s", tweak, r, prg).isFalse();
        assertThatThrownBy(() -> h.accA.aggregate(bad.a(), bad.outA(), bad.outB()))
            .isInstanceOf(PrioException.class)
            .extracting(e -> ((PrioException) e).reason())
            .isEqualTo(RejectReason.PROOF_INVALID);
        assertThatThrownBy(() -> h.accB.aggregate(bad.b(), bad.outB(), bad.outA()))
            .isInstanceOf(PrioException.class)
            .extracting(e -> ((PrioException) e).reason())
            .isEqualTo(RejectReason.PROOF_INVALID);

        assertThat(h.submit(encrypt(honest, 3))).as("untouched submission, %s %s", r, prg).isTrue();
        assertThat(h.accA.count()).isEqualTo(1);
        assertThat(h.combine()).containsExactly(bits);
      }
    }
  }
}
