package dev.prio.server.round;

import dev.prio.core.crypto.Sha256;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * An order-independent checksum of a set of submission ids: the sum mod 2^128 of the first 16 bytes
 * of SHA-256(id), read big-endian. Both servers build it in whatever order their chunks finish;
 * equal sets give equal sums. Kept as two longs with a carry, since the scan adds one per
 * submission.
 */
public final class IdChecksum {
  private long hi;
  private long lo;

  public IdChecksum add(String id) {
    IdHash h = IdHash.of(id);
    return add(h.hi(), h.lo());
  }

  /** Adds a 128-bit id hash given as its two big-endian halves. */
  public IdChecksum add(long hashHi, long hashLo) {
    long sum = lo + hashLo;
    hi += hashHi + (Long.compareUnsigned(sum, lo) < 0 ? 1 : 0);
    lo = sum;
    return this;
  }

  public IdChecksum add(IdChecksum other) {
    return add(other.hi, other.lo);
  }

  public static IdChecksum parse(String hex) {
    BigInteger v = new BigInteger(hex, 16);
    IdChecksum c = new IdChecksum();
    c.lo = v.longValue();
    c.hi = v.shiftRight(64).longValue();
    return c;
  }

  public String hex() {
    return String.format("%016x%016x", hi, lo);
  }

  /**
   * The first 16 bytes of SHA-256 of an id: what both the checksum and the spill partitions use.
   */
  public record IdHash(long hi, long lo) {
    private static final ThreadLocal<MessageDigest> SHA256 =
        ThreadLocal.withInitial(Sha256::newDigest);

    public static IdHash of(String id) {
      byte[] d = SHA256.get().digest(id.getBytes(StandardCharsets.UTF_8));
      return new IdHash(be(d, 0), be(d, 8));
    }

    private static long be(byte[] b, int at) {
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = v << 8 | (b[at + i] & 0xff);
      }
      return v;
    }
  }
}
