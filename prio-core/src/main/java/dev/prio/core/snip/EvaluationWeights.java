package dev.prio.core.snip;

import dev.prio.core.field.Field;
import dev.prio.core.field.FieldElement;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.poly.LagrangeWeights;
import dev.prio.core.poly.RootsOfUnity;

/**
 * Everything a server needs to evaluate f, g and h at one verification point r, as dot products
 * with the packet's vectors (spec §6.2 step 6):
 *
 * <pre>
 *   f(r) = L0·f0 + Σ_i L_(i+1)·x_i
 *   g(r) = L0·g0 + Σ_i L_(i+1)·x_i − [server A] Σ_i L_(i+1)     (A's g points are x_i − 1)
 *   h(r) = M0·h0 + Σ_j M_(2j+1)·h_j                              (even h points above 0 are 0)
 * </pre>
 *
 * L are the N-point weights at r, M the 2N-point ones. Immutable; shared across threads.
 */
public record EvaluationWeights(
    FieldElement f0Weight,
    long[] dataWeights,
    FieldElement dataWeightSum,
    FieldElement h0Weight,
    long[] hWeights) {

  /**
   * The weights at r. In SEQUENTIAL mode this runs once per packet, so both sets come from one
   * batch inversion over all the roots involved (ω = w_2N; the N-th roots are ω^(2i)):
   *
   * <pre>
   *   L_i = s_N ·(r/(r − ω^(2i)) − 1),  s_N = (r^N − 1)/N
   *   M_k = s_2N·(r/(r − ω^k) − 1),     s_2N = (r^2N − 1)/(2N) = s_N·(r^N + 1)/2
   * </pre>
   *
   * (w/(r − w) = r/(r − w) − 1), which is three products per weight. The values are exactly {@link
   * LagrangeWeights#at}'s, which is used when r is itself a root (probability ~2^−75).
   */
  private static final int LANES = 4;

  public static EvaluationWeights at(PrioConfig config, FieldElement r) {
    int nData = config.nData();
    int n = nData + 1;
    int bigN = config.pointCount();
    long[] omega = RootsOfUnity.powers(2 * bigN);
    long[] rv = new long[2];
    r.set(rv, 0);

    // Order: the N odd roots ω^(2j+1), then the n roots ω^(2i). The batch inversion runs as
    // LANES interleaved chains (t mod LANES) so consecutive products do not wait on each other:
    // prefix[t] = Π d_s over s < t, s ≡ t (mod LANES).
    int m = bigN + n;
    long[] diff = new long[2 * m];
    long[] prefix = new long[2 * m];
    for (int t = 0; t < m; t++) {
      Field.sub(rv, 0, omega, rootIndex(t, bigN), diff, t);
    }
    long[] total = new long[2 * LANES];
    for (int t = 0; t < LANES; t++) {
      prefix[2 * t] = 1;
      total[2 * t] = 1;
    }
    for (int t = LANES; t < m; t++) {
      Field.mul(prefix, t - LANES, diff, t - LANES, prefix, t);
    }
    for (int t = Math.max(0, m - LANES); t < m; t++) {
      Field.mul(prefix, t, diff, t, total, t % LANES);
    }
    // One inversion for the four lane totals: 1/a = b·c·d / (a·b·c·d), and so on.
    long[] pairs = new long[4];
    Field.mul(total, 0, total, 1, pairs, 0);
    Field.mul(total, 2, total, 3, pairs, 1);
    long[] all = new long[2];
    Field.mul(pairs, 0, pairs, 1, all, 0);
    if (all[0] == 0 && all[1] == 0) {
      return viaLagrange(config, r);
    }

    long[] s = new long[6]; // [0] = r^N, [1] = s_N, [2] = s_2N
    long[] one = {1, 0};
    long[] inv2 = {0x40001L, 0x40_0000L}; // (p + 1) / 2
    power2(rv, bigN, s, 0);
    Field.sub(s, 0, one, 0, s, 1);
    long[] nInv = new long[2];
    FieldElement.of(bigN).inverse().set(nInv, 0);
    Field.mul(s, 1, nInv, 0, s, 1);
    long[] half = new long[2]; // (r^N + 1) / 2 = s_2N / s_N
    Field.add(s, 0, one, 0, half, 0);
    Field.mul(half, 0, inv2, 0, half, 0);
    Field.mul(s, 1, half, 0, s, 2);

    // acc[lane] = s_N · r / (lane total); walking back, acc · prefix[t] = s · r / d_t.
    long[] allInv = new long[2];
    inverse(all, 0, allInv);
    Field.mul(allInv, 0, rv, 0, allInv, 0);
    Field.mul(allInv, 0, s, 1, allInv, 0);
    long[] acc = new long[2 * LANES];
    long[] pairInv = new long[4];
    Field.mul(allInv, 0, pairs, 1, pairInv, 0); // s·r / (a·b)
    Field.mul(allInv, 0, pairs, 0, pairInv, 1); // s·r / (c·d)
    Field.mul(pairInv, 0, total, 1, acc, 0);
    Field.mul(pairInv, 0, total, 0, acc, 1);
    Field.mul(pairInv, 1, total, 3, acc, 2);
    Field.mul(pairInv, 1, total, 2, acc, 3);
    long[] l = new long[2 * n];
    long[] h = new long[2 * bigN];
    for (int t = m - 1; t >= 0; t--) {
      int lane = t % LANES;
      if (t >= bigN) {
        int i = t - bigN;
        Field.mul(acc, lane, prefix, t, l, i);
        Field.sub(l, i, s, 1, l, i);
      } else {
        if (t == bigN - 1) {
          for (int k = 0; k < LANES; k++) {
            Field.mul(acc, k, half, 0, acc, k); // now scaled by s_2N
          }
        }
        Field.mul(acc, lane, prefix, t, h, t);
        Field.sub(h, t, s, 2, h, t);
      }
      Field.mul(acc, lane, diff, t, acc, lane);
    }
    long[] h0 = new long[2]; // M_0 = L_0 · s_2N / s_N
    Field.mul(l, 0, half, 0, h0, 0);

    long[] data = new long[2 * nData];
    System.arraycopy(l, 2, data, 0, 2 * nData);
    long[] sum = new long[2];
    for (int i = 0; i < nData; i++) {
      Field.add(sum, 0, data, i, sum, 0);
    }
    return new EvaluationWeights(
        FieldElement.get(l, 0), data, FieldElement.get(sum, 0), FieldElement.get(h0, 0), h);
  }

  /** Index into ω's powers of the t-th root in {@link #at}'s order. */
  private static int rootIndex(int t, int bigN) {
    return t < bigN ? 2 * t + 1 : 2 * (t - bigN);
  }

  /** out[o] = x^e for a power of two e, by squaring. */
  private static void power2(long[] x, int e, long[] out, int o) {
    out[2 * o] = x[0];
    out[2 * o + 1] = x[1];
    for (int k = e; k > 1; k >>= 1) {
      Field.mul(out, o, out, o, out, o);
    }
  }

  /** out[0] = a[i]^(p−2) = 1/a[i]; p − 2 = 2^87 + 2^19 − 1 (a one, 68 zeros, 19 ones). */
  private static void inverse(long[] a, int i, long[] out) {
    long[] x = {a[2 * i], a[2 * i + 1]};
    long[] acc = {x[0], x[1]}; // bit 87
    for (int bit = 86; bit >= 0; bit--) {
      Field.mul(acc, 0, acc, 0, acc, 0);
      if (bit < 19) {
        Field.mul(acc, 0, x, 0, acc, 0);
      }
    }
    out[0] = acc[0];
    out[1] = acc[1];
  }

  /** The general path (r a root of unity): indicator weights. */
  private static EvaluationWeights viaLagrange(PrioConfig config, FieldElement r) {
    int nData = config.nData();
    int bigN = config.pointCount();
    long[] l = LagrangeWeights.at(r, bigN, LagrangeWeights.firstIndices(nData + 1));
    long[] m = LagrangeWeights.at(r, 2 * bigN, oddPlusZero(bigN));
    long[] data = new long[2 * nData];
    System.arraycopy(l, 2, data, 0, 2 * nData);
    long[] sum = new long[2];
    for (int i = 0; i < nData; i++) {
      Field.add(sum, 0, data, i, sum, 0);
    }
    long[] h = new long[2 * bigN];
    System.arraycopy(m, 2, h, 0, 2 * bigN);
    return new EvaluationWeights(
        FieldElement.get(l, 0), data, FieldElement.get(sum, 0), FieldElement.get(m, 0), h);
  }

  /** Root indices 0, 1, 3, 5, …, 2N−1 of the 2N-th roots. */
  private static int[] oddPlusZero(int bigN) {
    int[] idx = new int[bigN + 1];
    for (int j = 0; j < bigN; j++) {
      idx[j + 1] = 2 * j + 1;
    }
    return idx;
  }

  @Override
  public String toString() {
    return "EvaluationWeights[redacted]";
  }
}
