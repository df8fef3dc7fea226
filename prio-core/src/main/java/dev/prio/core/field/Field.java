package dev.prio.core.field;

import java.math.BigInteger;

/**
 * Arithmetic modulo libprio's prime p = 2^87 + 2^19 + 1 (spec §1.1) on primitive longs.
 *
 * <p>An element is two longs: {@code lo} holds bits 0..63 (read unsigned) and {@code hi} bits
 * 64..87. Vectors are {@code long[]} with element i at {@code [2i] = lo, [2i+1] = hi}, so the hot
 * loops (dot products, FFT butterflies) touch one array. Every stored value is canonical (&lt; p).
 * The reduction uses 2^87 ≡ −(2^19 + 1) twice, which needs no division.
 */
public final class Field {
  /** p as a BigInteger, for tests, parsing and the rare slow path. */
  public static final BigInteger MODULUS =
      BigInteger.ONE.shiftLeft(87).add(BigInteger.ONE.shiftLeft(19)).add(BigInteger.ONE);

  /** Bytes of p big-endian: the longest mp_int body a valid packet can hold. */
  public static final int ELEMENT_BYTES = 11;

  static final long P_LO = 0x0000_0000_0008_0001L;
  static final long P_HI = 0x80_0000L;
  private static final long C = (1L << 19) + 1; // 2^87 ≡ −C (mod p)
  private static final long MASK23 = (1L << 23) - 1;

  /**
   * Terms a dot product accumulates before folding its 192-bit accumulator (keeps it &lt; 2^192).
   */
  private static final int DOT_FOLD_EVERY = 1 << 12;

  /** Terms whose 32-bit-split cross products are summed in single longs (64 · 2^57 = 2^63). */
  private static final int DOT_BLOCK = 64;

  private static final long M32 = 0xFFFF_FFFFL;

  private Field() {}

  /** Unsigned high 64 bits of a·b (Math.unsignedMultiplyHigh arrived only in Java 18). */
  static long umulh(long a, long b) {
    return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
  }

  static boolean isCanonical(long hi, long lo) {
    return hi >= 0 && (hi < P_HI || (hi == P_HI && Long.compareUnsigned(lo, P_LO) < 0));
  }

  /** Carry out of the unsigned sum s = a + b, as 0 or 1, without a branch. */
  static long carry(long a, long b, long s) {
    return ((a & b) | ((a | b) & ~s)) >>> 63;
  }

  /** Borrow out of the unsigned difference d = a − b, as 0 or 1, without a branch. */
  static long borrow(long a, long b, long d) {
    return ((~a & b) | ((~a | b) & d)) >>> 63;
  }

  /**
   * out[o] = a[i] + b[j] mod p. Branch-free: shares are uniform, so a branch would mispredict half
   * the time.
   */
  public static void add(long[] a, int i, long[] b, int j, long[] out, int o) {
    long aLo = a[2 * i], bLo = b[2 * j];
    long lo = aLo + bLo;
    long hi = a[2 * i + 1] + b[2 * j + 1] + carry(aLo, bLo, lo);
    storeMinusPIfNeeded(hi, lo, out, o);
  }

  /**
   * acc[k] += x[k] mod p for the first count elements: the sum of shares, kept in one small method
   * so that the JIT compiles the loop once for every caller, not again inside each caller's loop.
   */
  public static void addInto(long[] acc, long[] x, int count) {
    for (int k = 0; k < count; k++) {
      add(acc, k, x, k, acc, k);
    }
  }

  /** out[o] = a[i] − b[j] mod p. */
  public static void sub(long[] a, int i, long[] b, int j, long[] out, int o) {
    long aLo = a[2 * i], bLo = b[2 * j];
    long lo = aLo - bLo;
    long hi = a[2 * i + 1] - b[2 * j + 1] - borrow(aLo, bLo, lo);
    // Negative (hi < 0): add p back.
    long m = hi >> 63;
    long addLo = P_LO & m;
    long lo2 = lo + addLo;
    out[2 * o] = lo2;
    out[2 * o + 1] = hi + (P_HI & m) + carry(lo, addLo, lo2);
  }

  /** out[o] = a[i] · b[j] mod p. */
  public static void mul(long[] a, int i, long[] b, int j, long[] out, int o) {
    long aLo = a[2 * i], aHi = a[2 * i + 1], bLo = b[2 * j], bHi = b[2 * j + 1];
    long z0 = aLo * bLo;
    long p1 = umulh(aLo, bLo);
    long mLo = aHi * bLo, mHi = Math.multiplyHigh(aHi, bLo) + ((bLo >> 63) & aHi);
    long nLo = aLo * bHi, nHi = Math.multiplyHigh(bHi, aLo) + ((aLo >> 63) & bHi);
    long z1 = p1 + mLo;
    long c = carry(p1, mLo, z1);
    long t = z1 + nLo;
    c += carry(z1, nLo, t);
    long z2 = mHi + nHi + aHi * bHi + c;
    reduce(z0, t, z2, out, o);
  }

