package dev.prio.server.signing;

import dev.prio.core.crypto.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * A peer message body read from an untrusted stream: at most {@code limit} bytes are ever buffered,
 * and its SHA-256 (for the {@code Content-Digest} check) is computed while reading. Whatever lies
 * beyond the limit is left unread for the caller to drop with the connection.
 *
 * <p>The default limit is derived from the largest legitimate round (see {@link #derivedLimit}).
 */
public record BoundedBody(byte[] bytes, byte[] sha256) {
  /** Floor of the derived limit (also the limit of the constructors that take none). */
  public static final long MIN_LIMIT = 4L << 20;

  /**
   * Upper bound of one item of a verify1/verify2 message: a 200-char id JSON-escaped (6 bytes a
   * char), a base64 packet of two field elements, a reject label, the punctuation.
   */
  static final long ITEM_BYTES = 2048;

  /**
   * Upper bound per n_data element of a total or publish body: a base64 total share (~18 bytes)
   * plus a sum in the published record (≤ 21).
   */
  static final long ELEMENT_BYTES = 64;

  /** Handshake fields, funnel counts, the record's metadata. */
  static final long FIXED_BYTES = 64L << 10;

  /**
   * The largest body a peer may send: twice the largest legitimate round plus a fixed allowance,
   * never below {@link #MIN_LIMIT}. A verify round carries one small packet per submission of a
   * chunk ({@code chunkSize × ITEM_BYTES}; no share crosses the link, so n_data does not enter);
   * the total and publish rounds carry n_data field elements ({@code nData × ELEMENT_BYTES}).
   */
  public static long derivedLimit(int chunkSize, int maxNData) {
    long verify = (long) Math.max(1, chunkSize) * ITEM_BYTES;
    long total = (long) Math.max(1, maxNData) * ELEMENT_BYTES;
    return Math.max(MIN_LIMIT, 2 * Math.max(verify, total) + FIXED_BYTES);
  }

  /**
   * Reads the stream to its end, or returns null as soon as more than {@code limit} bytes have
   * arrived (the rest is not read). Never allocates more than the bytes actually received, capped.
   */
  public static BoundedBody read(InputStream in, long limit) throws IOException {
    MessageDigest sha = newSha256();
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    byte[] buf = new byte[8192];
    long total = 0;
    int n;
    while ((n = in.read(buf)) != -1) {
      total += n;
      if (total > limit) {
        return null;
      }
      sha.update(buf, 0, n);
      out.write(buf, 0, n);
    }
    return new BoundedBody(out.toByteArray(), sha.digest());
  }

  static MessageDigest newSha256() {
    return Sha256.newDigest();
  }
}
