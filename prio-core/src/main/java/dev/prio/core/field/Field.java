package dev.prio.core.field;

import java.math.BigInteger;

/**
 * Arithmetic modulo libprio's prime p = 2^87 + 2^19 + 1 (spec §1.1) on primitive longs.
 *
 * <p>An element is two longs: {@code lo} holds bits 0..63 (read unsigned) and {@code hi} bits
 * 64..87. Vectors are {@code long[]} with element i at {@code [2i] = lo, [2i+1] = hi}, so the
 * hot loops (dot products, FFT butterflies) touch one array. Every stored value is canonical
 * (&lt; p). The reduction uses 2^87 ≡ −(2^19 + 1) twice, which needs no division.
 */
public final class Field {
  /** p as a BigInteger, for tests, parsing and the rare slow path. */
  public static final BigInteger MODULUS = BigInteger.ONE.shiftLeft(87).add(BigInteger.ONE.shiftLeft(19)).add(BigInteger.ONE);

  /** Bytes of p big-endian: the longest mp_int body a valid packet can hold. */
  public static final int ELEMENT_BYTES = 11;

  static final long P_LO = 0x0000_0000_0008_0001L;
  static final long P_HI = 0x80_0000L;
  private static final long C = (1L << 19) + 1; // 2^87 ≡ −C (mod p)
  private static final long MASK23 = (1L << 23) - 1;

  /** Terms a dot product accumulates before folding its 192-bit accumulator (keeps it &lt; 2^192). */
  private static final int DOT_FOLD_EVERY = 1 << 12;

  private Field() {}

  /** Unsigned high 64 bits of a·b (Math.unsignedMultiplyHigh arrived only in Java 18). */
  static long umulh(long a, long b) {
    return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
  }

  static boolean isCanonical(long hi, long lo) {
    return hi >= 0 && (hi < P_HI || (hi == P_HI && Long.compareUnsigned(lo, P_LO) < 0));
  }

  /** out[o] = a[i] + b[j] mod p. */
  public static void add(long[] a, int i, long[] b, int j, long[] out, int o) {
    long aLo = a[2 * i], bLo = b[2 * j];
    long lo = aLo + bLo;
    long hi = a[2 * i + 1] + b[2 * j + 1] + (Long.compareUnsigned(lo, aLo) < 0 ? 1 : 0);
    storeMinusPIfNeeded(hi, lo, out, o);
  }

  /** out[o] = a[i] − b[j] mod p. */
  public static void sub(long[] a, int i, long[] b, int j, long[] out, int o) {
    long aLo = a[2 * i], bLo = b[2 * j];
    long lo = aLo - bLo;
    long hi = a[2 * i + 1] - b[2 * j + 1] - (Long.compareUnsigned(aLo, bLo) < 0 ? 1 : 0);
    if (hi < 0) {
      long lo2 = lo + P_LO;
      hi = hi + P_HI + (Long.compareUnsigned(lo2, lo) < 0 ? 1 : 0);
      lo = lo2;
    }
    out[2 * o] = lo;
    out[2 * o + 1] = hi;
  }

  /** out[o] = a[i] · b[j] mod p. */
  public static void mul(long[] a, int i, long[] b, int j, long[] out, int o) {
    long aLo = a[2 * i], aHi = a[2 * i + 1], bLo = b[2 * j], bHi = b[2 * j + 1];
    long z0 = aLo * bLo;
    long p1 = umulh(aLo, bLo);
    long mLo = aHi * bLo, mHi = Math.multiplyHigh(aHi, bLo) + ((bLo >> 63) & aHi);
    long nLo = aLo * bHi, nHi = Math.multiplyHigh(bHi, aLo) + ((aLo >> 63) & bHi);
    long z1 = p1 + mLo;
    long carry = Long.compareUnsigned(z1, p1) < 0 ? 1 : 0;
    long t = z1 + nLo;
    carry += Long.compareUnsigned(t, z1) < 0 ? 1 : 0;
    z1 = t;
    long z2 = mHi + nHi + aHi * bHi + carry;
    reduce(z0, z1, z2, out, o);
  }

