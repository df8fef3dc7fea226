package dev.prio.core.snip;

import dev.prio.core.field.FieldElement;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.poly.LagrangeWeights;

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
    FieldElement f0Weight, long[] dataWeights, FieldElement dataWeightSum, FieldElement h0Weight, long[] hWeights) {

  public static EvaluationWeights at(PrioConfig config, FieldElement r) {
    int nData = config.nData();
    int bigN = config.pointCount();
    long[] l = LagrangeWeights.at(r, bigN, LagrangeWeights.firstIndices(nData + 1));
    long[] m = LagrangeWeights.at(r, 2 * bigN, oddPlusZero(bigN));
    long[] data = new long[2 * nData];
    System.arraycopy(l, 2, data, 0, 2 * nData);
    FieldElement sum = FieldElement.ZERO;
    for (int i = 0; i < nData; i++) {
      sum = sum.add(FieldElement.get(data, i));
    }
    long[] h = new long[2 * bigN];
    System.arraycopy(m, 2, h, 0, 2 * bigN);
    return new EvaluationWeights(FieldElement.get(l, 0), data, sum, FieldElement.get(m, 0), h);
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
