package dev.prio.core.poly;

import dev.prio.core.field.Field;
import dev.prio.core.field.FieldElement;

/**
 * libprio's transforms (prio/poly.c): a plain DFT in natural order over w_n (spec §1.3).
 * Computed here by an iterative radix-2 Cooley–Tukey; only the resulting field values matter,
 * and they are the same.
 */
public final class Fft {
  private Fft() {}

  /** In place: Y[k] = Σ_j X[j]·w_n^(jk) for the first n elements of the packed vector x. */
  public static void forward(long[] x, int n) {
    transform(x, n, false);
  }

  /** In place: X[j] = n^(−1)·Σ_k Y[k]·w_n^(−jk); values at the n-th roots → coefficients. */
  public static void inverse(long[] x, int n) {
    transform(x, n, true);
    long[] nInv = new long[2];
    FieldElement.of(n).inverse().set(nInv, 0);
    for (int i = 0; i < n; i++) {
      Field.mul(x, i, nInv, 0, x, i);
    }
  }

  private static void transform(long[] x, int n, boolean inverse) {
    RootsOfUnity.requirePowerOfTwo(n);
    long[] w = RootsOfUnity.powers(n);
    bitReverse(x, n);
    long[] t = new long[2];
    for (int len = 2; len <= n; len <<= 1) {
      int half = len >>> 1;
      int step = n / len;
      for (int start = 0; start < n; start += len) {
        for (int j = 0; j < half; j++) {
          // w_n^(±j·step); the inverse root's powers are w^(n − k).
          int k = j * step;
          int idx = inverse && k != 0 ? n - k : k;
          int u = start + j, v = u + half;
          Field.mul(x, v, w, idx, t, 0);
          Field.sub(x, u, t, 0, x, v);
          Field.add(x, u, t, 0, x, u);
        }
      }
    }
  }

  private static void bitReverse(long[] x, int n) {
    int bits = Integer.numberOfTrailingZeros(n);
    if (bits == 0) {
      return;
    }
    for (int i = 0; i < n; i++) {
      int j = Integer.reverse(i) >>> (32 - bits);
      if (j > i) {
        long lo = x[2 * i], hi = x[2 * i + 1];
        x[2 * i] = x[2 * j];
        x[2 * i + 1] = x[2 * j + 1];
        x[2 * j] = lo;
        x[2 * j + 1] = hi;
      }
    }
  }
}
