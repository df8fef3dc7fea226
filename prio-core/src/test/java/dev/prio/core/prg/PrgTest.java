package dev.prio.core.prg;

import static dev.prio.core.support.AnnotatedHex.hex;
import static dev.prio.core.support.AnnotatedHex.toHex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prio.core.field.Field;
import dev.prio.core.field.FieldElement;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link Prg} and {@link PrgKeyMode} against spec §4 and its worked examples. */
class PrgTest {
  static final BigInteger P = Field.MODULUS;
  static final byte[] BATCH = "test".getBytes(StandardCharsets.US_ASCII);

  /** Fixture row 1, server B's client seed. */
  static final byte[] ROW1_SEED = hex("8ca6431e593759e5c5105f5bc0a2bd8e");

  /** The fixture's shared seed. */
  static final byte[] SHARED = Base64.getDecoder().decode("nedME1QT1TS+7asOVOBqnA==");

  /**
   * The raw keystream: AES-128-CTR of zeros under a zero IV (spec §4.1), computed independently.
   */
  static byte[] keystream(byte[] key, int length) throws Exception {
    Cipher c = Cipher.getInstance("AES/CTR/NoPadding");
    c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(new byte[16]));
    return c.doFinal(new byte[length]);
  }

  /**
   * Spec §4.2 written out with BigInteger over a keystream array; {@code pos} counts bytes
   * consumed.
   */
  static final class ReferenceSampler {
    final byte[] stream;
    int pos;

    ReferenceSampler(byte[] stream) {
      this.stream = stream;
    }

    BigInteger below(BigInteger max) {
      BigInteger m1 = max.subtract(BigInteger.ONE);
      byte[] minimal = m1.toByteArray();
      int nbytes = Math.max(1, (m1.bitLength() + 7) / 8);
      int top = m1.signum() == 0 ? 0 : minimal[minimal.length - nbytes] & 0xff;
      int mask = 0;
      while ((top & mask) != top) {
        mask = (mask << 1) | 1;
      }
      while (true) {
        byte[] buf = Arrays.copyOfRange(stream, pos, pos + nbytes);
        pos += nbytes;
        buf[0] = stream[pos++];
        if (mask != 0) {
          buf[0] &= (byte) mask;
        }
        BigInteger x = new BigInteger(1, buf);
        if (x.compareTo(max) < 0) {
          return x;
        }
      }
    }
  }

  @Test
  void row1SeedKeystreamPrefix() {
    Prg prg = Prg.create(PrgKeyMode.LEGACY, ROW1_SEED, BATCH);
    byte[] prefix = new byte[27];
    prg.nextBytes(prefix, 0, prefix.length);
    assertThat(toHex(prefix))
        .isEqualTo("d229e07c0d8b2a327e8e9ec9" + "63070ded5252ba25819199" + "43" + "1f42d9");
  }

  @Test
  void row1FirstDataShareAfterOneRejection() throws Exception {
    Prg prg = Prg.create(PrgKeyMode.LEGACY, ROW1_SEED, BATCH);
    FieldElement xB0 = prg.nextFieldElement();
    assertThat(xB0.toBigInteger().toString(16)).isEqualTo("43070ded5252ba25819199");
    // The rejected first attempt: c929e07c… (byte 11, c9, over byte 0) is ≥ p.
    assertThat(new BigInteger("c929e07c0d8b2a327e8e9e", 16)).isGreaterThanOrEqualTo(P);
    // A's share from the fixture plaintext: the two add to the client's first bit.
    BigInteger xA0 = new BigInteger("3cf8f212adad45da866e69", 16);
    assertThat(xA0.add(xB0.toBigInteger()).mod(P)).isEqualTo(BigInteger.ONE);
    byte[] next = new byte[3];
    prg.nextBytes(next, 0, 3);
    assertThat(toHex(next)).isEqualTo("1f42d9"); // exactly 24 bytes consumed
  }

  @Test
  void expandingNData5AndN8ConsumesExactly288Bytes() throws Exception {
    byte[] stream = keystream(ROW1_SEED, 400);
    ReferenceSampler ref = new ReferenceSampler(stream);
    Prg prg = Prg.create(PrgKeyMode.LEGACY, ROW1_SEED, BATCH);
    long[] shares = new long[2 * 13];
    for (int i = 0; i < 13; i++) { // 5 data shares, then 8 h shares
      prg.nextFieldElement(shares, i);
      assertThat(FieldElement.get(shares, i).toBigInteger())
          .as("draw %d", i)
          .isEqualTo(ref.below(P));
    }
    assertThat(ref.pos).isEqualTo(288);
    byte[] after = new byte[16];
    prg.nextBytes(after, 0, 16);
    assertThat(after).containsExactly(Arrays.copyOfRange(stream, 288, 304));
  }

  @Test
  void verificationKeystreamAndFixturePoints() {
    Prg prg = Prg.create(PrgKeyMode.LEGACY, SHARED, BATCH);
    byte[] prefix = new byte[36];
    prg.nextBytes(prefix, 0, prefix.length);
    assertThat(toHex(prefix))
        .isEqualTo(
            "f23a224a6aa5793545dc2a83" + "c76deb427380eae213f45b1d" + "1dbef5d85d57161ada0a7d36");

    Prg points = Prg.create(PrgKeyMode.LEGACY, SHARED, BATCH);
    BigInteger lower = BigInteger.valueOf(5 + 2); // n_data + 2
    String[] expected = {
      "1d6deb427380eae213f462",
      "36bef5d85d57161ada0a84",
      "3f4c66b6e743ac035eaa33",
      "26059cf48256480fc0ac98",
      "2fe6414d311414033e104f"
    };
    for (int k = 0; k < expected.length; k++) {
      assertThat(points.nextInRange(lower, P).toBigInteger().toString(16))
          .as("r_%d", k + 1)
          .isEqualTo(expected[k]);
    }
  }

  @Test
  void firstVerificationPointConsumesBytes0To23AndSecond24To35() {
    Prg prg = Prg.create(PrgKeyMode.LEGACY, SHARED, BATCH);
    prg.nextInRange(BigInteger.valueOf(7), P);
    byte[] b = new byte[1];
    prg.nextBytes(b, 0, 1);
    assertThat(toHex(b)).isEqualTo("1d"); // byte 24

    Prg again = Prg.create(PrgKeyMode.LEGACY, SHARED, BATCH);
    again.nextInRange(BigInteger.valueOf(7), P);
    again.nextInRange(BigInteger.valueOf(7), P);
    byte[] stream = new byte[1];
    again.nextBytes(stream, 0, 1);
    Prg raw = Prg.create(PrgKeyMode.LEGACY, SHARED, BATCH);
    byte[] all = new byte[37];
    raw.nextBytes(all, 0, 37);
    assertThat(stream[0]).isEqualTo(all[36]);
  }

  @Test
  void hashedKeyForTheFixtureSeedAndBatchTest() throws Exception {
    assertThat(toHex(PrgKeyMode.HASHED.aesKey(SHARED, BATCH)))
        .isEqualTo("5217560dcdc4e284e4de239b225aec7c");
    assertThat(PrgKeyMode.LEGACY.aesKey(SHARED, BATCH)).containsExactly(SHARED);
    // The hashed stream is the keystream under the hashed key, and differs from the legacy one.
    Prg hashed = Prg.create(PrgKeyMode.HASHED, SHARED, BATCH);
    byte[] out = new byte[64];
    hashed.nextBytes(out, 0, 64);
    assertThat(out).containsExactly(keystream(hex("5217560dcdc4e284e4de239b225aec7c"), 64));
    assertThat(out).isNotEqualTo(keystream(SHARED, 64));
  }

  @Test
  void hashedKeyDependsOnTheBatchIdAndLegacyDoesNot() {
    byte[] other = "test2".getBytes(StandardCharsets.US_ASCII);
    assertThat(PrgKeyMode.HASHED.aesKey(SHARED, other))
        .isNotEqualTo(PrgKeyMode.HASHED.aesKey(SHARED, BATCH));
    assertThat(PrgKeyMode.LEGACY.aesKey(SHARED, other))
        .isEqualTo(PrgKeyMode.LEGACY.aesKey(SHARED, BATCH));
  }

  @ParameterizedTest
  @EnumSource(PrgKeyMode.class)
  void seedsMustBe16Bytes(PrgKeyMode mode) {
    assertThatThrownBy(() -> Prg.create(mode, new byte[15], BATCH))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Prg.create(mode, new byte[17], BATCH))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void seedIsNotModifiedByCreate() {
    byte[] seed = ROW1_SEED.clone();
    Prg.create(PrgKeyMode.LEGACY, seed, BATCH);
    assertThat(seed).containsExactly(ROW1_SEED);
  }

  static Stream<BigInteger> maxValues() {
    Stream<BigInteger> small = LongStream.rangeClosed(1, 600).mapToObj(BigInteger::valueOf);
    Stream<BigInteger> big =
        Stream.of(
            BigInteger.valueOf(65535),
            BigInteger.valueOf(65536),
            BigInteger.valueOf(65537),
            BigInteger.valueOf(0x7fffff),
            BigInteger.ONE.shiftLeft(63),
            BigInteger.ONE.shiftLeft(64),
            BigInteger.ONE.shiftLeft(64).add(BigInteger.ONE),
            P.subtract(BigInteger.valueOf(7)),
            P,
            P.add(BigInteger.ONE),
            BigInteger.ONE.shiftLeft(88));
    return Stream.concat(small, big);
  }

  /**
   * §4.2's mask rule and byte consumption for every small max (mask 0 at max 1, 1 at 2, 3 at 3–4, 7
   * at 5–8, …).
   */
  @ParameterizedTest(name = "max={0}")
  @MethodSource("maxValues")
  void nextBelowFollowsTheByteRule(BigInteger max) throws Exception {
    byte[] seed = new byte[16];
    new Random(max.longValue()).nextBytes(seed);
    byte[] stream = keystream(seed, 1 << 16);
    ReferenceSampler ref = new ReferenceSampler(stream);
    Prg prg = Prg.create(PrgKeyMode.LEGACY, seed, BATCH);
    for (int k = 0; k < 20; k++) {
      BigInteger x = prg.nextBelow(max);
      assertThat(x).isEqualTo(ref.below(max)).isLessThan(max).isNotNegative();
    }
    byte[] after = new byte[5];
    prg.nextBytes(after, 0, 5);
    assertThat(after)
        .as("bytes consumed")
        .containsExactly(Arrays.copyOfRange(stream, ref.pos, ref.pos + 5));
  }

  @Test
  void maskExamples() throws Exception {
    // max = 5: m1 = 4, one byte, mask 0b111; each attempt reads two bytes and keeps the second & 7.
    byte[] seed = new byte[16];
    byte[] stream = keystream(seed, 64);
    Prg prg = Prg.create(PrgKeyMode.LEGACY, seed, BATCH);
    int pos = 0;
    BigInteger x;
    do {
      x = BigInteger.valueOf(stream[pos + 1] & 7);
      pos += 2;
    } while (x.intValue() >= 5);
    assertThat(prg.nextBelow(BigInteger.valueOf(5))).isEqualTo(x);
    // max = 0x1_00 (m1 = 0xff): no masking, one byte plus its replacement.
    Prg prg2 = Prg.create(PrgKeyMode.LEGACY, seed, BATCH);
    assertThat(prg2.nextBelow(BigInteger.valueOf(256)))
        .isEqualTo(BigInteger.valueOf(stream[1] & 0xff));
    // max = 0x1_01 (m1 = 0x100): two bytes, top byte masked to 1 bit.
    Prg prg3 = Prg.create(PrgKeyMode.LEGACY, seed, BATCH);
    int pos3 = 0;
    int v;
    do {
      v = ((stream[pos3 + 2] & 1) << 8) | (stream[pos3 + 1] & 0xff);
      pos3 += 3;
    } while (v >= 257);
    assertThat(prg3.nextBelow(BigInteger.valueOf(257))).isEqualTo(BigInteger.valueOf(v));
  }

  @Test
  void nextBelowRejectsNonPositiveMax() {
    Prg prg = Prg.create(PrgKeyMode.LEGACY, new byte[16], BATCH);
    assertThatThrownBy(() -> prg.nextBelow(BigInteger.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> prg.nextBelow(BigInteger.ONE.negate()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * Field draws, byte reads and general draws interleave on one stream, across many 4096-byte
   * refills.
   */
  @Test
  void mixedCallsStayOnOneContinuousStream() throws Exception {
    byte[] seed = hex("000102030405060708090a0b0c0d0e0f");
    byte[] stream = keystream(seed, 1 << 17);
    ReferenceSampler ref = new ReferenceSampler(stream);
    Prg prg = Prg.create(PrgKeyMode.LEGACY, seed, BATCH);
    Random rnd = new Random(17);
    long[] v = new long[2];
    for (int k = 0; k < 4000; k++) {
      switch (rnd.nextInt(4)) {
        case 0, 1 -> {
          prg.nextFieldElement(v, 0);
          assertThat(FieldElement.get(v, 0).toBigInteger()).isEqualTo(ref.below(P));
        }
        case 2 -> {
          int len = rnd.nextInt(40);
          byte[] b = new byte[len];
          prg.nextBytes(b, 0, len);
          assertThat(b).containsExactly(Arrays.copyOfRange(stream, ref.pos, ref.pos + len));
          ref.pos += len;
        }
        default -> {
          BigInteger max = BigInteger.valueOf(1 + rnd.nextInt(100_000));
          assertThat(prg.nextBelow(max)).isEqualTo(ref.below(max));
        }
      }
    }
    assertThat(ref.pos).isGreaterThan(3 * 4096);
  }
}
