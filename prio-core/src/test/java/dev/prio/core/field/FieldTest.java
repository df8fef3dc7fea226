package dev.prio.core.field;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * {@link Field}'s limb arithmetic against BigInteger mod p, on edge values and seeded random
 * values.
 */
class FieldTest {
  static final BigInteger P = Field.MODULUS;
  static final BigInteger TWO64 = BigInteger.ONE.shiftLeft(64);

  /** Edge values, all canonical: limb boundaries and the top of the range. */
  static final List<BigInteger> EDGES =
      List.of(
          BigInteger.ZERO,
          BigInteger.ONE,
          BigInteger.TWO,
          P.subtract(BigInteger.ONE),
          P.subtract(BigInteger.TWO),
          TWO64.subtract(BigInteger.ONE),
          TWO64,
          TWO64.add(BigInteger.ONE),
          BigInteger.ONE.shiftLeft(63),
          BigInteger.ONE.shiftLeft(63).subtract(BigInteger.ONE),
          BigInteger.ONE.shiftLeft(87),
          BigInteger.ONE.shiftLeft(87).subtract(BigInteger.ONE), // hi limb 0x7fffff, lo all ones
          BigInteger.ONE
              .shiftLeft(87)
              .add(BigInteger.ONE.shiftLeft(19)), // p − 1: hi limb at its maximum
          BigInteger.ONE
              .shiftLeft(87)
              .add(BigInteger.valueOf(0x7ffffL)), // hi = 0x800000, lo = 0x7ffff
          BigInteger.ONE.shiftLeft(86),
          P.shiftRight(1), // (p − 1) / 2
          P.add(BigInteger.ONE).shiftRight(1), // 1/2
          new BigInteger("2597c14f48d5b65ed8dcca", 16));

  /** The integer held by a (hi, lo) pair, read without FieldElement's canonical check. */
  static BigInteger raw(long[] v, int i) {
    return BigInteger.valueOf(v[2 * i + 1])
        .shiftLeft(64)
        .add(new BigInteger(Long.toUnsignedString(v[2 * i])));
  }

  static long[] pack(BigInteger... xs) {
    long[] v = new long[2 * xs.length];
    for (int i = 0; i < xs.length; i++) {
      v[2 * i] = xs[i].longValue();
      v[2 * i + 1] = xs[i].shiftRight(64).longValue();
    }
    return v;
  }

  static BigInteger random(Random rnd) {
    while (true) {
      BigInteger x = new BigInteger(88, rnd);
      if (x.compareTo(P) < 0) {
        return x;
      }
    }
  }

  /** Mostly uniform elements, with a quarter edge values and small or near-p neighbours. */
  static Gen<BigInteger> elements() {
    Gen<BigInteger> uniform =
        Generate.longRange(Long.MIN_VALUE, Long.MAX_VALUE)
            .zip(
                Generate.longRange(0, (1L << 24) - 1),
                (lo, hi) ->
                    BigInteger.valueOf(hi)
                        .shiftLeft(64)
                        .add(new BigInteger(Long.toUnsignedString(lo)))
                        .mod(P));
    Gen<BigInteger> edges = Generate.pick(EDGES);
    Gen<BigInteger> nearP =
        Generate.longRange(1, 1L << 20).map(d -> P.subtract(BigInteger.valueOf(d)));
    return uniform.mix(edges, 25).mix(nearP, 10);
  }

  static void assertCanonical(long[] v, int i, BigInteger expected) {
    assertThat(v[2 * i + 1]).as("hi limb").isBetween(0L, 1L << 23);
    assertThat(raw(v, i)).isEqualTo(expected);
  }

  @Test
  void addSubMulMatchBigIntegerOnRandomPairs() {
    qt().withFixedSeed(0x5eedL)
        .withExamples(20_000)
        .forAll(elements(), elements())
        .checkAssert(
            (a, b) -> {
              long[] v = pack(a, b);
              long[] out = new long[2];
              Field.add(v, 0, v, 1, out, 0);
              assertCanonical(out, 0, a.add(b).mod(P));
              Field.sub(v, 0, v, 1, out, 0);
              assertCanonical(out, 0, a.subtract(b).mod(P));
              Field.mul(v, 0, v, 1, out, 0);
              assertCanonical(out, 0, a.multiply(b).mod(P));
            });
  }

