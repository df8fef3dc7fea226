package dev.prio.core.support;

import java.util.Arrays;
import java.util.Random;

/**
 * Small random edits of a valid packet (bit flips, msgpack-significant bytes, cuts, inserts) for
 * fuzzing.
 */
public final class Mutations {
  /**
   * Bytes that change msgpack's reading: headers of every width, nil, bin, ints, and the extremes.
   */
  private static final int[] INTERESTING = {
    0x00, 0x01, 0x7f, 0x80, 0x90, 0x9f, 0xa0, 0xab, 0xac, 0xbf, 0xc0, 0xc4, 0xcc, 0xcf, 0xd0, 0xd3,
    0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xff
  };

  private Mutations() {}

  /** One to three edits of a copy of {@code valid}. */
  public static byte[] mutate(Random rnd, byte[] valid) {
    byte[] b = valid.clone();
    for (int m = 1 + rnd.nextInt(3); m > 0 && b.length > 0; m--) {
      int i = rnd.nextInt(b.length);
      switch (rnd.nextInt(6)) {
        case 0 -> b[i] ^= (byte) (1 << rnd.nextInt(8));
        case 1 -> b[i] = (byte) INTERESTING[rnd.nextInt(INTERESTING.length)];
        case 2 -> b = Arrays.copyOf(b, i);
        case 3 -> {
          byte[] c = new byte[b.length - 1];
          System.arraycopy(b, 0, c, 0, i);
          System.arraycopy(b, i + 1, c, i, b.length - i - 1);
          b = c;
        }
        case 4 -> {
          byte[] c = new byte[b.length + 1];
          System.arraycopy(b, 0, c, 0, i);
          c[i] = (byte) INTERESTING[rnd.nextInt(INTERESTING.length)];
          System.arraycopy(b, i, c, i + 1, b.length - i);
          b = c;
        }
        default -> b[i] = (byte) rnd.nextInt(256);
      }
    }
    return b;
  }
}
