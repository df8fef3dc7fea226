package dev.prio.core.crypto;

import java.util.Arrays;
import java.util.HexFormat;

/** A server's X25519 public key: 32 raw bytes, 64 hex characters (spec §2.1). */
public final class PublicKey {
  public static final int LENGTH = 32;
  private final byte[] raw;

  private PublicKey(byte[] raw) {
    this.raw = raw;
  }

  /** libprio's raw import: any 32 bytes. */
  public static PublicKey fromRaw(byte[] raw) {
    if (raw.length != LENGTH) {
      throw new IllegalArgumentException("public key must be 32 bytes");
    }
    return new PublicKey(raw.clone());
  }

  /** libprio's PublicKey_import_hex: exactly 64 characters of 0-9a-fA-F. */
  public static PublicKey fromHex(String hex) {
    return new PublicKey(decodeKey(hex, "public key"));
  }

  public byte[] raw() {
    return raw.clone();
  }

  /** Uppercase, as libprio's export writes it. */
  public String toHex() {
    return HexFormat.of().withUpperCase().formatHex(raw);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PublicKey other && Arrays.equals(raw, other.raw);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(raw);
  }

  @Override
  public String toString() {
    return "PublicKey[" + toHex() + "]";
  }

  /**
   * 32 bytes from exactly 64 hex digits, either case (libprio's *_import_hex rules), via the JDK's
   * HexFormat.
   */
  static byte[] decodeKey(String hex, String what) {
    if (hex == null || hex.length() != 64) {
      throw new IllegalArgumentException(what + " must be 64 hex characters");
    }
    try {
      return HexFormat.of().parseHex(hex);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " must be 64 hex characters");
    }
  }
}
