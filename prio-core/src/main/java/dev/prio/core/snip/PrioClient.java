package dev.prio.core.snip;

import dev.prio.core.codec.ClientPacketCodec;
import dev.prio.core.crypto.PacketCrypto;
import dev.prio.core.crypto.PublicKey;
import dev.prio.core.field.Field;
import dev.prio.core.field.FieldElement;
import dev.prio.core.packet.BeaverTriple;
import dev.prio.core.packet.ClientPacketA;
import dev.prio.core.packet.ClientPacketB;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.poly.Fft;
import dev.prio.core.poly.RootsOfUnity;
import dev.prio.core.prg.Prg;
import dev.prio.core.prg.PrgKeyMode;
import java.security.SecureRandom;

/**
 * libprio's PrioClient_encode (prio/client.c, spec §6.1): splits a vector into A's and B's packets
 * with a SNIP and encrypts each to its server. Values are normally 0 or 1; any value below p is
 * encoded as given, which is how test data makes submissions that must fail.
 */
public final class PrioClient {
  private final PrioConfig config;
  private final PublicKey serverA;
  private final PublicKey serverB;
  private final PrgKeyMode prgMode;
  private final SecureRandom random;

  public PrioClient(
      PrioConfig config,
      PublicKey serverA,
      PublicKey serverB,
      PrgKeyMode prgMode,
      SecureRandom random) {
    this.config = config;
    this.serverA = serverA;
    this.serverB = serverB;
    this.prgMode = prgMode;
    this.random = random;
  }

  /** Both packets before encryption. */
  public record Packets(ClientPacketA forA, ClientPacketB forB) {}

  /** Both ciphertexts, A's first. */
  public record Submission(byte[] forA, byte[] forB) {}

  public Submission encode(long[] values) {
    Packets p = encodePackets(values);
    return new Submission(
        PacketCrypto.encrypt(serverA, ClientPacketCodec.write(config, p.forA()), random),
        PacketCrypto.encrypt(serverB, ClientPacketCodec.write(config, p.forB()), random));
  }

  public Packets encodePackets(long[] values) {
    int nData = config.nData();
    if (values.length != nData) {
      throw new IllegalArgumentException("expected " + nData + " values, got " + values.length);
    }
    int bigN = config.pointCount();
    byte[] seed = new byte[Prg.SEED_LENGTH];
    random.nextBytes(seed);
    Prg prgB = Prg.create(prgMode, seed, config.batchId());

    // Beaver triple: c_A = (a_A + a_B)(b_A + b_B) − c_B.
    FieldElement aA = randomElement(),
        bA = randomElement(),
        aB = randomElement(),
        bB = randomElement();
    FieldElement cB = randomElement();
    FieldElement cA = aA.add(aB).multiply(bA.add(bB)).subtract(cB);

    long[] x = new long[2 * nData];
    long[] dataA = new long[2 * nData];
    long[] prgOut = new long[2];
    for (int i = 0; i < nData; i++) {
      if (values[i] < 0) {
        throw new IllegalArgumentException("values must be non-negative");
      }
      FieldElement.of(values[i]).set(x, i);
      prgB.nextFieldElement(prgOut, 0);
      Field.sub(x, i, prgOut, 0, dataA, i);
    }

    // f and g through the N-th roots: F = (f0, x, 0…), G = (g0, x − 1, 0…). G is F plus
    // (g0 − f0) at point 0 minus 1 at points 1..n−1, so by linearity its values at the odd roots
    // are F's plus (g0 − f0)·D − E, with D and E fixed per n_data: one transform pair, not two.
    FieldElement f0 = randomElement(), g0 = randomElement();
    OddRootTables tables = tables(nData, bigN);
    long[] f = new long[2 * bigN];
    f0.set(f, 0);
    System.arraycopy(x, 0, f, 2, 2 * nData);
    long[] fOdd = valuesAtOddRoots(f, bigN, tables.twist);
    long[] delta = new long[2];
    g0.subtract(f0).set(delta, 0);

    long[] hA = new long[2 * bigN];
    long[] gj = new long[2];
    for (int j = 0; j < bigN; j++) {
      Field.mul(tables.delta, j, delta, 0, gj, 0);
      Field.add(gj, 0, fOdd, j, gj, 0);
      Field.sub(gj, 0, tables.minusOne, j, gj, 0);
      Field.mul(fOdd, j, gj, 0, hA, j);
      prgB.nextFieldElement(prgOut, 0);
      Field.sub(hA, j, prgOut, 0, hA, j);
    }

    FieldElement h0 = f0.multiply(g0);
    FieldElement f0A = randomElement(), g0A = randomElement(), h0A = randomElement();
    ClientPacketA forA = new ClientPacketA(new BeaverTriple(aA, bA, cA), f0A, g0A, h0A, dataA, hA);
    ClientPacketB forB =
        new ClientPacketB(
            new BeaverTriple(aB, bB, cB),
            f0.subtract(f0A),
            g0.subtract(g0A),
            h0.subtract(h0A),
            seed);
    return new Packets(forA, forB);
  }

