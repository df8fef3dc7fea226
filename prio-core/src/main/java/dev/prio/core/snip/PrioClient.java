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
 * libprio's PrioClient_encode (prio/client.c, spec §6.1): splits a vector into A's and B's
 * packets with a SNIP and encrypts each to its server. Values are normally 0 or 1; any value
 * below p is encoded as given, which is how test data makes submissions that must fail.
 */
public final class PrioClient {
  private final PrioConfig config;
  private final PublicKey serverA;
  private final PublicKey serverB;
  private final PrgKeyMode prgMode;
  private final SecureRandom random;

  public PrioClient(PrioConfig config, PublicKey serverA, PublicKey serverB, PrgKeyMode prgMode, SecureRandom random) {
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
    FieldElement aA = randomElement(), bA = randomElement(), aB = randomElement(), bB = randomElement();
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

    // f and g through the N-th roots: F = (f0, x, 0…), G = (g0, x − 1, 0…).
    FieldElement f0 = randomElement(), g0 = randomElement();
    long[] f = new long[2 * bigN];
    long[] g = new long[2 * bigN];
    f0.set(f, 0);
    g0.set(g, 0);
    long[] one = new long[2];
    FieldElement.ONE.set(one, 0);
    for (int i = 0; i < nData; i++) {
      f[2 * (i + 1)] = x[2 * i];
      f[2 * (i + 1) + 1] = x[2 * i + 1];
      Field.sub(x, i, one, 0, g, i + 1);
    }
    long[] fOdd = valuesAtOddRoots(f, bigN);
    long[] gOdd = valuesAtOddRoots(g, bigN);

    long[] hA = new long[2 * bigN];
    for (int j = 0; j < bigN; j++) {
      Field.mul(fOdd, j, gOdd, j, hA, j);
      prgB.nextFieldElement(prgOut, 0);
      Field.sub(hA, j, prgOut, 0, hA, j);
    }

    FieldElement h0 = f0.multiply(g0);
    FieldElement f0A = randomElement(), g0A = randomElement(), h0A = randomElement();
    ClientPacketA forA = new ClientPacketA(new BeaverTriple(aA, bA, cA), f0A, g0A, h0A, dataA, hA);
    ClientPacketB forB = new ClientPacketB(
        new BeaverTriple(aB, bB, cB), f0.subtract(f0A), g0.subtract(g0A), h0.subtract(h0A), seed);
    return new Packets(forA, forB);
  }

  /**
   * Values of the polynomial through {@code points} (at the N-th roots) at the odd 2N-th roots
   * w_2N^(2j+1): inverse DFT, twist coefficient k by w_2N^k, forward DFT of size N. Same values
   * as libprio's zero-padded DFT of size 2N, at half the work.
   */
  private static long[] valuesAtOddRoots(long[] points, int bigN) {
    Fft.inverse(points, bigN);
    long[] twist = RootsOfUnity.powers(2 * bigN);
    for (int k = 0; k < bigN; k++) {
      Field.mul(points, k, twist, k, points, k);
    }
    Fft.forward(points, bigN);
    return points;
  }

  private FieldElement randomElement() {
    byte[] b = new byte[Field.ELEMENT_BYTES];
    while (true) {
      random.nextBytes(b);
      java.math.BigInteger v = new java.math.BigInteger(1, b);
      if (v.compareTo(Field.MODULUS) < 0) {
        return FieldElement.of(v);
      }
    }
  }
}
