package dev.prio.core.poly;

import dev.prio.core.field.FieldElement;
import java.math.BigInteger;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Powers of libprio's principal n-th roots of unity w_n = g^(2^19 / n) (spec §1.2), cached per n.
 * The tables are never written after construction, so they are shared between threads.
 */
public final class RootsOfUnity {
  /** libprio's generator of the order-2^19 subgroup ({@code Generator} in params.h). */
  public static final FieldElement GENERATOR =
      FieldElement.of(new BigInteger("2597c14f48d5b65ed8dcca", 16));

  /** 2^19: the largest transform size, so 2N ≤ 2^19. */
  public static final int MAX_ORDER = 1 << 19;

  private static final ConcurrentHashMap<Integer, long[]> POWERS = new ConcurrentHashMap<>();

  private RootsOfUnity() {}

  /** w_n for a power of two n ≤ 2^19. */
  public static FieldElement principalRoot(int n) {
    requirePowerOfTwo(n);
    return GENERATOR.pow(BigInteger.valueOf(MAX_ORDER / n));
  }

  /** Packed vector of w_n^0 .. w_n^(n−1); callers must not modify it. */
  public static long[] powers(int n) {
    requirePowerOfTwo(n);
    return POWERS.computeIfAbsent(n, RootsOfUnity::computePowers);
  }

  private static long[] computePowers(int n) {
    long[] out = new long[2 * n];
    FieldElement w = principalRoot(n);
    FieldElement x = FieldElement.ONE;
    for (int i = 0; i < n; i++) {
      x.set(out, i);
      x = x.multiply(w);
    }
    return out;
  }

  static void requirePowerOfTwo(int n) {
    if (n < 1 || n > MAX_ORDER || Integer.bitCount(n) != 1) {
      throw new IllegalArgumentException("transform size must be a power of two up to 2^19");
    }
  }
}
