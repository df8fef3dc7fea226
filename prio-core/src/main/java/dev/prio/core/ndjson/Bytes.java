package dev.prio.core.ndjson;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Byte searches over ndjson lines eight bytes at a time (SWAR). A server's input line at n_data
 * 2046 is ~63 KB, read once at the scan and once for its chunk; the byte-at-a-time loops for the
 * newline and the payload's closing quote were ~40 % of A's CPU in the profile
 * (docs/benchmark-pair.md). Each word test may fire for a word that holds no match (then the bytes
 * are checked one by one), never miss one.
 */
public final class Bytes {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH = 0x8080808080808080L;

  private Bytes() {}

  /** Index of the first '\n' in {@code [from, to)}, or -1. */
  public static int indexOfNewline(byte[] b, int from, int to) {
    int i = from;
    for (; i + 8 <= to; i += 8) {
      if (hasZero((long) LONGS.get(b, i) ^ (ONES * '\n'))) {
        break;
      }
    }
    for (; i < to; i++) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** Index of the first '\n' or '\r' in {@code [from, to)}, or -1. */
  public static int indexOfLineEnd(byte[] b, int from, int to) {
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long v = (long) LONGS.get(b, i);
      if ((zeroByte(v ^ (ONES * '\n')) | zeroByte(v ^ (ONES * '\r'))) != 0) {
        break;
      }
    }
    for (; i < to; i++) {
      if (b[i] == '\n' || b[i] == '\r') {
        return i;
      }
    }
    return -1;
  }

  /**
   * Index of the first byte in {@code [from, to)} that ends a plain JSON string run: a quote, a
   * backslash, a control byte (< 0x20) or a non-ASCII byte (>= 0x80); {@code to} if none.
   */
  public static int endOfPlainAscii(byte[] b, int from, int to) {
    int i = from;
    // Two words a turn, each with three tests: a byte below 0x23 (control bytes and the quote,
    // 0x22;
    // space and '!' make the test fire without a match), a backslash, a high bit. A base64 payload
    // has none of them, so the scan of its ~63 KB stays in this loop to its closing quote.
    for (; i + 16 <= to; i += 16) {
      if ((special((long) LONGS.get(b, i)) | special((long) LONGS.get(b, i + 8))) != 0) {
        break;
      }
    }
    for (; i + 8 <= to; i += 8) {
      if (special((long) LONGS.get(b, i)) != 0) {
        break;
      }
    }
    for (; i < to; i++) {
      byte c = b[i];
      if (c == '"' || c == '\\' || c < 0x20) { // bytes >= 0x80 are negative
        return i;
      }
    }
    return to;
  }

  private static boolean hasZero(long v) {
    return zeroByte(v) != 0;
  }

  /** Non-zero iff some byte of v is zero. */
  private static long zeroByte(long v) {
    return (v - ONES) & ~v & HIGH;
  }

  /**
   * Non-zero if some byte of v may end a plain string run: below 0x23 (exact for bytes below 0x80),
   * a backslash, or 0x80 and above.
   */
  private static long special(long v) {
    return ((v - ONES * 0x23) & ~v & HIGH) | zeroByte(v ^ (ONES * '\\')) | (v & HIGH);
  }
}
