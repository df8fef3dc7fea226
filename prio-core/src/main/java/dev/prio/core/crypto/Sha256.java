package dev.prio.core.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 without the checked exception every caller would otherwise wrap: every JDK has it (it is
 * one of the algorithms the platform must provide), so its absence is a broken runtime.
 */
public final class Sha256 {
  private Sha256() {}

  /** A fresh digest, for input fed in pieces or while streaming. */
  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
  }

  /** SHA-256 over the parts, in order. */
  public static byte[] digest(byte[]... parts) {
    MessageDigest d = newDigest();
    for (byte[] p : parts) {
      d.update(p);
    }
    return d.digest();
  }
}
