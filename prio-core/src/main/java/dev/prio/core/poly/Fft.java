package dev.prio.core.poly;

import dev.prio.core.field.Field;
import dev.prio.core.field.FieldElement;
import java.util.concurrent.ConcurrentHashMap;

/**
 * libprio's transforms (prio/poly.c): a plain DFT in natural order over w_n (spec §1.3). Computed
 * here by an iterative radix-2 Cooley–Tukey; only the resulting field values matter, and they are
 * the same.
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
    long[] nInv =
        N_INVERSE.computeIfAbsent(
            n,
            size -> {
              long[] v = new long[2];
              FieldElement.of(size).inverse().set(v, 0);
              return v;
            });
    for (int i = 0; i < n; i++) {
      Field.mul(x, i, nInv, 0, x, i);
    }
  }

  private static void transform(long[] x, int n, boolean inverse) {
    RootsOfUnity.requirePowerOfTwo(n);
    bitReverse(x, n);
    if (n == 1) {
      return;
    }
    long[] tw = twiddles(n, inverse);
    long[] t = new long[2];
    // len = 2: the only twiddle is 1.
    for (int u = 0; u < n; u += 2) {
      Field.sub(x, u, x, u + 1, t, 0);
      Field.add(x, u, x, u + 1, x, u);
      x[2 * u + 2] = t[0];
      x[2 * u + 3] = t[1];
    }
    for (int half = 2; half < n; half <<= 1) {
      // This stage's twiddles w_(2·half)^j, j < half, sit contiguously at tw[half .. 2·half).
      int len = half << 1;
      for (int start = 0; start < n; start += len) {
        int u = start, v = start + half;
        // j = 0: twiddle 1, no product.
        Field.sub(x, u, x, v, t, 0);
        Field.add(x, u, x, v, x, u);
        x[2 * v] = t[0];
        x[2 * v + 1] = t[1];
        for (int j = 1; j < half; j++) {
          u = start + j;
          v = u + half;
          Field.mul(x, v, tw, half + j, t, 0);
          Field.sub(x, u, t, 0, x, v);
          Field.add(x, u, t, 0, x, u);
        }
      }
    }
  }

  private static final ConcurrentHashMap<Integer, long[]> N_INVERSE = new ConcurrentHashMap<>();
  private static final ConcurrentHashMap<Integer, long[]> FORWARD_TWIDDLES =
      new ConcurrentHashMap<>();
  private static final ConcurrentHashMap<Integer, long[]> INVERSE_TWIDDLES =
      new ConcurrentHashMap<>();

  /**
   * Per-stage twiddle table for size n: entry half + j is w_(2·half)^(±j) = w_n^(±j·n/(2·half)),
   * for half = 1, 2, 4, …, n/2 and j &lt; half (n − 1 entries, index 0 unused), so each stage reads
   * its twiddles in sequence instead of striding through the table of all n powers.
   */
  private static long[] twiddles(int n, boolean inverse) {
    return (inverse ? INVERSE_TWIDDLES : FORWARD_TWIDDLES)
        .computeIfAbsent(
            n,
            size -> {
              long[] w = RootsOfUnity.powers(size);
              long[] out = new long[2 * size];
              for (int half = 1; half < size; half <<= 1) {
                int step = size / (2 * half);
                for (int j = 0; j < half; j++) {
                  int k = j * step;
                  int idx = inverse && k != 0 ? size - k : k;
                  out[2 * (half + j)] = w[2 * idx];
                  out[2 * (half + j) + 1] = w[2 * idx + 1];
                }
              }
              return out;
            });
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
