package dev.prio.core.poly;

import dev.prio.core.field.Field;
import dev.prio.core.field.FieldElement;
import java.math.BigInteger;

/**
 * Barycentric weights for evaluating, at a point r, the polynomial of degree &lt; n that takes
 * given values at the n-th roots of unity: P(r) = Σ_i L_i(r)·y_i with L_i(r) = (r^n − 1)·w^i /
 * (n·(r − w^i)).
 *
 * <p>This gives exactly the value libprio gets from an inverse FFT followed by Horner (spec §1.3,
 * §9 "Performance"), in O(n) with one inversion instead of O(n log n) per packet.
 */
public final class LagrangeWeights {
  private LagrangeWeights() {}

  /**
   * Packed weights L_k(r) for the given root indices k of the n-th roots of unity. If r is itself
   * one of the roots, the weights are the indicator of that root.
   */
  public static long[] at(FieldElement r, int n, int[] indices) {
    long[] roots = RootsOfUnity.powers(n);
    int m = indices.length;
    long[] out = new long[2 * m];
    long[] rv = new long[2];
    r.set(rv, 0);
    for (int i = 0; i < n; i++) {
      if (roots[2 * i] == rv[0] && roots[2 * i + 1] == rv[1]) {
        for (int k = 0; k < m; k++) {
          if (indices[k] == i) {
            FieldElement.ONE.set(out, k);
          }
        }
        return out;
      }
    }
    // diff_k = r − w^k, inverted all at once (Montgomery's trick: one inversion, 3m products).
    long[] diff = new long[2 * m];
    for (int k = 0; k < m; k++) {
      Field.sub(rv, 0, roots, indices[k], diff, k);
    }
    long[] prefix = new long[2 * m];
    FieldElement.ONE.set(prefix, 0);
    for (int k = 1; k < m; k++) {
      Field.mul(prefix, k - 1, diff, k - 1, prefix, k);
    }
    long[] inv = new long[2];
    long[] tmp = new long[2];
    FieldElement all = FieldElement.get(prefix, m - 1).multiply(FieldElement.get(diff, m - 1));
    all.inverse().set(inv, 0);
    // scale = (r^n − 1) / n
    FieldElement scale =
        r.pow(BigInteger.valueOf(n))
            .subtract(FieldElement.ONE)
            .multiply(FieldElement.of(n).inverse());
    long[] s = new long[2];
    scale.set(s, 0);
    for (int k = m - 1; k >= 0; k--) {
      // inv holds 1 / (diff_0 ⋯ diff_k); 1/diff_k = inv · prefix_k.
      Field.mul(inv, 0, prefix, k, tmp, 0);
      Field.mul(inv, 0, diff, k, inv, 0);
      Field.mul(tmp, 0, roots, indices[k], tmp, 0);
      Field.mul(tmp, 0, s, 0, out, k);
    }
    return out;
  }

  /** Root indices 0 .. count−1. */
  public static int[] firstIndices(int count) {
    int[] idx = new int[count];
    for (int k = 0; k < count; k++) {
      idx[k] = k;
    }
    return idx;
  }
}
