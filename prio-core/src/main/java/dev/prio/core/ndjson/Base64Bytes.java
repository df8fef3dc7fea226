package dev.prio.core.ndjson;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * Standard base64 (RFC 4648, the JDK's basic decoder) decoded from a byte range eight characters at
 * a time. Server A decodes a ~63 KB payload per submission; the JDK 17 decoder's four-character
 * loop was 13 % of A's CPU in the profile of the pair (docs/benchmark-pair.md), more than anything
 * else outside prio-core's own protocol code.
 *
 * <p>The verdicts are the JDK decoder's own: everything but the last four-character unit is decoded
 * here, where a unit of alphabet characters is all there is to check, and that last unit, where
 * padding and short endings are decided, goes to {@link Base64#getDecoder()}. Units are independent
 * (four characters, three bytes), so this is the same split the JDK decoder makes, and a character
 * outside the alphabet before the last unit (a '=' included: data follows it) is an error for both.
 */
public final class Base64Bytes {
  private static final VarHandle LONGS_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONGS_BE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  /**
   * Two characters' twelve bits, indexed by the pair as read little-endian (first character in the
   * low byte); -1 where either is outside the alphabet, which sets the sign of whatever it is or-ed
   * into. 128 KiB, but a payload only touches the 64 × 64 alphabet pairs (~12 KiB of it): half the
   * lookups of a table per character, at the same cache footprint.
   */
  private static final short[] PAIRS = pairs();

  private Base64Bytes() {}

  /**
   * The bytes {@code src[from, from + len)} encode.
   *
   * @throws IllegalArgumentException when they are not base64, as the JDK decoder would throw
   */
  public static byte[] decode(byte[] src, int from, int len) {
    Objects.checkFromIndexSize(from, len, src.length);
    if (len == 0) {
      return new byte[0];
    }
    int units = (len - 1) / 4; // every unit but the last
    int lastFrom = from + units * 4;
    byte[] last = Base64.getDecoder().decode(Arrays.copyOfRange(src, lastFrom, from + len));
    byte[] out = new byte[units * 3 + last.length];
    if (decodeUnits(src, from, units, out) < 0) {
      throw new IllegalArgumentException("Illegal base64 character before the last unit");
    }
    System.arraycopy(last, 0, out, units * 3, last.length);
    return out;
  }

  /**
   * Decodes {@code units} full units from {@code src[sp]} into {@code out[0]}; negative if any
   * character was outside the alphabet (then {@code out} holds garbage). The verdict is or-ed up
   * and looked at once, at the end: a branch per unit costs more than the garbage.
   */
  private static int decodeUnits(byte[] src, int sp, int units, byte[] out) {
    short[] pairs = PAIRS;
    int bad = 0;
    int dp = 0;
    // Four units a turn: sixteen characters read as two words, each word's six bytes written as
    // one eight-byte word (its last two bytes are overwritten next), so the turns stop while the
    // last write still fits in out.
    int turns = Math.min(units / 4, (out.length - 2) / 12);
    for (int end = sp + turns * 16; sp < end; sp += 16, dp += 12) {
      long w = (long) LONGS_LE.get(src, sp);
      long x = (long) LONGS_LE.get(src, sp + 8);
      int u0 = unit(pairs, w);
      int u1 = unit(pairs, w >>> 32);
      int u2 = unit(pairs, x);
      int u3 = unit(pairs, x >>> 32);
      bad |= u0 | u1 | u2 | u3;
      LONGS_BE.set(out, dp, ((long) u0 << 40) | ((long) u1 << 16));
      LONGS_BE.set(out, dp + 6, ((long) u2 << 40) | ((long) u3 << 16));
    }
    for (int u = turns * 4; u < units; u++, sp += 4, dp += 3) {
      int v =
          (pairs[(src[sp] & 0xff) | (src[sp + 1] & 0xff) << 8] << 12)
              | pairs[(src[sp + 2] & 0xff) | (src[sp + 3] & 0xff) << 8];
      bad |= v;
      out[dp] = (byte) (v >> 16);
      out[dp + 1] = (byte) (v >> 8);
      out[dp + 2] = (byte) v;
    }
    return bad;
  }

  /** The unit in the low four bytes of {@code w}, first character lowest. */
  private static int unit(short[] pairs, long w) {
    return (pairs[(int) w & 0xffff] << 12) | pairs[(int) (w >>> 16) & 0xffff];
  }

  private static short[] pairs() {
    int[] six = new int[256];
    Arrays.fill(six, -1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < alphabet.length(); i++) {
      six[alphabet.charAt(i)] = i;
    }
    short[] t = new short[1 << 16];
    for (int first = 0; first < 256; first++) {
      for (int second = 0; second < 256; second++) {
        boolean ok = six[first] >= 0 && six[second] >= 0;
        t[first | second << 8] = (short) (ok ? six[first] << 6 | six[second] : -1);
      }
    }
    return t;
  }
}
