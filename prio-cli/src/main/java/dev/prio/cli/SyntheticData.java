package dev.prio.cli;

import java.util.SplittableRandom;

/**
 * The synthetic submissions {@code prio generate} makes, as numbers: per-coordinate probabilities,
 * bit vectors drawn from them, and which positions are made invalid, all reproducible from a seed
 * (so the true sums are known without keeping the data).
 */
final class SyntheticData {
  private SyntheticData() {}

  /** Bits with P(v_j = 1) = p_j; an invalid one gets a 2 at one coordinate. */
  static long[] vector(SplittableRandom r, double[] p, boolean invalid) {
    long[] v = new long[p.length];
    for (int j = 0; j < v.length; j++) {
      v[j] = r.nextDouble() < p[j] ? 1 : 0;
    }
    if (invalid) {
      v[r.nextInt(v.length)] = 2;
    }
    return v;
  }

  /** p_j uniform in [0, 1), one per coordinate, from the seed. */
  static double[] probabilities(int nData, long seed) {
    SplittableRandom r = new SplittableRandom(mix(seed, -1));
    double[] p = new double[nData];
    for (int j = 0; j < nData; j++) {
      p[j] = r.nextDouble();
    }
    return p;
  }

  /**
   * {@code invalid} distinct positions among {@code total}, from the seed (partial Fisher–Yates).
   */
  static boolean[] invalidPositions(int total, int invalid, long seed) {
    SplittableRandom r = new SplittableRandom(mix(seed, -2));
    boolean[] at = new boolean[total];
    if (invalid == 0) {
      return at;
    }
    int[] order = new int[total];
    for (int i = 0; i < total; i++) {
      order[i] = i;
    }
    for (int i = 0; i < invalid; i++) {
      int j = i + r.nextInt(total - i);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
      at[order[i]] = true;
    }
    return at;
  }

  /** A well-spread 64-bit seed for stream {@code index} of {@code seed} (murmur3's fmix64). */
  static long mix(long seed, long index) {
    long z = seed + (index + 3) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }

  /** Exactly Python's json.dumps({"id": id, "payload": payload}) for these ASCII values. */
}
