package dev.prio.server.settings;

import dev.prio.core.crypto.PrivateKey;
import dev.prio.core.crypto.PublicKey;
import dev.prio.core.crypto.Sha256;
import dev.prio.core.crypto.SharedSeed;
import dev.prio.core.packet.ServerId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The parsed key material. The fingerprints let the two servers confirm in the handshake that they
 * hold the same public keys and shared seed without sending either secret.
 */
public record ServerKeys(
    ServerId role,
    PrivateKey privateKey,
    PublicKey publicKeyA,
    PublicKey publicKeyB,
    SharedSeed sharedSeed) {

  public static ServerKeys from(ServerId role, PrioProperties.Keys keys) {
    PrivateKey privateKey =
        parse("prio.keys.private-key-hex", keys.privateKeyHex(), HEX_KEY, PrivateKey::fromHex);
    PublicKey internal =
        parse(
            "prio.keys.public-key-hex-internal",
            keys.publicKeyHexInternal(),
            HEX_KEY,
            PublicKey::fromHex);
    PublicKey external =
        parse(
            "prio.keys.public-key-hex-external",
            keys.publicKeyHexExternal(),
            HEX_KEY,
            PublicKey::fromHex);
    if (!privateKey.publicKey().equals(internal)) {
      throw new InvalidConfigurationException(
          "prio.keys.public-key-hex-internal",
          "is not the public key of PRIVATE_KEY_HEX",
          "the public_key prio keygen printed beside this server's private_key");
    }
    SharedSeed seed =
        parse(
            "prio.keys.shared-secret",
            keys.sharedSecret(),
            "standard base64 of 16 bytes (prio shared-seed)",
            SharedSeed::fromBase64);
    return role == ServerId.A
        ? new ServerKeys(role, privateKey, internal, external, seed)
        : new ServerKeys(role, privateKey, external, internal, seed);
  }

  private static final String HEX_KEY = "64 hex digits (prio keygen)";

  /** Parses one secret; a failure names the property and what it accepts, never the value. */
  private static <T> T parse(
      String property,
      String value,
      String allowed,
      java.util.function.Function<String, T> parser) {
    if (value == null || value.isBlank()) {
      throw new InvalidConfigurationException(property, "is not set", allowed);
    }
    try {
      return parser.apply(value.trim());
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigurationException(
          property, "does not parse (" + e.getMessage() + ")", allowed);
    }
  }

  /** SHA-256 over both public keys, A's first. */
  public String keyFingerprint() {
    return sha256("prio-keys", publicKeyA.raw(), publicKeyB.raw());
  }

  /** SHA-256 of the shared seed under a domain label: identifies it, reveals nothing usable. */
  public String seedFingerprint() {
    return sha256("prio-shared-seed", sharedSeed.raw());
  }

  /**
   * The key that seals this server's stored state: derived from its private key under a domain
   * label, so only this server can write state it will trust, and nothing about the key leaks.
   */
  public byte[] stateMacKey() {
    return HexFormat.of()
        .parseHex(sha256("prio-state-mac-v1", HexFormat.of().parseHex(privateKey.toHex())));
  }

  private static String sha256(String label, byte[]... parts) {
    MessageDigest d = Sha256.newDigest();
    d.update(label.getBytes(StandardCharsets.US_ASCII));
    for (byte[] p : parts) {
      d.update(p);
    }
    return HexFormat.of().formatHex(d.digest());
  }

  @Override
  public String toString() {
    return "ServerKeys["
        + role
        + ", public A="
        + publicKeyA.toHex()
        + ", public B="
        + publicKeyB.toHex()
        + "]";
  }
}
