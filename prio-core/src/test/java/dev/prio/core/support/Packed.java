package dev.prio.core.support;

import dev.prio.core.field.Field;
import dev.prio.core.field.FieldElement;
import java.math.BigInteger;
import java.util.Random;

/** BigInteger views of packed field vectors, and seeded random field values, for tests. */
public final class Packed {
  public static final BigInteger P = Field.MODULUS;

  private Packed() {}

  public static BigInteger big(long[] v, int i) {
    return FieldElement.get(v, i).toBigInteger();
  }

  public static long[] of(BigInteger... values) {
    long[] v = new long[2 * values.length];
    for (int i = 0; i < values.length; i++) {
      FieldElement.of(values[i]).set(v, i);
    }
    return v;
  }

  public static BigInteger[] bigs(long[] v) {
    BigInteger[] out = new BigInteger[v.length / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = big(v, i);
    }
    return out;
  }

  /** Uniform in [0, p). */
  public static BigInteger random(Random rnd) {
    while (true) {
      BigInteger x = new BigInteger(88, rnd);
      if (x.compareTo(P) < 0) {
        return x;
      }
    }
  }

  public static long[] randomVector(Random rnd, int n) {
    long[] v = new long[2 * n];
    for (int i = 0; i < n; i++) {
      FieldElement.of(random(rnd)).set(v, i);
    }
    return v;
  }

  public static FieldElement fe(String hex) {
    return FieldElement.of(new BigInteger(hex, 16));
  }
}
