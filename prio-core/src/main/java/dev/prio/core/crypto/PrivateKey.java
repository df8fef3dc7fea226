package dev.prio.core.crypto;

import java.security.SecureRandom;
import java.util.HexFormat;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * A server's X25519 private scalar, 32 bytes as stored (clamping happens at use, spec §2.1). {@link
 * #toString()} never shows it.
 */
public final class PrivateKey {
  public static final int LENGTH = 32;
  private final byte[] raw;

  private PrivateKey(byte[] raw) {
    this.raw = raw;
  }

  public static PrivateKey fromRaw(byte[] raw) {
    if (raw.length != LENGTH) {
      throw new IllegalArgumentException("private key must be 32 bytes");
    }
    return new PrivateKey(raw.clone());
  }

  /** libprio's PrivateKey_import_hex (which also takes the public key; only the scalar is used). */
  public static PrivateKey fromHex(String hex) {
    return new PrivateKey(PublicKey.decodeKey(hex, "private key"));
  }

  public static PrivateKey generate(SecureRandom random) {
    byte[] k = new byte[LENGTH];
    X25519.generatePrivateKey(random, k);
    return new PrivateKey(k);
  }

  /** X25519(k, 9). */
  public PublicKey publicKey() {
    byte[] pub = new byte[PublicKey.LENGTH];
    X25519.scalarMultBase(raw, 0, pub, 0);
    return PublicKey.fromRaw(pub);
  }

  /** Uppercase hex, as libprio's export writes it; for key files only, never for logs. */
  public String toHex() {
    return HexFormat.of().withUpperCase().formatHex(raw);
  }

  byte[] scalar() {
    return raw;
  }

  @Override
  public String toString() {
    return "PrivateKey[redacted]";
  }
}
