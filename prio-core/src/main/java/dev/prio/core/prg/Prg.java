package dev.prio.core.prg;

import dev.prio.core.field.Field;
import dev.prio.core.field.FieldElement;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * libprio's PRG (prio/prg.c, prio/rand.c): the AES-128-CTR keystream under a zero IV with a 128-bit
 * big-endian counter, consumed as one continuous stream, and the exact rejection sampling of spec
 * §4.2 (read nbytes, then one more byte that overwrites byte 0).
 *
 * <p>Not thread-safe: each stream is read in order by one owner.
 */
public final class Prg {
  public static final int SEED_LENGTH = 16;
  private static final int BUFFER = 4096;
  private static final VarHandle BIG_ENDIAN_LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private final Cipher cipher;
  private final byte[] zeros = new byte[BUFFER];
  private final byte[] stream = new byte[BUFFER];
  private int pos = BUFFER;

  private Prg(byte[] aesKey) {
    try {
      cipher = Cipher.getInstance("AES/CTR/NoPadding");
      cipher.init(
          Cipher.ENCRYPT_MODE, new SecretKeySpec(aesKey, "AES"), new IvParameterSpec(new byte[16]));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-CTR is required of every JDK", e);
    } finally {
      Arrays.fill(aesKey, (byte) 0);
    }
  }

  /** A PRG keyed from a 16-byte seed in the given mode (the batch id matters only for HASHED). */
  public static Prg create(PrgKeyMode mode, byte[] seed, byte[] batchId) {
    return new Prg(mode.aesKey(seed, batchId));
  }

  public void nextBytes(byte[] dst, int off, int len) {
    while (len > 0) {
      if (pos == BUFFER) {
        refill();
      }
      int n = Math.min(len, BUFFER - pos);
      System.arraycopy(stream, pos, dst, off, n);
      pos += n;
      off += n;
      len -= n;
    }
  }

  private int nextByte() {
    if (pos == BUFFER) {
      refill();
    }
    return stream[pos++] & 0xff;
  }

  private void refill() {
    // The keystream is the encryption of zeros; 4096 is a whole number of blocks, so refills
    // continue the counter exactly where the last one stopped.
    try {
      if (cipher.update(zeros, 0, BUFFER, stream, 0) != BUFFER) {
        throw new IllegalStateException("AES-CTR returned a short block");
      }
    } catch (ShortBufferException e) {
      throw new IllegalStateException("keystream buffer is a whole number of blocks", e);
    }
    pos = 0;
  }

  /**
   * Uniform element of [0, p) stored at index i of a packed vector: §4.2 with max = p, which is 11
   * bytes, then a 12th that replaces byte 0, no mask, retried while ≥ p.
   */
  public void nextFieldElement(long[] out, int i) {
    while (true) {
      if (BUFFER - pos < 12) {
        tryFieldElementSlow(out, i);
        if (isBelowP(out, i)) {
          return;
        }
        continue;
      }
      byte[] s = stream;
      int q = pos;
      // Bytes q+1..q+10 are the value's bytes 1..10, byte q+11 replaces byte 0 (q is dropped).
      long hi = ((long) (s[q + 11] & 0xff) << 16) | ((s[q + 1] & 0xff) << 8) | (s[q + 2] & 0xff);
      long lo = (long) BIG_ENDIAN_LONG.get(s, q + 3);
      pos = q + 12;
      if (hi < 0x80_0000L || (hi == 0x80_0000L && Long.compareUnsigned(lo, 0x80001L) < 0)) {
        out[2 * i] = lo;
        out[2 * i + 1] = hi;
        return;
      }
    }
  }

  private void tryFieldElementSlow(long[] out, int i) {
    byte[] b = new byte[Field.ELEMENT_BYTES];
    nextBytes(b, 0, b.length);
    b[0] = (byte) nextByte();
    long hi = ((b[0] & 0xffL) << 16) | ((b[1] & 0xff) << 8) | (b[2] & 0xff);
    long lo = 0;
    for (int k = 3; k < 11; k++) {
      lo = (lo << 8) | (b[k] & 0xff);
    }
    out[2 * i] = lo;
    out[2 * i + 1] = hi;
  }

  private static boolean isBelowP(long[] v, int i) {
    long hi = v[2 * i + 1];
    return hi < 0x80_0000L || (hi == 0x80_0000L && Long.compareUnsigned(v[2 * i], 0x80001L) < 0);
  }

  public FieldElement nextFieldElement() {
    long[] v = new long[2];
    nextFieldElement(v, 0);
    return FieldElement.get(v, 0);
  }

  /** libprio's rand_int_rng: a value in [0, max) by the byte rule of spec §4.2. */
  public BigInteger nextBelow(BigInteger max) {
    if (max.signum() <= 0) {
      throw new IllegalArgumentException("max must be positive");
    }
    BigInteger m1 = max.subtract(BigInteger.ONE);
    int nbytes = Math.max(1, (m1.bitLength() + 7) / 8);
    int top = m1.shiftRight(8 * (nbytes - 1)).intValue() & 0xff;
    int mask = top == 0 ? 0 : (Integer.highestOneBit(top) << 1) - 1;
    byte[] buf = new byte[nbytes];
    while (true) {
      nextBytes(buf, 0, nbytes);
      buf[0] = (byte) nextByte();
      if (mask != 0) {
        buf[0] &= (byte) mask;
      }
      BigInteger x = new BigInteger(1, buf);
      if (x.compareTo(max) < 0) {
        return x;
      }
    }
  }

  /** libprio's PRG_get_int_range: lower + a draw in [0, max − lower). */
  public FieldElement nextInRange(BigInteger lower, BigInteger max) {
    return FieldElement.of(lower.add(nextBelow(max.subtract(lower))));
  }
}