  /**
   * Σ_k w[wFrom + k] · v[vFrom + k] mod p for k in [0, count), written to out[o]. Products are
   * summed unreduced in 192 bits and reduced once (every 4096 terms), which is what makes the
   * per-packet evaluation at r cheap.
   */
  public static void dot(long[] w, int wFrom, long[] v, int vFrom, int count, long[] out, int o) {
    long a0 = 0, a1 = 0, a2 = 0;
    int done = 0;
    while (done < count) {
      int end = Math.min(count, done + DOT_FOLD_EVERY);
      for (int k = done; k < end; k++) {
        int wi = 2 * (wFrom + k), vi = 2 * (vFrom + k);
        long wLo = w[wi], wHi = w[wi + 1], vLo = v[vi], vHi = v[vi + 1];
        long p0 = wLo * vLo;
        long p1 = umulh(wLo, vLo);
        long s0 = a0 + p0;
        long c0 = Long.compareUnsigned(s0, a0) < 0 ? 1 : 0;
        a0 = s0;
        long mLo = wHi * vLo, mHi = Math.multiplyHigh(wHi, vLo) + ((vLo >> 63) & wHi);
        long nLo = wLo * vHi, nHi = Math.multiplyHigh(vHi, wLo) + ((wLo >> 63) & vHi);
        long s1 = a1 + p1;
        long c1 = Long.compareUnsigned(s1, a1) < 0 ? 1 : 0;
        long s2 = s1 + mLo;
        c1 += Long.compareUnsigned(s2, s1) < 0 ? 1 : 0;
        long s3 = s2 + nLo;
        c1 += Long.compareUnsigned(s3, s2) < 0 ? 1 : 0;
        long s4 = s3 + c0;
        c1 += Long.compareUnsigned(s4, s3) < 0 ? 1 : 0;
        a1 = s4;
        a2 += mHi + nHi + wHi * vHi + c1;
      }
      done = end;
      if (done < count) {
        // Fold: the reduced value (< 2^88) becomes the new accumulator.
        long[] tmp = new long[2];
        reduce(a0, a1, a2, tmp, 0);
        a0 = tmp[0];
        a1 = tmp[1];
        a2 = 0;
      }
    }
    reduce(a0, a1, a2, out, o);
  }

  /** Reduces z2·2^128 + z1·2^64 + z0 (z2 &lt; 2^63) modulo p into out[o]. */
  static void reduce(long z0, long z1, long z2, long[] out, int o) {
    // X = Q·2^87 + R, X ≡ R − Q·C.
    long rLo = z0, rHi = z1 & MASK23;
    long qLo = (z1 >>> 23) | (z2 << 41), qHi = z2 >>> 23;
    // T = Q·C = Q·2^19 + Q, below 2^124.
    long tLo = qLo + (qLo << 19);
    long tHi = qHi + (qHi << 19) + (qLo >>> 45) + (Long.compareUnsigned(tLo, qLo) < 0 ? 1 : 0);
    // T = Q2·2^87 + R2, T ≡ R2 − Q2·C, so X ≡ R − R2 + Q2·C.
    long r2Lo = tLo, r2Hi = tHi & MASK23;
    long q2c = (tHi >>> 23) * C; // < 2^57
    long yLo = rLo + q2c;
    long yHi = rHi + (Long.compareUnsigned(yLo, rLo) < 0 ? 1 : 0);
    // y − R2, adding p first when y < R2.
    if (yHi < r2Hi || (yHi == r2Hi && Long.compareUnsigned(yLo, r2Lo) < 0)) {
      long lo = yLo + P_LO;
      yHi = yHi + P_HI + (Long.compareUnsigned(lo, yLo) < 0 ? 1 : 0);
      yLo = lo;
    }
    long lo = yLo - r2Lo;
    long hi = yHi - r2Hi - (Long.compareUnsigned(yLo, r2Lo) < 0 ? 1 : 0);
    storeMinusPIfNeeded(hi, lo, out, o);
  }

  private static void storeMinusPIfNeeded(long hi, long lo, long[] out, int o) {
    if (hi > P_HI || (hi == P_HI && Long.compareUnsigned(lo, P_LO) >= 0)) {
      long lo2 = lo - P_LO;
      hi = hi - P_HI - (Long.compareUnsigned(lo, P_LO) < 0 ? 1 : 0);
      lo = lo2;
    }
    out[2 * o] = lo;
    out[2 * o + 1] = hi;
  }
}