  /**
   * Σ_k w[wFrom + k] · v[vFrom + k] mod p for k in [0, count), written to out[o]. Products are
   * summed unreduced and reduced once (every 4096 terms), which is what makes the per-packet
   * evaluation at r cheap.
   *
   * <p>Per term only lo·lo needs a 128-bit product; the cross terms hi·lo are split at 32 bits of
   * lo (hi &lt; 2^24, so each piece is &lt; 2^56) and summed in plain longs for a block of 64
   * terms, then carried into the 192-bit total.
   */
  public static void dot(long[] w, int wFrom, long[] v, int vFrom, int count, long[] out, int o) {
    long t0 = 0, t1 = 0, t2 = 0;
    int k = 0;
    int sinceFold = 0;
    while (k < count) {
      int end = Math.min(count, k + DOT_BLOCK);
      long lo = 0, k0 = 0, mid = 0, k1 = 0, x64 = 0, x96 = 0, top = 0;
      int wi = 2 * (wFrom + k), vi = 2 * (vFrom + k);
      for (; k < end; k++, wi += 2, vi += 2) {
        long wLo = w[wi], wHi = w[wi + 1], vLo = v[vi], vHi = v[vi + 1];
        long p0 = wLo * vLo;
        long p1 = umulh(wLo, vLo);
        long s0 = lo + p0;
        k0 += carry(lo, p0, s0);
        lo = s0;
        long s1 = mid + p1;
        k1 += carry(mid, p1, s1);
        mid = s1;
        x64 += wHi * (vLo & M32) + vHi * (wLo & M32);
        x96 += wHi * (vLo >>> 32) + vHi * (wLo >>> 32);
        top += wHi * vHi;
      }
      // Block = lo + (mid + k0 + x64 + x96·2^32)·2^64 + (top + k1)·2^128, added to the total.
      long u0 = t0 + lo;
      long c = carry(t0, lo, u0);
      t0 = u0;
      long a = t1 + mid;
      long hiCarry = carry(t1, mid, a);
      long b = a + c + k0; // c + k0 ≤ 65: a carry out of this add is detected below
      hiCarry += Long.compareUnsigned(b, a) < 0 ? 1 : 0;
      long d = b + x64;
      hiCarry += carry(b, x64, d);
      long x96lo = x96 << 32;
      long e = d + x96lo;
      hiCarry += carry(d, x96lo, e);
      t1 = e;
      t2 += top + k1 + hiCarry + (x96 >>> 32);
      sinceFold += DOT_BLOCK;
      if (sinceFold >= DOT_FOLD_EVERY && k < count) {
        // Fold: the reduced value (< 2^88) becomes the new total (only for count > 4096).
        long[] tmp = new long[2];
        reduce(t0, t1, t2, tmp, 0);
        t0 = tmp[0];
        t1 = tmp[1];
        t2 = 0;
        sinceFold = 0;
      }
    }
    reduce(t0, t1, t2, out, o);
  }

  /** Reduces z2·2^128 + z1·2^64 + z0 (z2 &lt; 2^63) modulo p into out[o]; branch-free. */
  static void reduce(long z0, long z1, long z2, long[] out, int o) {
    // X = Q·2^87 + R, X ≡ R − Q·C.
    long rLo = z0, rHi = z1 & MASK23;
    long qLo = (z1 >>> 23) | (z2 << 41), qHi = z2 >>> 23;
    // T = Q·C = Q·2^19 + Q, below 2^124.
    long qs = qLo << 19;
    long tLo = qLo + qs;
    long tHi = qHi + (qHi << 19) + (qLo >>> 45) + carry(qLo, qs, tLo);
    // T = Q2·2^87 + R2, T ≡ R2 − Q2·C, so X ≡ R − R2 + Q2·C, which lies in (−2^87, 2^87 + 2^64).
    long r2Lo = tLo, r2Hi = tHi & MASK23;
    long q2c = (tHi >>> 23) * C; // < 2^57
    long yLo = rLo + q2c;
    long yHi = rHi + carry(rLo, q2c, yLo);
    long lo = yLo - r2Lo;
    long hi = yHi - r2Hi - borrow(yLo, r2Lo, lo);
    // v = (hi, lo) is in (−p, 2p): v + p and v − p side by side, then pick one.
    long pLo = lo + P_LO;
    long pHi = hi + P_HI + carry(lo, P_LO, pLo);
    long mLo = lo - P_LO;
    long mHi = hi - P_HI - borrow(lo, P_LO, mLo);
    long neg = hi >> 63; // v < 0: take v + p
    long ge = ~(mHi >> 63) & ~neg; // v ≥ p: take v − p
    long keep = ~(neg | ge);
    out[2 * o] = (pLo & neg) | (mLo & ge) | (lo & keep);
    out[2 * o + 1] = (pHi & neg) | (mHi & ge) | (hi & keep);
  }

  /** Stores (hi, lo) &lt; 2p, minus p if it is ≥ p; branch-free. */
  private static void storeMinusPIfNeeded(long hi, long lo, long[] out, int o) {
    long lo2 = lo - P_LO;
    long hi2 = hi - P_HI - borrow(lo, P_LO, lo2);
    long keep = hi2 >> 63; // all ones when (hi, lo) < p
    out[2 * o] = lo2 ^ ((lo2 ^ lo) & keep);
    out[2 * o + 1] = hi2 ^ ((hi2 ^ hi) & keep);
  }
}
