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
   * Each character's six bits, already shifted to their place in a unit's 24 bits, one table per
   * place; a character outside the alphabet is -1, which sets the sign of whatever it is or-ed
   * into.
   */
  private static final int[] AT_18 = table(18);

  private static final int[] AT_12 = table(12);
  private static final int[] AT_6 = table(6);
  private static final int[] AT_0 = table(0);

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
    int[] at18 = AT_18;
    int[] at12 = AT_12;
    int[] at6 = AT_6;
    int[] at0 = AT_0;
    int bad = 0;
    int dp = 0;
    // Four units a turn: sixteen characters read as two words, each word's six bytes written as
    // one eight-byte word (its last two bytes are overwritten next), so the turns stop while the
    // last write still fits in out.
    int turns = Math.min(units / 4, (out.length - 2) / 12);
    for (int end = sp + turns * 16; sp < end; sp += 16, dp += 12) {
      long w = (long) LONGS_LE.get(src, sp);
      long x = (long) LONGS_LE.get(src, sp + 8);
      int u0 = unit(at18, at12, at6, at0, w);
      int u1 = unit(at18, at12, at6, at0, w >>> 32);
      int u2 = unit(at18, at12, at6, at0, x);
      int u3 = unit(at18, at12, at6, at0, x >>> 32);
      bad |= u0 | u1 | u2 | u3;
      LONGS_BE.set(out, dp, ((long) u0 << 40) | ((long) u1 << 16));
      LONGS_BE.set(out, dp + 6, ((long) u2 << 40) | ((long) u3 << 16));
    }
    for (int u = turns * 4; u < units; u++, sp += 4, dp += 3) {
      int v = at18[src[sp] & 0xff] | at12[src[sp + 1] & 0xff] | at6[src[sp + 2] & 0xff];
      v |= at0[src[sp + 3] & 0xff];
      bad |= v;
      out[dp] = (byte) (v >> 16);
      out[dp + 1] = (byte) (v >> 8);
      out[dp + 2] = (byte) v;
    }
    return bad;
  }

  /** The unit in the low four bytes of {@code w}, first character lowest. */
  private static int unit(int[] at18, int[] at12, int[] at6, int[] at0, long w) {
    return at18[(int) w & 0xff]
        | at12[(int) (w >>> 8) & 0xff]
        | at6[(int) (w >>> 16) & 0xff]
        | at0[(int) (w >>> 24) & 0xff];
  }

  private static int[] table(int shift) {
    int[] t = new int[256];
    Arrays.fill(t, -1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < alphabet.length(); i++) {
      t[alphabet.charAt(i)] = i << shift;
    }
    return t;
  }
}
