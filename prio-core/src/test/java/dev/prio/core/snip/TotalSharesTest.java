package dev.prio.core.snip;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.error.PrioException;
import dev.prio.core.error.RejectReason;
import dev.prio.core.field.Field;
import dev.prio.core.packet.ServerId;
import dev.prio.core.packet.TotalShare;
import dev.prio.core.support.Packed;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** PrioTotalShare_final (spec §6.7): A then B, n_data each, every count below 2^64. */
class TotalSharesTest {
  static final BigInteger TWO64 = BigInteger.ONE.shiftLeft(64);

  static TotalShare share(ServerId s, BigInteger... values) {
    return new TotalShare(s, Packed.of(values));
  }

  static RejectReason reject(TotalShare a, TotalShare b, int nData) {
    try {
      TotalShares.combine(a, b, nData);
    } catch (PrioException e) {
      return e.reason();
    }
    throw new AssertionError("combined");
  }

  @Test
  void addsModP() throws Exception {
    BigInteger p = Field.MODULUS;
    TotalShare a =
        share(ServerId.A, p.subtract(BigInteger.ONE), BigInteger.valueOf(5), BigInteger.ZERO);
    TotalShare b =
        share(ServerId.B, BigInteger.valueOf(5), p.subtract(BigInteger.TWO), BigInteger.ZERO);
    assertThat(TotalShares.combine(a, b, 3)).containsExactly(4, 3, 0);
  }

  @Test
  void largestCountIsTwoToTheSixtyFourMinusOne() throws Exception {
    long[] counts =
        TotalShares.combine(
            share(ServerId.A, TWO64.subtract(BigInteger.ONE)),
            share(ServerId.B, BigInteger.ZERO),
            1);
    assertThat(Long.toUnsignedString(counts[0])).isEqualTo("18446744073709551615");
  }

  @Test
  void sumsOfTwoToTheSixtyFourOrMoreAreRejected() {
    assertThat(
            reject(
                share(ServerId.A, TWO64.subtract(BigInteger.ONE)),
                share(ServerId.B, BigInteger.ONE),
                1))
        .isEqualTo(RejectReason.VALUE_OUT_OF_RANGE);
    assertThat(
            reject(
                share(ServerId.A, BigInteger.ZERO, TWO64),
                share(ServerId.B, BigInteger.ZERO, BigInteger.ZERO),
                2))
        .isEqualTo(RejectReason.VALUE_OUT_OF_RANGE);
    assertThat(
            reject(
                share(ServerId.A, Field.MODULUS.subtract(BigInteger.ONE)),
                share(ServerId.B, BigInteger.ZERO),
                1))
        .isEqualTo(RejectReason.VALUE_OUT_OF_RANGE);
  }

  @Test
  void swappedOrSameIndicesAreRejected() {
    TotalShare a = share(ServerId.A, BigInteger.ONE);
    TotalShare b = share(ServerId.B, BigInteger.ONE);
    assertThat(reject(b, a, 1)).isEqualTo(RejectReason.WRONG_SERVER_ID);
    assertThat(reject(a, a, 1)).isEqualTo(RejectReason.WRONG_SERVER_ID);
    assertThat(reject(b, b, 1)).isEqualTo(RejectReason.WRONG_SERVER_ID);
  }

  @Test
  void wrongLengthsAreRejected() {
    TotalShare a2 = share(ServerId.A, BigInteger.ONE, BigInteger.ONE);
    TotalShare b2 = share(ServerId.B, BigInteger.ONE, BigInteger.ONE);
    TotalShare b3 = share(ServerId.B, BigInteger.ONE, BigInteger.ONE, BigInteger.ONE);
    assertThat(reject(a2, b3, 2)).isEqualTo(RejectReason.WRONG_LENGTH);
    assertThat(reject(a2, b3, 3)).isEqualTo(RejectReason.WRONG_LENGTH);
    assertThat(reject(a2, b2, 3)).isEqualTo(RejectReason.WRONG_LENGTH);
    assertThat(reject(a2, b2, 1)).isEqualTo(RejectReason.WRONG_LENGTH);
  }
}
