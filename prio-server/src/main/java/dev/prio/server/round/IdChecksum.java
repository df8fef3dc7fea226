package dev.prio.server.round;

import dev.prio.core.crypto.Sha256;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * An order-independent checksum of a set of submission ids: the sum mod 2^128 of the first 16
 * bytes of SHA-256(id). Both servers build it in whatever order their chunks finish; equal sets
 * give equal sums.
 */
public final class IdChecksum {
  private static final BigInteger MOD = BigInteger.ONE.shiftLeft(128);
  private BigInteger sum = BigInteger.ZERO;

  public IdChecksum add(String id) {
    sum = sum.add(new BigInteger(1, prefix(id))).mod(MOD);
    return this;
  }

  public IdChecksum add(IdChecksum other) {
    sum = sum.add(other.sum).mod(MOD);
    return this;
  }

  public static IdChecksum parse(String hex) {
    IdChecksum c = new IdChecksum();
    c.sum = new BigInteger(hex, 16);
    return c;
  }

  public String hex() {
    return String.format("%032x", sum);
  }

  private static byte[] prefix(String id) {
    return java.util.Arrays.copyOf(Sha256.digest(id.getBytes(StandardCharsets.UTF_8)), 16);
  }
}
