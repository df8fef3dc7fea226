package dev.prio.core.poly;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.field.Field;
import dev.prio.core.field.FieldElement;
import dev.prio.core.support.Packed;
import java.math.BigInteger;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link LagrangeWeights}: Σ L_i(r)·y_i must equal libprio's way, inverse FFT then Horner at r
 * (spec §1.3), including when r is itself a root of unity.
 */
class LagrangeWeightsTest {
  static final BigInteger P = Field.MODULUS;

  static IntStream sizes() {
    return IntStream.rangeClosed(0, 12).map(k -> 1 << k);
  }

  /** libprio: coefficients by the inverse transform, then Horner at r. */
  static BigInteger interpolateThenHorner(long[] values, int n, BigInteger r) {
    long[] c = values.clone();
    Fft.inverse(c, n);
    return FftTest.horner(Packed.bigs(c), r);
  }

  static BigInteger weighted(long[] weights, long[] values, int[] indices) {
    BigInteger s = BigInteger.ZERO;
    for (int k = 0; k < indices.length; k++) {
      s = s.add(Packed.big(weights, k).multiply(Packed.big(values, indices[k])));
    }
    return s.mod(P);
  }

  @ParameterizedTest(name = "n={0}")
  @MethodSource("sizes")
  void allIndicesAtRandomPoints(int n) {
    Random rnd = new Random(n);
    for (int trial = 0; trial < 3; trial++) {
      long[] values = Packed.randomVector(rnd, n);
      BigInteger r = Packed.random(rnd);
      int[] idx = LagrangeWeights.firstIndices(n);
      long[] w = LagrangeWeights.at(FieldElement.of(r), n, idx);
      assertThat(weighted(w, values, idx)).isEqualTo(interpolateThenHorner(values, n, r));
    }
  }

  /** Only some points carry values (the others are 0), as with h's odd points plus point 0. */
  @ParameterizedTest(name = "n={0}")
  @MethodSource("sizes")
  void sparseIndicesEqualZeroFilledInterpolation(int n) {
    Random rnd = new Random(50 + n);
    int[] idx =
        IntStream.range(0, n).filter(i -> i == 0 || i % 2 == 1 || rnd.nextInt(4) == 0).toArray();
    long[] values = new long[2 * n];
    for (int i : idx) {
      FieldElement.of(Packed.random(rnd)).set(values, i);
    }
    BigInteger r = Packed.random(rnd);
    long[] w = LagrangeWeights.at(FieldElement.of(r), n, idx);
    assertThat(weighted(w, values, idx)).isEqualTo(interpolateThenHorner(values, n, r));
  }

  @ParameterizedTest(name = "n={0}")
  @MethodSource("sizes")
  void rEqualToARootPicksThatRootsValue(int n) {
    Random rnd = new Random(70 + n);
    long[] values = Packed.randomVector(rnd, n);
    int[] idx = LagrangeWeights.firstIndices(n);
    long[] roots = RootsOfUnity.powers(n);
    for (int k : new int[] {0, n / 2, n - 1}) {
      FieldElement r = FieldElement.get(roots, k);
      long[] w = LagrangeWeights.at(r, n, idx);
      assertThat(weighted(w, values, idx))
          .isEqualTo(Packed.big(values, k))
          .isEqualTo(interpolateThenHorner(values, n, r.toBigInteger()));
    }
  }

  @Test
  void rEqualToARootOutsideTheIndicesGivesZeroWeights() {
    int n = 16;
    long[] w =
        LagrangeWeights.at(FieldElement.get(RootsOfUnity.powers(n), 2), n, new int[] {0, 1, 3, 5});
    assertThat(w).containsOnly(0L);
  }

  @Test
  void rOfTwiceTheOrderAndSmallRUseTheGeneralFormula() {
    int n = 64;
    Random rnd = new Random(99);
    long[] values = Packed.randomVector(rnd, n);
    int[] idx = LagrangeWeights.firstIndices(n);
    for (BigInteger r :
        new BigInteger[] {
          RootsOfUnity.principalRoot(2 * n).toBigInteger(),
          BigInteger.ZERO,
          BigInteger.valueOf(7),
          P.subtract(BigInteger.ONE).subtract(BigInteger.ONE)
        }) {
      long[] w = LagrangeWeights.at(FieldElement.of(r), n, idx);
      assertThat(weighted(w, values, idx))
          .as("r=%s", r)
          .isEqualTo(interpolateThenHorner(values, n, r));
    }
  }
}