  /** Per-n_data constants of {@link #valuesAtOddRoots}: the twist table and the images D, E. */
  private record OddRootTables(int nData, long[] twist, long[] delta, long[] minusOne) {}

  /** The last n_data's tables (a client encodes one config over and over). */
  private static volatile OddRootTables lastTables;

  private static OddRootTables tables(int nData, int bigN) {
    OddRootTables t = lastTables;
    if (t != null && t.nData == nData) {
      return t;
    }
    // twist[k] = w_2N^k / N: the inverse DFT's 1/N folded into the twist.
    long[] w2n = RootsOfUnity.powers(2 * bigN);
    long[] nInv = new long[2];
    FieldElement.of(bigN).inverse().set(nInv, 0);
    long[] twist = new long[2 * bigN];
    for (int k = 0; k < bigN; k++) {
      Field.mul(w2n, k, nInv, 0, twist, k);
    }
    long[] delta = new long[2 * bigN];
    FieldElement.ONE.set(delta, 0);
    long[] ones = new long[2 * bigN];
    for (int i = 1; i <= nData; i++) {
      FieldElement.ONE.set(ones, i);
    }
    t =
        new OddRootTables(
            nData,
            twist,
            valuesAtOddRoots(delta, bigN, twist),
            valuesAtOddRoots(ones, bigN, twist));
    lastTables = t;
    return t;
  }

  /**
   * Values of the polynomial through {@code points} (at the N-th roots) at the odd 2N-th roots
   * w_2N^(2j+1): inverse DFT, twist coefficient k by w_2N^k, forward DFT of size N. Same values as
   * libprio's zero-padded DFT of size 2N, at half the work. The inverse DFT is taken as a forward
   * one read backwards (c_k = Y[(N − k) mod N] / N), with the 1/N inside {@code twist}.
   */
  private static long[] valuesAtOddRoots(long[] points, int bigN, long[] twist) {
    Fft.forward(points, bigN);
    long[] c = new long[2 * bigN];
    Field.mul(points, 0, twist, 0, c, 0);
    for (int k = 1; k < bigN; k++) {
      Field.mul(points, bigN - k, twist, k, c, k);
    }
    Fft.forward(c, bigN);
    return c;
  }

  /** Uniform in [0, p): 11 random bytes big-endian, retried while ≥ p. */
  private FieldElement randomElement() {
    byte[] b = new byte[Field.ELEMENT_BYTES];
    while (true) {
      random.nextBytes(b);
      long hi = ((b[0] & 0xffL) << 16) | ((b[1] & 0xff) << 8) | (b[2] & 0xff);
      long lo = 0;
      for (int k = 3; k < Field.ELEMENT_BYTES; k++) {
        lo = (lo << 8) | (b[k] & 0xff);
      }
      if (hi < 0x80_0000L || (hi == 0x80_0000L && Long.compareUnsigned(lo, 0x80001L) < 0)) {
        return new FieldElement(hi, lo);
      }
    }
  }
}
