package dev.prio.server.signing;

import dev.prio.core.crypto.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;

/**
 * Ed25519 key parsing and the raw sign / verify operations (BouncyCastle lightweight API).
 *
 * <p>Accepted encodings, for private and public keys alike (see docs/peer-auth.md):
 *
 * <ul>
 *   <li>{@code file:/path} — the value is read from that file (a mounted secret), then parsed as
 *       below;
 *   <li>PEM ({@code -----BEGIN PRIVATE KEY-----} PKCS#8, {@code -----BEGIN PUBLIC KEY-----} SPKI);
 *   <li>exactly 64 hex digits — the raw 32-byte key (private: the RFC 8032 seed);
 *   <li>base64 or base64url of the raw 32 bytes, of PKCS#8 / SPKI DER, or (private only) of the
 *       64-byte seed‖public form some tools emit.
 * </ul>
 *
 * Error messages never include the value.
 */
public final class Ed25519Keys {
  private static final Pattern HEX_32 = Pattern.compile("[0-9a-fA-F]{64}");

  private Ed25519Keys() {}

  /** A private signing key with the key id it is published under. Its toString is redacted. */
  public record SigningKey(String keyId, Ed25519PrivateKeyParameters privateKey) {
    public SigningKey {
      if (keyId == null || keyId.isBlank()) {
        throw new IllegalArgumentException("key id is required");
      }
    }

    public Ed25519PublicKeyParameters publicKey() {
      return privateKey.generatePublicKey();
    }

    public byte[] sign(byte[] message) {
      return Ed25519Keys.sign(privateKey, message);
    }

    @Override
    public String toString() {
      return "SigningKey[keyId=" + keyId + ", privateKey=redacted]";
    }
  }

  public static Ed25519PrivateKeyParameters parsePrivate(String text) {
    byte[] raw = decode(text, "private key");
    try {
      if (raw.length == Ed25519PrivateKeyParameters.KEY_SIZE) {
        return new Ed25519PrivateKeyParameters(raw, 0);
      }
      if (raw.length == 64) { // seed || public key
        Ed25519PrivateKeyParameters k = new Ed25519PrivateKeyParameters(raw, 0);
        byte[] pub = new byte[32];
        System.arraycopy(raw, 32, pub, 0, 32);
        if (!MessageDigest.isEqual(pub, k.generatePublicKey().getEncoded())) {
          throw new IllegalArgumentException(
              "private key: the 64-byte form's public half does not match its seed");
        }
        return k;
      }
      AsymmetricKeyParameter k = PrivateKeyFactory.createKey(raw);
      if (k instanceof Ed25519PrivateKeyParameters p) {
        return p;
      }
      throw new IllegalArgumentException("private key: not an Ed25519 key");
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException iae
          && iae.getMessage() != null
          && iae.getMessage().startsWith("private key")) {
        throw iae;
      }
      throw new IllegalArgumentException(
          "private key: not a PKCS#8, raw 32-byte or 64-byte Ed25519 key");
    }
  }

  public static Ed25519PublicKeyParameters parsePublic(String text) {
    byte[] raw = decode(text, "public key");
    try {
      if (raw.length == Ed25519PublicKeyParameters.KEY_SIZE) {
        return new Ed25519PublicKeyParameters(raw, 0);
      }
      AsymmetricKeyParameter k = PublicKeyFactory.createKey(raw);
      if (k instanceof Ed25519PublicKeyParameters p) {
        return p;
      }
      throw new IllegalArgumentException("public key: not an Ed25519 key");
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException iae
          && iae.getMessage() != null
          && iae.getMessage().startsWith("public key")) {
        throw iae;
      }
      throw new IllegalArgumentException("public key: not an SPKI or raw 32-byte Ed25519 key");
    }
  }

  /**
   * A key id derived from a public key, used when none is configured: {@code ed25519-} and the
   * first 16 hex digits of SHA-256 over the raw key.
   */
  public static String fingerprint(Ed25519PublicKeyParameters key) {
    return "ed25519-" + HexFormat.of().formatHex(Sha256.digest(key.getEncoded()), 0, 8);
  }

  public static byte[] sign(Ed25519PrivateKeyParameters key, byte[] message) {
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(true, key);
    signer.update(message, 0, message.length);
    return signer.generateSignature();
  }

  public static boolean verify(Ed25519PublicKeyParameters key, byte[] message, byte[] signature) {
    if (signature == null || signature.length != Ed25519PrivateKeyParameters.SIGNATURE_SIZE) {
      return false;
    }
    Ed25519Signer verifier = new Ed25519Signer();
    verifier.init(false, key);
    verifier.update(message, 0, message.length);
    return verifier.verifySignature(signature);
  }

  /** Reads a {@code file:} reference, if it is one; otherwise returns the text itself. */
  static String resolve(String text, String what) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(what + " is empty");
    }
    String t = text.trim();
    if (t.startsWith("file:")) {
      try {
        return Files.readString(Path.of(t.substring("file:".length())), StandardCharsets.UTF_8)
            .trim();
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException(
            what + ": cannot read the referenced file (" + e.getClass().getSimpleName() + ")");
      }
    }
    return t;
  }

  private static byte[] decode(String text, String what) {
    String t = resolve(text, what);
    if (t.startsWith("-----BEGIN")) {
      StringBuilder b64 = new StringBuilder();
      for (String line : t.split("\\R")) {
        String l = line.trim();
        if (!l.startsWith("-----") && !l.isEmpty()) {
          b64.append(l);
        }
      }
      t = b64.toString();
    }
    if (HEX_32.matcher(t).matches()) {
      return HexFormat.of().parseHex(t);
    }
    String compact = t.replaceAll("\\s+", "");
    try {
      if (compact.indexOf('-') >= 0 || compact.indexOf('_') >= 0) {
        return Base64.getUrlDecoder().decode(compact);
      }
      return Base64.getDecoder().decode(compact);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + ": neither 64 hex digits, PEM, nor base64");
    }
  }
}
