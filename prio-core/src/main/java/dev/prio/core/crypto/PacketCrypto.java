package dev.prio.core.crypto;

import dev.prio.core.error.PrioException;
import dev.prio.core.error.RejectReason;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * libprio's hashed ElGamal (prio/encrypt.c, spec §3): X25519 with a fresh ephemeral key, the X9.63
 * SHA-256 KDF with counter 1, AES-128-GCM with AAD "PrioPacket" ‖ E ‖ nonce. Layout: E (32) ‖ nonce
 * (12) ‖ ciphertext ‖ tag (16).
 */
public final class PacketCrypto {
  public static final int OVERHEAD = 60;

  /** MAX_ENCRYPT_LEN = INT_MAX >> 3: libprio refuses messages of this length or more. */
  public static final int MAX_MESSAGE_LENGTH = Integer.MAX_VALUE >> 3;

  private static final int KEY_LEN = 32;
  private static final int NONCE_LEN = 12;
  private static final int TAG_BITS = 128;
  private static final byte[] AAD_PREFIX = "PrioPacket".getBytes(StandardCharsets.US_ASCII);

  private PacketCrypto() {}

  public static byte[] encrypt(PublicKey recipient, byte[] plaintext, SecureRandom random) {
    if (plaintext.length >= MAX_MESSAGE_LENGTH) {
      throw new IllegalArgumentException("plaintext too long to encrypt");
    }
    byte[] ephemeral = new byte[KEY_LEN];
    X25519.generatePrivateKey(random, ephemeral);
    byte[] out = new byte[OVERHEAD + plaintext.length];
    X25519.scalarMultBase(ephemeral, 0, out, 0);
    byte[] nonce = new byte[NONCE_LEN];
    random.nextBytes(nonce);
    System.arraycopy(nonce, 0, out, KEY_LEN, NONCE_LEN);
    byte[] shared = new byte[KEY_LEN];
    if (!X25519.calculateAgreement(ephemeral, 0, recipient.raw(), 0, shared, 0)) {
      throw new IllegalArgumentException("recipient public key is a low-order point");
    }
    Arrays.fill(ephemeral, (byte) 0);
    try {
      Cipher gcm = gcm(Cipher.ENCRYPT_MODE, shared, out, nonce);
      gcm.doFinal(plaintext, 0, plaintext.length, out, KEY_LEN + NONCE_LEN);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is required of every JDK", e);
    }
  }

  /**
   * Decrypts a client share. {@code maxMessageLength} is the largest plaintext this batch can have:
   * longer inputs are refused before any public-key work (spec §9).
   */
  public static byte[] decrypt(PrivateKey key, byte[] ciphertext, int maxMessageLength)
      throws PrioException {
    if (ciphertext.length < OVERHEAD) {
      throw new PrioException(
          RejectReason.CIPHERTEXT_TOO_SHORT, "ciphertext shorter than 60 bytes");
    }
    int messageLength = ciphertext.length - OVERHEAD;
    if (messageLength >= MAX_MESSAGE_LENGTH || messageLength > maxMessageLength) {
      throw new PrioException(
          RejectReason.CIPHERTEXT_TOO_LONG, "ciphertext longer than this batch allows");
    }
    byte[] shared = new byte[KEY_LEN];
    if (!X25519.calculateAgreement(key.scalar(), 0, ciphertext, 0, shared, 0)) {
      throw new PrioException(RejectReason.DECRYPT_FAILED, "ephemeral key is a low-order point");
    }
    byte[] nonce = Arrays.copyOfRange(ciphertext, KEY_LEN, KEY_LEN + NONCE_LEN);
    try {
      Cipher gcm = gcm(Cipher.DECRYPT_MODE, shared, ciphertext, nonce);
      return gcm.doFinal(ciphertext, KEY_LEN + NONCE_LEN, ciphertext.length - KEY_LEN - NONCE_LEN);
    } catch (AEADBadTagException e) {
      throw new PrioException(RejectReason.DECRYPT_FAILED, "authentication tag does not verify");
    } catch (GeneralSecurityException e) {
      throw new PrioException(RejectReason.DECRYPT_FAILED, "share does not decrypt");
    }
  }

  /** K = SHA-256(Z ‖ 00000001)[0:16]; AAD = "PrioPacket" ‖ E ‖ nonce taken from the envelope. */
  private static Cipher gcm(int mode, byte[] shared, byte[] envelope, byte[] nonce)
      throws GeneralSecurityException {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    sha.update(shared);
    sha.update(new byte[] {0, 0, 0, 1});
    byte[] digest = sha.digest();
    Arrays.fill(shared, (byte) 0);
    SecretKeySpec aesKey = new SecretKeySpec(digest, 0, 16, "AES");
    Arrays.fill(digest, (byte) 0);
    Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
    gcm.init(mode, aesKey, new GCMParameterSpec(TAG_BITS, nonce));
    gcm.updateAAD(AAD_PREFIX);
    gcm.updateAAD(envelope, 0, KEY_LEN);
    gcm.updateAAD(nonce);
    return gcm;
  }
}
