package dev.prio.core.prg;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/** How a 16-byte seed becomes the PRG's AES-128 key (spec §4.1). Both servers must agree. */
public enum PrgKeyMode {
  /** The seed itself: libprio ≤ 1.6, including 1.5 as vendored by Firefox, and the CLI fixture. */
  LEGACY,
  /** SHA-256(seed ‖ batch id)[0:16]: libprio HEAD from commit 80647f4 (2020-07-27). */
  HASHED;

  /** The AES key for this mode; the result is a fresh array the caller may wipe. */
  public byte[] aesKey(byte[] seed, byte[] batchId) {
    if (seed.length != Prg.SEED_LENGTH) {
      throw new IllegalArgumentException("PRG seed must be 16 bytes");
    }
    if (this == LEGACY) {
      return seed.clone();
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(seed);
      sha.update(batchId);
      return Arrays.copyOf(sha.digest(), Prg.SEED_LENGTH);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }
}
