package dev.prio.server.signing;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.greenbytes.http.sfv.ByteSequenceItem;

/**
 * RFC 9530 {@code Content-Digest}: a Dictionary of algorithm to byte sequence, computed over the
 * exact content bytes (an empty body too). We send {@code sha-256}; the verifier requires it and
 * compares in constant time.
 */
public final class ContentDigest {
  public static final String HEADER = "Content-Digest";
  public static final String SHA_256 = "sha-256";
  public static final String SHA_512 = "sha-512";

  private ContentDigest() {}

  /** {@code sha-256=:<base64>:} for {@code body}. */
  public static String sha256(byte[] body) {
    return of(SHA_256, body);
  }

  /** The field value for one algorithm ({@code sha-256} or {@code sha-512}). */
  public static String of(String algorithm, byte[] body) {
    return Sfv.dictionary(algorithm, ByteSequenceItem.valueOf(digest(algorithm, body)));
  }

  /**
   * True if {@code headerValue} carries a {@code sha-256} member equal to the digest of {@code
   * body}. Any other member is ignored; a value without {@code sha-256}, or one that does not
   * parse, is false.
   */
  public static boolean matchesSha256(String headerValue, byte[] body) {
    return matchesSha256Digest(headerValue, body == null ? null : digest(SHA_256, body));
  }

  /** As {@link #matchesSha256}, given the body's SHA-256 already computed (while it was read). */
  public static boolean matchesSha256Digest(String headerValue, byte[] sha256) {
    if (headerValue == null || sha256 == null) {
      return false;
    }
    return Sfv.dictionary(headerValue)
        .map(d -> d.get(SHA_256))
        .filter(ByteSequenceItem.class::isInstance)
        .map(b -> MessageDigest.isEqual(Sfv.bytes((ByteSequenceItem) b), sha256))
        .orElse(false);
  }

  static byte[] digest(String algorithm, byte[] body) {
    String jca =
        switch (algorithm) {
          case SHA_256 -> "SHA-256";
          case SHA_512 -> "SHA-512";
          default ->
              throw new IllegalArgumentException("unsupported digest algorithm " + algorithm);
        };
    try {
      return MessageDigest.getInstance(jca).digest(body);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