  @Test
  void addIntoSumsElementwiseOverTheCountAndLeavesTheRest() {
    List<BigInteger> a = new ArrayList<>(EDGES);
    List<BigInteger> b = new ArrayList<>(EDGES);
    java.util.Collections.reverse(b);
    long[] acc = pack(a.toArray(BigInteger[]::new));
    long[] x = pack(b.toArray(BigInteger[]::new));
    int count = a.size() - 1;
    Field.addInto(acc, x, count);
    for (int k = 0; k < count; k++) {
      assertCanonical(acc, k, a.get(k).add(b.get(k)).mod(P));
    }
    assertThat(raw(acc, count)).as("past the count").isEqualTo(a.get(count));
  }

  static Stream<BigInteger[]> edgePairs() {
    List<BigInteger[]> pairs = new ArrayList<>();
    for (BigInteger a : EDGES) {
      for (BigInteger b : EDGES) {
        pairs.add(new BigInteger[] {a, b});
      }
    }
    return pairs.stream();
  }

  @ParameterizedTest(name = "{0} op {1}")
  @MethodSource("edgePairs")
  void everyEdgePair(BigInteger a, BigInteger b) {
    long[] v = pack(a, b);
    long[] out = new long[6];
    Field.add(v, 0, v, 1, out, 0);
    Field.sub(v, 0, v, 1, out, 1);
    Field.mul(v, 0, v, 1, out, 2);
    assertCanonical(out, 0, a.add(b).mod(P));
    assertCanonical(out, 1, a.subtract(b).mod(P));
    assertCanonical(out, 2, a.multiply(b).mod(P));
  }

  @Test
  void operationsMayWriteOverTheirInputs() {
    Random rnd = new Random(7);
    for (int k = 0; k < 1000; k++) {
      BigInteger a = random(rnd), b = random(rnd);
      long[] v = pack(a, b);
      Field.mul(v, 0, v, 1, v, 0);
      assertCanonical(v, 0, a.multiply(b).mod(P));
      Field.add(v, 1, v, 1, v, 1);
      assertCanonical(v, 1, b.add(b).mod(P));
      Field.sub(v, 0, v, 0, v, 0);
      assertCanonical(v, 0, BigInteger.ZERO);
    }
  }

  static BigInteger dotReference(BigInteger[] w, BigInteger[] v, int wFrom, int vFrom, int count) {
    BigInteger s = BigInteger.ZERO;
    for (int k = 0; k < count; k++) {
      s = s.add(w[wFrom + k].multiply(v[vFrom + k]));
    }
    return s.mod(P);
  }

  /**
   * Lengths 1..64 exhaustively, then sizes around the 4096-term fold up to 5000 and beyond two
   * folds.
   */
  static IntStream dotLengths() {
    return IntStream.concat(
        IntStream.rangeClosed(1, 64),
        IntStream.of(
            100, 255, 256, 511, 1000, 2047, 2048, 4095, 4096, 4097, 4100, 4999, 5000, 8192, 8193));
  }

  @ParameterizedTest(name = "length {0}")
  @MethodSource("dotLengths")
  void dotMatchesBigIntegerOnRandomVectors(int length) {
    Random rnd = new Random(1000 + length);
    int wFrom = rnd.nextInt(3), vFrom = rnd.nextInt(3);
    BigInteger[] w = new BigInteger[length + wFrom];
    BigInteger[] v = new BigInteger[length + vFrom];
    for (int i = 0; i < w.length; i++) {
      w[i] = rnd.nextInt(8) == 0 ? EDGES.get(rnd.nextInt(EDGES.size())) : random(rnd);
    }
    for (int i = 0; i < v.length; i++) {
      v[i] = rnd.nextInt(8) == 0 ? EDGES.get(rnd.nextInt(EDGES.size())) : random(rnd);
    }
    long[] out = new long[4];
    Field.dot(pack(w), wFrom, pack(v), vFrom, length, out, 1);
    assertCanonical(out, 1, dotReference(w, v, wFrom, vFrom, length));
    assertThat(out[0]).isZero();
  }

  /** The largest possible products everywhere: the unreduced accumulator is as full as it gets. */
  @ParameterizedTest(name = "length {0}")
  @MethodSource("dotLengths")
  void dotOfAllMaximalValues(int length) {
    BigInteger max = P.subtract(BigInteger.ONE);
    BigInteger[] w = new BigInteger[length];
    java.util.Arrays.fill(w, max);
    long[] packed = pack(w);
    long[] out = new long[2];
    Field.dot(packed, 0, packed, 0, length, out, 0);
    assertCanonical(out, 0, BigInteger.valueOf(length).mod(P)); // (−1)·(−1) = 1, length times
  }

  @Test
  void dotOfNothingIsZero() {
    long[] out = {5, 5};
    Field.dot(new long[2], 0, new long[2], 0, 0, out, 0);
    assertCanonical(out, 0, BigInteger.ZERO);
  }
}
