package dev.prio.core.ndjson;

import java.util.Arrays;

/**
 * One line being assembled from read buffers. Past the bound it stops keeping bytes (a line over
 * the bound is refused, never buffered whole) but keeps counting them, so the next line's offset
 * stays right.
 */
final class LineBuffer {
  private final int max;
  private byte[] bytes = new byte[4096];
  private long length;

  LineBuffer(int max) {
    this.max = max;
  }

  void append(byte[] buf, int from, int len) {
    long next = length + len;
    if (next <= max) {
      if (next > bytes.length) {
        bytes = Arrays.copyOf(bytes, (int) Math.min(max, Math.max(next, 2L * bytes.length)));
      }
      System.arraycopy(buf, from, bytes, (int) length, len);
    }
    length = next;
  }

  boolean tooLong() {
    return length > max;
  }

  long length() {
    return length;
  }

  /** The buffer itself (valid up to {@link #length()}); reused after {@link #reset()}. */
  byte[] bytes() {
    return bytes;
  }

  void reset() {
    length = 0;
  }
}
