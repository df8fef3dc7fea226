package dev.prio.core.crypto;

/** Strict, locale-free hex for keys (libprio's *_import_hex rules). */
final class Hex {
  private Hex() {}

  static byte[] decodeKey(String hex, String what) {
    if (hex == null || hex.length() != 64) {
      throw new IllegalArgumentException(what + " must be 64 hex characters");
    }
    byte[] out = new byte[32];
    for (int i = 0; i < 32; i++) {
      out[i] = (byte) ((nibble(hex.charAt(2 * i), what) << 4) | nibble(hex.charAt(2 * i + 1), what));
    }
    return out;
  }

  private static int nibble(char c, String what) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    throw new IllegalArgumentException(what + " must be 64 hex characters");
  }
}
