package dev.prio.core.codec;

import java.util.Arrays;

/** msgpack-c's canonical (smallest) encodings for the objects libprio writes (spec §5.1). */
final class MsgpackWriter {
  private byte[] buf;
  private int len;

  MsgpackWriter(int capacity) {
    buf = new byte[Math.max(16, capacity)];
  }

  static int strHeaderLength(int n) {
    return n < 32 ? 1 : n < 256 ? 2 : n < 65536 ? 3 : 5;
  }

  static int arrayHeaderLength(int n) {
    return n < 16 ? 1 : n < 65536 ? 3 : 5;
  }

  void writeStrHeader(int n) {
    if (n < 32) {
      u8(0xa0 | n);
    } else if (n < 256) {
      u8(0xd9);
      u8(n);
    } else if (n < 65536) {
      u8(0xda);
      u16(n);
    } else {
      u8(0xdb);
      u32(n);
    }
  }

  void writeStr(byte[] body) {
    writeStrHeader(body.length);
    ensure(body.length);
    System.arraycopy(body, 0, buf, len, body.length);
    len += body.length;
  }

  void writeArrayHeader(int n) {
    if (n < 16) {
      u8(0x90 | n);
    } else if (n < 65536) {
      u8(0xdc);
      u16(n);
    } else {
      u8(0xdd);
      u32(n);
    }
  }

  /** Server index or total-share index: 0 or 1, a positive fixint. */
  void writeSmallInt(int v) {
    if (v < 0 || v > 0x7f) {
      throw new IllegalArgumentException("only positive fixints are written");
    }
    u8(v);
  }

  /** mp_int: str of the minimal big-endian bytes; zero is the single byte 00. */
  void writeFieldElement(long[] v, int i) {
    long lo = v[2 * i], hi = v[2 * i + 1];
    int bytes;
    if (hi != 0) {
      bytes = 8 + (64 - Long.numberOfLeadingZeros(hi) + 7) / 8;
    } else {
      bytes = Math.max(1, (64 - Long.numberOfLeadingZeros(lo) + 7) / 8);
    }
    u8(0xa0 | bytes);
    ensure(bytes);
    for (int k = bytes - 1; k >= 0; k--) {
      buf[len++] = (byte) (k >= 8 ? hi >>> (8 * (k - 8)) : lo >>> (8 * k));
    }
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, len);
  }

  private void u8(int b) {
    ensure(1);
    buf[len++] = (byte) b;
  }

  private void u16(int v) {
    u8(v >>> 8);
    u8(v);
  }

  private void u32(int v) {
    u16(v >>> 16);
    u16(v);
  }

  private void ensure(int more) {
    if (len + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
  }
}
