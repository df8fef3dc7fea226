package dev.prio.core.field;

import java.math.BigInteger;

/**
 * One element of the field mod p, canonical (&lt; p). {@code lo} is read unsigned.
 *
 * <p>For per-packet scalars (triples, f0/g0/h0, r, verify values); vectors use the packed {@code
 * long[]} form of {@link Field}. {@link #toString()} prints nothing: elements are shares or
 * verification values, which must never reach a log.
 */
public record FieldElement(long hi, long lo) {
  public static final FieldElement ZERO = new FieldElement(0, 0);
  public static final FieldElement ONE = new FieldElement(0, 1);

  public FieldElement {
    if (!Field.isCanonical(hi, lo)) {
      throw new IllegalArgumentException("not a canonical field element");
    }
  }

  public static FieldElement of(long value) {
    if (value < 0) {
      throw new IllegalArgumentException("negative");
    }
    return new FieldElement(0, value);
  }

  /** Requires 0 ≤ value &lt; p. */
  public static FieldElement of(BigInteger value) {
    if (value.signum() < 0 || value.compareTo(Field.MODULUS) >= 0) {
      throw new IllegalArgumentException("out of range");
    }
    return new FieldElement(value.shiftRight(64).longValue(), value.longValue());
  }

  /** Element i of a packed vector. */
  public static FieldElement get(long[] vector, int i) {
    return new FieldElement(vector[2 * i + 1], vector[2 * i]);
  }

  /** Stores this element at index i of a packed vector. */
  public void set(long[] vector, int i) {
    vector[2 * i] = lo;
    vector[2 * i + 1] = hi;
  }

  public BigInteger toBigInteger() {
    BigInteger low = BigInteger.valueOf(lo & Long.MAX_VALUE);
    if (lo < 0) {
      low = low.setBit(63);
    }
    return BigInteger.valueOf(hi).shiftLeft(64).or(low);
  }

  public boolean isZero() {
    return hi == 0 && lo == 0;
  }

  public FieldElement add(FieldElement o) {
    long[] t = pair(this, o);
    Field.add(t, 0, t, 1, t, 0);
    return get(t, 0);
  }

  public FieldElement subtract(FieldElement o) {
    long[] t = pair(this, o);
    Field.sub(t, 0, t, 1, t, 0);
    return get(t, 0);
  }

  public FieldElement multiply(FieldElement o) {
    long[] t = pair(this, o);
    Field.mul(t, 0, t, 1, t, 0);
    return get(t, 0);
  }

  public FieldElement negate() {
    return ZERO.subtract(this);
  }

  public FieldElement pow(BigInteger exponent) {
    FieldElement result = ONE;
    for (int bit = exponent.bitLength() - 1; bit >= 0; bit--) {
      result = result.multiply(result);
      if (exponent.testBit(bit)) {
        result = result.multiply(this);
      }
    }
    return result;
  }

  /** Multiplicative inverse by Fermat (a^(p−2)); the inverse of 0 is reported as an error. */
  public FieldElement inverse() {
    if (isZero()) {
      throw new ArithmeticException("zero has no inverse");
    }
    return pow(Field.MODULUS.subtract(BigInteger.TWO));
  }

  private static long[] pair(FieldElement a, FieldElement b) {
    return new long[] {a.lo, a.hi, b.lo, b.hi};
  }

  @Override
  public String toString() {
    return "FieldElement[redacted]";
  }
}
