package dev.prio.core.codec;

import dev.prio.core.error.PrioException;
import dev.prio.core.error.RejectReason;
import dev.prio.core.field.Field;

/**
 * The msgpack subset libprio reads (prio/serial.c, spec §5.1), over untrusted bytes. Every declared
 * length is checked against the bytes that remain before anything is allocated or read.
 */
final class MsgpackReader {
  private final byte[] buf;
  private int pos;

  MsgpackReader(byte[] buf) {
    this.buf = buf;
  }

  /** A str object's body length; the body starts at {@link #position()}. */
  int readStrHeader() throws PrioException {
    int tag = u8();
    long len;
    if ((tag & 0xe0) == 0xa0) {
      len = tag & 0x1f;
    } else if (tag == 0xd9) {
      len = u8();
    } else if (tag == 0xda) {
      len = (u8() << 8) | u8();
    } else if (tag == 0xdb) {
      len = ((long) u8() << 24) | (u8() << 16) | (u8() << 8) | u8();
    } else {
      throw malformed("expected a msgpack str");
    }
    if (len > remaining()) {
      throw malformed("str length exceeds the packet");
    }
    return (int) len;
  }

  /**
   * An array header's element count, which cannot exceed the bytes left (each element ≥ 1 byte).
   */
  int readArrayHeader() throws PrioException {
    int tag = u8();
    long n;
    if ((tag & 0xf0) == 0x90) {
      n = tag & 0x0f;
    } else if (tag == 0xdc) {
      n = (u8() << 8) | u8();
    } else if (tag == 0xdd) {
      n = ((long) u8() << 24) | (u8() << 16) | (u8() << 8) | u8();
    } else {
      throw malformed("expected a msgpack array");
    }
    if (n > remaining()) {
      throw malformed("array length exceeds the packet");
    }
    return (int) n;
  }

  /**
   * A non-negative msgpack integer in any width (positive fixint, uint8..64, or a non-negative
   * int8..64).
   */
  long readNonNegativeInt() throws PrioException {
    int tag = u8();
    long v;
    if (tag <= 0x7f) {
      return tag;
    }
    switch (tag) {
      case 0xcc -> v = u8();
      case 0xcd -> v = readBigEndian(2);
      case 0xce -> v = readBigEndian(4);
      case 0xcf -> v = readBigEndian(8);
      case 0xd0 -> v = (byte) u8();
      case 0xd1 -> v = (short) readBigEndian(2);
      case 0xd2 -> v = (int) readBigEndian(4);
      case 0xd3 -> v = readBigEndian(8);
      default -> throw malformed("expected a msgpack integer");
    }
    if (v < 0) {
      throw malformed("expected a non-negative integer");
    }
    return v;
  }

  /**
   * An mp_int: a str holding big-endian unsigned bytes, value &lt; p. Leading zeros and the empty
   * body are accepted, as libprio accepts them.
   */
  void readFieldElement(long[] out, int i) throws PrioException {
    int len = readStrHeader();
    int end = pos + len;
    while (pos < end && buf[pos] == 0) {
      pos++;
    }
    if (end - pos > Field.ELEMENT_BYTES) {
      throw new PrioException(
          RejectReason.VALUE_OUT_OF_RANGE, "field element longer than 11 bytes");
    }
    long hi = 0, lo = 0;
    while (pos < end) {
      hi = (hi << 8) | (lo >>> 56);
      lo = (lo << 8) | (buf[pos++] & 0xff);
    }
    if (hi > 0x80_0000L || (hi == 0x80_0000L && Long.compareUnsigned(lo, 0x80001L) >= 0)) {
      throw new PrioException(
          RejectReason.VALUE_OUT_OF_RANGE, "field element not below the modulus");
    }
    out[2 * i] = lo;
    out[2 * i + 1] = hi;
  }

  byte[] readBytes(int len) {
    byte[] out = new byte[len];
    System.arraycopy(buf, pos, out, 0, len);
    pos += len;
    return out;
  }

  boolean regionEquals(byte[] expected, int len) {
    if (len != expected.length) {
      return false;
    }
    for (int k = 0; k < len; k++) {
      if (buf[pos + k] != expected[k]) {
        return false;
      }
    }
    return true;
  }

  void skip(int len) {
    pos += len;
  }

  int position() {
    return pos;
  }

  int remaining() {
    return buf.length - pos;
  }

  private long readBigEndian(int n) throws PrioException {
    long v = 0;
    for (int k = 0; k < n; k++) {
      v = (v << 8) | u8();
    }
    return v;
  }

  private int u8() throws PrioException {
    if (pos >= buf.length) {
      throw malformed("packet ends early");
    }
    return buf[pos++] & 0xff;
  }

  static PrioException malformed(String message) {
    return new PrioException(RejectReason.MALFORMED_PACKET, message);
  }
}
