package dev.prio.core.field;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.quicktheories.generators.Generate;

/** {@link FieldElement}: canonical range, conversions, pow and inverse against BigInteger. */
class FieldElementTest {
  static final BigInteger P = Field.MODULUS;

  @Test
  void modulusIsLibpriosPrime() {
    assertThat(P.toString(16)).isEqualTo("8000000000000000080001");
    assertThat(P).isEqualTo(new BigInteger("154742504910672534362914817"));
    assertThat(P.isProbablePrime(64)).isTrue();
    assertThat(P.bitLength()).isEqualTo(8 * Field.ELEMENT_BYTES);
  }

  @ParameterizedTest(name = "hi={0} lo={1}")
  @CsvSource({
    "0x800000, 0x80001", // p
    "0x800000, 0x80002", // p + 1
    "0x800000, 0xffffffffffffffff",
    "0x800001, 0",
    "0xffffff, 0xffffffffffffffff", // 2^88 − 1
    "0x7fffffffffffffff, 0",
    "-1, 0",
    "-9223372036854775808, 0"
  })
  void rejectsNonCanonicalLimbs(String hi, String lo) {
    long h = Long.decode(hi);
    long l = Long.parseUnsignedLong(lo.replace("0x", ""), lo.startsWith("0x") ? 16 : 10);
    assertThatThrownBy(() -> new FieldElement(h, l)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "hi={0} lo={1}")
  @CsvSource({
    "0x800000, 0x80000", // p − 1
    "0x800000, 0",
    "0x7fffff, 0xffffffffffffffff",
    "0, 0xffffffffffffffff",
    "0, 0"
  })
  void acceptsCanonicalLimbs(String hi, String lo) {
    long h = Long.decode(hi);
    long l = Long.parseUnsignedLong(lo.replace("0x", ""), 16);
    FieldElement e = new FieldElement(h, l);
    assertThat(e.toBigInteger())
        .isEqualTo(
            BigInteger.valueOf(h).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(l))));
  }

  @Test
  void bigIntegerConversionsAreRangeChecked() {
    assertThatThrownBy(() -> FieldElement.of(P)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FieldElement.of(P.add(BigInteger.ONE)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FieldElement.of(BigInteger.ONE.negate()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FieldElement.of(-1L)).isInstanceOf(IllegalArgumentException.class);
    assertThat(FieldElement.of(P.subtract(BigInteger.ONE)).toBigInteger())
        .isEqualTo(P.subtract(BigInteger.ONE));
    assertThat(FieldElement.of(Long.MAX_VALUE).toBigInteger())
        .isEqualTo(BigInteger.valueOf(Long.MAX_VALUE));
  }

  @Test
  void toBigIntegerReadsTheLowLimbUnsigned() {
    qt().withFixedSeed(11)
        .withExamples(5000)
        .forAll(
            Generate.longRange(Long.MIN_VALUE, Long.MAX_VALUE),
            Generate.longRange(0, (1L << 23) - 1))
        .checkAssert(
            (lo, hi) -> {
              BigInteger expected =
                  BigInteger.valueOf(hi)
                      .shiftLeft(64)
                      .add(new BigInteger(Long.toUnsignedString(lo)));
              FieldElement e = new FieldElement(hi, lo);
              assertThat(e.toBigInteger()).isEqualTo(expected);
              assertThat(FieldElement.of(expected)).isEqualTo(e);
            });
  }

  @Test
  void scalarOperationsMatchBigInteger() {
    Random rnd = new Random(3);
    for (int k = 0; k < 5000; k++) {
      BigInteger a = FieldTest.random(rnd), b = FieldTest.random(rnd);
      FieldElement x = FieldElement.of(a), y = FieldElement.of(b);
      assertThat(x.add(y).toBigInteger()).isEqualTo(a.add(b).mod(P));
      assertThat(x.subtract(y).toBigInteger()).isEqualTo(a.subtract(b).mod(P));
      assertThat(x.multiply(y).toBigInteger()).isEqualTo(a.multiply(b).mod(P));
      assertThat(x.negate().toBigInteger()).isEqualTo(a.negate().mod(P));
    }
    assertThat(FieldElement.ZERO.negate()).isEqualTo(FieldElement.ZERO);
  }

  @Test
  void powMatchesModPow() {
    Random rnd = new Random(5);
    for (int k = 0; k < 300; k++) {
      BigInteger a = FieldTest.random(rnd);
      BigInteger e = new BigInteger(1 + rnd.nextInt(100), rnd);
      assertThat(FieldElement.of(a).pow(e).toBigInteger()).isEqualTo(a.modPow(e, P));
    }
    assertThat(FieldElement.ZERO.pow(BigInteger.ZERO)).isEqualTo(FieldElement.ONE);
    assertThat(FieldElement.of(7).pow(P.subtract(BigInteger.ONE))).isEqualTo(FieldElement.ONE);
  }

  @Test
  void inverseMatchesModInverse() {
    Random rnd = new Random(9);
    for (BigInteger a : FieldTest.EDGES) {
      if (a.signum() != 0) {
        assertThat(FieldElement.of(a).inverse().toBigInteger()).isEqualTo(a.modInverse(P));
      }
    }
    for (int k = 0; k < 200; k++) {
      BigInteger a = FieldTest.random(rnd);
      if (a.signum() == 0) {
        continue;
      }
      FieldElement inv = FieldElement.of(a).inverse();
      assertThat(inv.toBigInteger()).isEqualTo(a.modInverse(P));
      assertThat(inv.multiply(FieldElement.of(a))).isEqualTo(FieldElement.ONE);
    }
    assertThat(FieldElement.of(2).inverse().toBigInteger().toString(16))
        .isEqualTo("4000000000000000040001");
  }

  @Test
  void zeroHasNoInverse() {
    assertThatThrownBy(FieldElement.ZERO::inverse).isInstanceOf(ArithmeticException.class);
  }

  @Test
  void packedAccessorsRoundTrip() {
    long[] v = new long[6];
    FieldElement e = FieldElement.of(P.subtract(BigInteger.TWO));
    e.set(v, 2);
    assertThat(FieldElement.get(v, 2)).isEqualTo(e);
    assertThat(FieldElement.get(v, 1)).isEqualTo(FieldElement.ZERO);
    assertThat(e.toString()).doesNotContain(e.toBigInteger().toString(16)).contains("redacted");
  }
}
