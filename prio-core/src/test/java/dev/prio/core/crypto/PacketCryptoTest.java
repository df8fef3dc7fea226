package dev.prio.core.crypto;

import static dev.prio.core.support.AnnotatedHex.hex;
import static dev.prio.core.support.AnnotatedHex.toHex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prio.core.codec.ClientPacketCodec;
import dev.prio.core.error.PrioException;
import dev.prio.core.error.RejectReason;
import dev.prio.core.packet.BeaverTriple;
import dev.prio.core.packet.ClientPacketA;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import dev.prio.core.support.AnnotatedHex;
import dev.prio.core.support.Fixture;
import dev.prio.core.support.FixturePlaintexts;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link PacketCrypto} against spec §3: the worked example, round trips, and each decrypt failure.
 */
class PacketCryptoTest {
  static final PrivateKey KEY_A = Fixture.SET.privateKey(ServerId.A);
  static final PrivateKey KEY_B = Fixture.SET.privateKey(ServerId.B);
  static final PrioConfig CONFIG = Fixture.SET.config();
  static final int MAX_A = CONFIG.maxPlaintextLength(ServerId.A);

  static byte[] row1A() {
    return Fixture.ciphertexts(ServerId.A).get(0);
  }

  /** X25519 with the JDK's XDH, independent of the BouncyCastle code under test. */
  static byte[] jdkX25519(byte[] scalar, byte[] u) throws Exception {
    KeyFactory kf = KeyFactory.getInstance("XDH");
    KeyAgreement ka = KeyAgreement.getInstance("XDH");
    ka.init(kf.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, scalar)));
    byte[] le = u.clone();
    le[31] &= 0x7f; // RFC 7748: the top bit of u is ignored
    byte[] be = new byte[32];
    for (int i = 0; i < 32; i++) {
      be[i] = le[31 - i];
    }
    ka.doPhase(
        kf.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, new BigInteger(1, be))),
        true);
    return ka.generateSecret();
  }

  @Test
  void workedExampleFixtureRow1ServerA() throws Exception {
    byte[] ct = row1A();
    assertThat(ct).hasSize(296);
    byte[] e = Arrays.copyOfRange(ct, 0, 32);
    byte[] nonce = Arrays.copyOfRange(ct, 32, 44);
    byte[] tag = Arrays.copyOfRange(ct, 280, 296);
    assertThat(toHex(e))
        .isEqualTo("dae9f8aca182161c36fc2027b5b5be246622705d4f9b6bffa964d241b393095e");
    assertThat(toHex(nonce)).isEqualTo("760da47bbb56d0d799b2fd41");
    assertThat(toHex(tag)).isEqualTo("c2a06191bc6186c5b0b0fa7c465dac5c");

    byte[] z = jdkX25519(KEY_A.scalar(), e);
    assertThat(toHex(z))
        .isEqualTo("59adc37ce63f0ce6cf2465fb3c7970f3e007899e344f3151ee423bd280659629");
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    sha.update(z);
    sha.update(new byte[] {0, 0, 0, 1});
    byte[] k = Arrays.copyOf(sha.digest(), 16);
    assertThat(toHex(k)).isEqualTo("88c191711af55fa30f92a76d9e73debf");

    // Independent GCM decryption with AAD "PrioPacket" ‖ E ‖ nonce gives what PacketCrypto gives.
    Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
    gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(k, "AES"), new GCMParameterSpec(128, nonce));
    gcm.updateAAD("PrioPacket".getBytes(StandardCharsets.US_ASCII));
    gcm.updateAAD(e);
    gcm.updateAAD(nonce);
    byte[] expected = gcm.doFinal(ct, 44, ct.length - 44);

    byte[] plaintext = PacketCrypto.decrypt(KEY_A, ct, MAX_A);
    assertThat(plaintext).hasSize(236).containsExactly(expected);
    // Byte by byte as spec §5.2's table: batch "test", triple a = 1b5fa99d…, …, h_points[7].
    assertThat(toHex(plaintext)).isEqualTo(toHex(AnnotatedHex.parse(FixturePlaintexts.ROW1_A)));
  }

  @Test
  void fixtureRow1ServerBDecryptsToTheSpecBytes() throws Exception {
    byte[] ct = Fixture.ciphertexts(ServerId.B).get(0);
    assertThat(ct).hasSize(155);
    byte[] plaintext = PacketCrypto.decrypt(KEY_B, ct, CONFIG.maxPlaintextLength(ServerId.B));
    assertThat(toHex(plaintext)).isEqualTo(toHex(AnnotatedHex.parse(FixturePlaintexts.ROW1_B)));
  }

  @Test
  void everyFixtureCiphertextDecrypts() throws Exception {
    for (ServerId s : ServerId.values()) {
      for (byte[] ct : Fixture.ciphertexts(s)) {
        byte[] pt =
            PacketCrypto.decrypt(Fixture.SET.privateKey(s), ct, CONFIG.maxPlaintextLength(s));
        assertThat(pt).hasSize(ct.length - PacketCrypto.OVERHEAD);
      }
    }
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 1, 15, 16, 17, 95, 236, 4096, 50_000})
  void encryptThenDecryptRoundTrips(int length) throws Exception {
    SecureRandom random = seeded(length);
    byte[] m = new byte[length];
    new Random(length).nextBytes(m);
    byte[] ct = PacketCrypto.encrypt(KEY_A.publicKey(), m, random);
    assertThat(ct).hasSize(PacketCrypto.OVERHEAD + length);
    assertThat(PacketCrypto.decrypt(KEY_A, ct, length)).containsExactly(m);
  }

  @Test
  void eachEncryptionUsesAFreshEphemeralKeyAndNonce() {
    SecureRandom random = seeded(1);
    byte[] m = new byte[10];
    byte[] c1 = PacketCrypto.encrypt(KEY_A.publicKey(), m, random);
    byte[] c2 = PacketCrypto.encrypt(KEY_A.publicKey(), m, random);
    assertThat(Arrays.copyOfRange(c1, 0, 32)).isNotEqualTo(Arrays.copyOfRange(c2, 0, 32));
    assertThat(Arrays.copyOfRange(c1, 32, 44)).isNotEqualTo(Arrays.copyOfRange(c2, 32, 44));
  }

  /** A ciphertext built by the JDK from spec §3.1 alone decrypts with PacketCrypto. */
  @Test
  void independentlyBuiltCiphertextDecrypts() throws Exception {
    byte[] eph = new byte[32];
    new Random(42).nextBytes(eph);
    byte[] nine = new byte[32];
    nine[0] = 9;
    byte[] bigE = jdkX25519(eph, nine);
    byte[] z = jdkX25519(eph, KEY_B.publicKey().raw());
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    sha.update(z);
    sha.update(new byte[] {0, 0, 0, 1});
    byte[] k = Arrays.copyOf(sha.digest(), 16);
    byte[] nonce = hex("000102030405060708090a0b");
    Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
    gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(k, "AES"), new GCMParameterSpec(128, nonce));
    gcm.updateAAD("PrioPacket".getBytes(StandardCharsets.US_ASCII));
    gcm.updateAAD(bigE);
    gcm.updateAAD(nonce);
    byte[] m = AnnotatedHex.parse(FixturePlaintexts.ROW1_B);
    byte[] body = gcm.doFinal(m);
    byte[] ct = new byte[44 + body.length];
    System.arraycopy(bigE, 0, ct, 0, 32);
    System.arraycopy(nonce, 0, ct, 32, 12);
    System.arraycopy(body, 0, ct, 44, body.length);
    assertThat(PacketCrypto.decrypt(KEY_B, ct, 95)).containsExactly(m);
  }

  // ---- decrypt failures, one test each ----

  static RejectReason reject(PrivateKey key, byte[] ct, int max) {
    try {
      PacketCrypto.decrypt(key, ct, max);
    } catch (PrioException e) {
      return e.reason();
    }
    throw new AssertionError("decrypt accepted the ciphertext");
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 1, 32, 44, 59})
  void tooShort(int length) {
    assertThat(reject(KEY_A, Arrays.copyOf(row1A(), length), MAX_A))
        .isEqualTo(RejectReason.CIPHERTEXT_TOO_SHORT);
  }

  @Test
  void sixtyBytesIsNotTooShortButDoesNotAuthenticate() {
    assertThat(reject(KEY_A, Arrays.copyOf(row1A(), 60), MAX_A))
        .isEqualTo(RejectReason.DECRYPT_FAILED);
  }

  @Test
  void tooLongForTheBatch() {
    byte[] ct = Arrays.copyOf(row1A(), MAX_A + PacketCrypto.OVERHEAD + 1);
    assertThat(reject(KEY_A, ct, MAX_A)).isEqualTo(RejectReason.CIPHERTEXT_TOO_LONG);
    // B's limit is much smaller: A's packet is too long for B.
    assertThat(reject(KEY_B, row1A(), CONFIG.maxPlaintextLength(ServerId.B)))
        .isEqualTo(RejectReason.CIPHERTEXT_TOO_LONG);
  }

  @Test
  void exactlyTheLargestPacketIsAccepted() throws Exception {
    byte[] m = new byte[MAX_A];
    byte[] ct = PacketCrypto.encrypt(KEY_A.publicKey(), m, seeded(3));
    assertThat(PacketCrypto.decrypt(KEY_A, ct, MAX_A)).containsExactly(m);
    assertThat(reject(KEY_A, ct, MAX_A - 1)).isEqualTo(RejectReason.CIPHERTEXT_TOO_LONG);
  }

  @Test
  void theHonestA2046PacketFitsItsLimit() {
    PrioConfig big = PrioConfig.of(2046, "content.blocking_blocked_TESTONLY-0");
    assertThat(big.maxPlaintextLength(ServerId.A)).isEqualTo(49244); // spec §9
    assertThat(big.maxPlaintextLength(ServerId.B))
        .isEqualTo(127); // Firefox B ciphertexts are 187 = 60 + 127
  }

  @ParameterizedTest(name = "tag byte {0}")
  @ValueSource(ints = {0, 7, 15})
  void flippedTagByte(int i) {
    byte[] ct = row1A();
    ct[ct.length - 16 + i] ^= 0x01;
    assertThat(reject(KEY_A, ct, MAX_A)).isEqualTo(RejectReason.DECRYPT_FAILED);
  }

  @ParameterizedTest(name = "ciphertext byte {0}")
  @ValueSource(ints = {0, 77, 235})
  void flippedCiphertextByte(int i) {
    byte[] ct = row1A();
    ct[44 + i] ^= (byte) 0x80;
    assertThat(reject(KEY_A, ct, MAX_A)).isEqualTo(RejectReason.DECRYPT_FAILED);
  }

  @ParameterizedTest(name = "nonce byte {0}")
  @ValueSource(ints = {0, 5, 11})
  void flippedNonce(int i) {
    byte[] ct = row1A();
    ct[32 + i] ^= 0x01;
    assertThat(reject(KEY_A, ct, MAX_A)).isEqualTo(RejectReason.DECRYPT_FAILED);
  }

  @ParameterizedTest(name = "ephemeral byte {0}")
  @ValueSource(ints = {0, 16, 30})
  void flippedEphemeralKey(int i) {
    byte[] ct = row1A();
    ct[i] ^= 0x01;
    assertThat(reject(KEY_A, ct, MAX_A)).isEqualTo(RejectReason.DECRYPT_FAILED);
  }

  /** The ephemeral key's ignored top bit: libprio/NSS and Java mask it, so only the AAD differs. */
  @Test
  void ephemeralTopBitIsPartOfTheAad() {
    byte[] ct = row1A();
    ct[31] ^= (byte) 0x80;
    assertThat(reject(KEY_A, ct, MAX_A)).isEqualTo(RejectReason.DECRYPT_FAILED);
  }

  /**
   * Small-order u-coordinates (libsodium's blocklist), little-endian; X25519 with them gives Z = 0.
   */
  @ParameterizedTest(name = "E = {0}")
  @ValueSource(
      strings = {
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
        "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "0000000000000000000000000000000000000000000000000000000000000080",
        "cdeb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b880"
      })
  void lowOrderOrAllZeroEphemeralPoint(String eHex) {
    byte[] ct = row1A();
    System.arraycopy(hex(eHex), 0, ct, 0, 32);
    assertThat(reject(KEY_A, ct, MAX_A)).isEqualTo(RejectReason.DECRYPT_FAILED);
  }

  @Test
  void wrongPrivateKey() {
    assertThat(reject(KEY_B, row1A(), MAX_A)).isEqualTo(RejectReason.DECRYPT_FAILED);
    assertThat(reject(PrivateKey.generate(seeded(9)), row1A(), MAX_A))
        .isEqualTo(RejectReason.DECRYPT_FAILED);
  }

  @Test
  void encryptingToALowOrderKeyIsRefused() {
    PublicKey zero = PublicKey.fromRaw(new byte[32]);
    assertThatThrownBy(() -> PacketCrypto.encrypt(zero, new byte[1], seeded(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fuzzedCiphertextsOnlyEverGivePrioException() {
    Random rnd = new Random(2024);
    byte[] valid = row1A();
    for (int k = 0; k < 2000; k++) {
      byte[] ct = k % 2 == 0 ? new byte[rnd.nextInt(400)] : valid.clone();
      if (k % 2 == 0) {
        rnd.nextBytes(ct);
      } else {
        for (int m = 1 + rnd.nextInt(4); m > 0; m--) {
          ct[rnd.nextInt(ct.length)] ^= (byte) (1 + rnd.nextInt(255));
        }
      }
      try {
        PacketCrypto.decrypt(KEY_A, ct, MAX_A);
      } catch (PrioException expected) {
        assertThat(expected.reason())
            .isIn(
                RejectReason.CIPHERTEXT_TOO_SHORT,
                RejectReason.CIPHERTEXT_TOO_LONG,
                RejectReason.DECRYPT_FAILED);
      }
    }
  }

  @Test
  void decryptedPlaintextParsesAsTheSpecTriple() throws Exception {
    ClientPacketA a =
        (ClientPacketA)
            ClientPacketCodec.read(CONFIG, ServerId.A, PacketCrypto.decrypt(KEY_A, row1A(), MAX_A));
    BeaverTriple t = a.triple();
    assertThat(t.a().toBigInteger().toString(16)).isEqualTo("1b5fa99da61a3475c8dee2");
    assertThat(t.b().toBigInteger().toString(16)).isEqualTo("96bacdb310336a3f4893e");
    assertThat(t.c().toBigInteger().toString(16)).isEqualTo("ecbe344ad57d1594d7a6c");
  }

  static SecureRandom seeded(long seed) {
    try {
      SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
      r.setSeed(seed);
      return r;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
