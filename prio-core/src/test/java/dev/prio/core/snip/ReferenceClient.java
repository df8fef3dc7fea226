package dev.prio.core.snip;

import dev.prio.core.field.Field;
import dev.prio.core.field.FieldElement;
import dev.prio.core.packet.BeaverTriple;
import dev.prio.core.packet.ClientPacketA;
import dev.prio.core.packet.ClientPacketB;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.poly.Fft;
import dev.prio.core.prg.Prg;
import dev.prio.core.prg.PrgKeyMode;
import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * Spec §6.1 step by step, as libprio does it (inverse DFT of size N, zero-pad, DFT of size 2N, odd
 * points), over arbitrary field values, including values outside {0, 1} that PrioClient's long[]
 * API cannot express (such as p − 1). {@link #assertSpecCompliant} checks any client's packets
 * against the same definition.
 */
final class ReferenceClient {
  private final PrioConfig config;
  private final PrgKeyMode prgMode;
  private final SecureRandom random;

  ReferenceClient(PrioConfig config, PrgKeyMode prgMode, SecureRandom random) {
    this.config = config;
    this.prgMode = prgMode;
    this.random = random;
  }

  PrioClient.Packets encode(BigInteger[] x) {
    int nData = config.nData();
    int bigN = config.pointCount();
    byte[] seed = new byte[Prg.SEED_LENGTH];
    random.nextBytes(seed);
    Prg prg = Prg.create(prgMode, seed, config.batchId());
    BigInteger aA = rand(), bA = rand(), aB = rand(), bB = rand(), cB = rand();
    BigInteger cA = aA.add(aB).multiply(bA.add(bB)).subtract(cB).mod(Field.MODULUS);

    long[] dataA = new long[2 * nData];
    for (int i = 0; i < nData; i++) {
      fe(x[i].subtract(prg.nextFieldElement().toBigInteger())).set(dataA, i);
    }
    BigInteger f0 = rand(), g0 = rand();
    long[] f = new long[4 * bigN];
    long[] g = new long[4 * bigN];
    fe(f0).set(f, 0);
    fe(g0).set(g, 0);
    for (int i = 1; i <= nData; i++) {
      fe(x[i - 1]).set(f, i);
      fe(x[i - 1].subtract(BigInteger.ONE)).set(g, i);
    }
    Fft.inverse(f, bigN); // coefficients, zero-padded to 2N by the array's tail
    Fft.inverse(g, bigN);
    Fft.forward(f, 2 * bigN);
    Fft.forward(g, 2 * bigN);
    long[] hA = new long[2 * bigN];
    for (int j = 0; j < bigN; j++) {
      BigInteger h =
          FieldElement.get(f, 2 * j + 1)
              .toBigInteger()
              .multiply(FieldElement.get(g, 2 * j + 1).toBigInteger());
      fe(h.subtract(prg.nextFieldElement().toBigInteger())).set(hA, j);
    }
    BigInteger h0 = f0.multiply(g0);
    BigInteger f0A = rand(), g0A = rand(), h0A = rand();
    ClientPacketA forA =
        new ClientPacketA(
            new BeaverTriple(fe(aA), fe(bA), fe(cA)), fe(f0A), fe(g0A), fe(h0A), dataA, hA);
    ClientPacketB forB =
        new ClientPacketB(
            new BeaverTriple(fe(aB), fe(bB), fe(cB)),
            fe(f0.subtract(f0A)),
            fe(g0.subtract(g0A)),
            fe(h0.subtract(h0A)),
            seed);
    return new PrioClient.Packets(forA, forB);
  }

  /** Checks a pair of packets against spec §6.1 using nothing but the packets and the input. */
  static void assertSpecCompliant(
      PrioConfig config, PrgKeyMode prgMode, PrioClient.Packets p, BigInteger[] x) {
    BigInteger q = Field.MODULUS;
    ClientPacketA a = p.forA();
    ClientPacketB b = p.forB();
    Prg prg = Prg.create(prgMode, b.seed(), config.batchId());
    int nData = config.nData();
    int bigN = config.pointCount();
    org.assertj.core.api.Assertions.assertThat(a.dataShares()).hasSize(2 * nData);
    org.assertj.core.api.Assertions.assertThat(a.hPoints()).hasSize(2 * bigN);
    for (int i = 0; i < nData; i++) {
      BigInteger sum =
          FieldElement.get(a.dataShares(), i)
              .toBigInteger()
              .add(prg.nextFieldElement().toBigInteger())
              .mod(q);
      org.assertj.core.api.Assertions.assertThat(sum).as("x[%d]", i).isEqualTo(x[i].mod(q));
    }
    BigInteger aSum = big(a.triple().a()).add(big(b.triple().a()));
    BigInteger bSum = big(a.triple().b()).add(big(b.triple().b()));
    org.assertj.core.api.Assertions.assertThat(big(a.triple().c()).add(big(b.triple().c())).mod(q))
        .as("Beaver triple")
        .isEqualTo(aSum.multiply(bSum).mod(q));
    BigInteger f0 = big(a.f0Share()).add(big(b.f0Share())).mod(q);
    BigInteger g0 = big(a.g0Share()).add(big(b.g0Share())).mod(q);
    org.assertj.core.api.Assertions.assertThat(big(a.h0Share()).add(big(b.h0Share())).mod(q))
        .as("h0")
        .isEqualTo(f0.multiply(g0).mod(q));

    long[] f = new long[4 * bigN];
    long[] g = new long[4 * bigN];
    fe(f0).set(f, 0);
    fe(g0).set(g, 0);
    for (int i = 1; i <= nData; i++) {
      fe(x[i - 1]).set(f, i);
      fe(x[i - 1].subtract(BigInteger.ONE)).set(g, i);
    }
    Fft.inverse(f, bigN);
    Fft.inverse(g, bigN);
    Fft.forward(f, 2 * bigN);
    Fft.forward(g, 2 * bigN);
    for (int j = 0; j < bigN; j++) {
      BigInteger expected =
          big(FieldElement.get(f, 2 * j + 1)).multiply(big(FieldElement.get(g, 2 * j + 1))).mod(q);
      BigInteger h =
          FieldElement.get(a.hPoints(), j)
              .toBigInteger()
              .add(prg.nextFieldElement().toBigInteger())
              .mod(q);
      org.assertj.core.api.Assertions.assertThat(h).as("h point %d", j).isEqualTo(expected);
    }
  }

  private static BigInteger big(FieldElement e) {
    return e.toBigInteger();
  }

  private BigInteger rand() {
    byte[] b = new byte[Field.ELEMENT_BYTES];
    while (true) {
      random.nextBytes(b);
      BigInteger v = new BigInteger(1, b);
      if (v.compareTo(Field.MODULUS) < 0) {
        return v;
      }
    }
  }

  private static FieldElement fe(BigInteger v) {
    return FieldElement.of(v.mod(Field.MODULUS));
  }
}
