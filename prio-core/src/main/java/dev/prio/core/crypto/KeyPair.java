package dev.prio.core.crypto;

import java.security.SecureRandom;

/** A server key pair, in the JSON form prio-processor's {@code prio keygen} prints. */
public record KeyPair(PrivateKey privateKey, PublicKey publicKey) {
  public static KeyPair generate(SecureRandom random) {
    PrivateKey k = PrivateKey.generate(random);
    return new KeyPair(k, k.publicKey());
  }

  /**
   * {@code {"private_key": "<HEX>", "public_key": "<HEX>"}} exactly as Python's json.dumps writes
   * it.
   */
  public String toJson() {
    return "{\"private_key\": \""
        + privateKey.toHex()
        + "\", \"public_key\": \""
        + publicKey.toHex()
        + "\"}";
  }

  @Override
  public String toString() {
    return "KeyPair[public=" + publicKey.toHex() + "]";
  }
}
