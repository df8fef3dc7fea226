package dev.prio.core.poly;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.field.Field;
import dev.prio.core.support.Packed;
import java.math.BigInteger;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Fft} against the naive O(n²) DFT that spec §1.3 defines (natural order, no bit reversal).
 */
class FftTest {
  static final BigInteger P = Field.MODULUS;

  static IntStream sizes() {
    return IntStream.rangeClosed(0, 9).map(k -> 1 << k);
  }

  static IntStream largerSizes() {
    return IntStream.rangeClosed(0, 14).map(k -> 1 << k);
  }

  /** Y[k] = Σ_j X[j]·w^(jk). */
  static BigInteger[] naiveDft(BigInteger[] x, BigInteger w) {
    int n = x.length;
    BigInteger[] y = new BigInteger[n];
    for (int k = 0; k < n; k++) {
      BigInteger s = BigInteger.ZERO;
      for (int j = 0; j < n; j++) {
        s = s.add(x[j].multiply(w.modPow(BigInteger.valueOf((long) j * k % n), P)));
      }
      y[k] = s.mod(P);
    }
    return y;
  }

  @ParameterizedTest(name = "n={0}")
  @MethodSource("sizes")
  void forwardIsTheNaiveDft(int n) {
    long[] x = Packed.randomVector(new Random(n), n);
    BigInteger[] expected = naiveDft(Packed.bigs(x), RootsOfUnity.principalRoot(n).toBigInteger());
    Fft.forward(x, n);
    assertThat(Packed.bigs(x)).containsExactly(expected);
  }

  @ParameterizedTest(name = "n={0}")
  @MethodSource("sizes")
  void inverseIsTheNaiveDftWithTheInverseRootScaledByOneOverN(int n) {
    long[] y = Packed.randomVector(new Random(100 + n), n);
    BigInteger wInv = RootsOfUnity.principalRoot(n).toBigInteger().modInverse(P);
    BigInteger nInv = BigInteger.valueOf(n).modInverse(P);
    BigInteger[] expected = naiveDft(Packed.bigs(y), wInv);
    for (int i = 0; i < n; i++) {
      expected[i] = expected[i].multiply(nInv).mod(P);
    }
    Fft.inverse(y, n);
    assertThat(Packed.bigs(y)).containsExactly(expected);
  }

  @ParameterizedTest(name = "n={0}")
  @MethodSource("largerSizes")
  void inverseUndoesForwardAndForwardUndoesInverse(int n) {
    long[] x = Packed.randomVector(new Random(200 + n), n);
    long[] copy = x.clone();
    Fft.forward(x, n);
    Fft.inverse(x, n);
    assertThat(x).containsExactly(copy);
    Fft.inverse(x, n);
    Fft.forward(x, n);
    assertThat(x).containsExactly(copy);
  }

  @ParameterizedTest(name = "n={0}")
  @MethodSource("sizes")
  void inverseOfValuesAtTheRootsGivesTheCoefficients(int n) {
    // A known polynomial c(x), evaluated at w^i by Horner, must come back as c.
    Random rnd = new Random(300 + n);
    BigInteger[] c = new BigInteger[n];
    for (int i = 0; i < n; i++) {
      c[i] = Packed.random(rnd);
    }
    BigInteger w = RootsOfUnity.principalRoot(n).toBigInteger();
    BigInteger[] values = new BigInteger[n];
    for (int i = 0; i < n; i++) {
      values[i] = horner(c, w.modPow(BigInteger.valueOf(i), P));
    }
    long[] v = Packed.of(values);
    Fft.inverse(v, n);
    assertThat(Packed.bigs(v)).containsExactly(c);
  }

  static BigInteger horner(BigInteger[] coefficients, BigInteger x) {
    BigInteger acc = BigInteger.ZERO;
    for (int i = coefficients.length - 1; i >= 0; i--) {
      acc = acc.multiply(x).add(coefficients[i]).mod(P);
    }
    return acc;
  }

  @ParameterizedTest(name = "n={0}")
  @MethodSource("sizes")
  void transformsLeaveElementsBeyondNAlone(int n) {
    long[] x = Packed.randomVector(new Random(400 + n), 2 * n);
    long[] tail = java.util.Arrays.copyOfRange(x, 2 * n, 4 * n);
    Fft.forward(x, n);
    Fft.inverse(x, n);
    assertThat(java.util.Arrays.copyOfRange(x, 2 * n, 4 * n)).containsExactly(tail);
  }
}
