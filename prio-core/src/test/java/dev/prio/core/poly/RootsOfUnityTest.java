package dev.prio.core.poly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prio.core.field.Field;
import dev.prio.core.field.FieldElement;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** libprio's generator and principal roots w_n = g^(2^19 / n) (spec §1.2). */
class RootsOfUnityTest {
  static final BigInteger P = Field.MODULUS;
  static final BigInteger G = new BigInteger("2597c14f48d5b65ed8dcca", 16);

  @Test
  void generatorHasOrderTwoToTheNineteen() {
    assertThat(RootsOfUnity.GENERATOR.toBigInteger())
        .isEqualTo(G)
        .isEqualTo(new BigInteger("45446898599311928406367434"));
    assertThat(RootsOfUnity.GENERATOR.pow(BigInteger.ONE.shiftLeft(19)))
        .isEqualTo(FieldElement.ONE);
    assertThat(RootsOfUnity.GENERATOR.pow(BigInteger.ONE.shiftLeft(18)).toBigInteger())
        .isEqualTo(P.subtract(BigInteger.ONE));
    assertThat(RootsOfUnity.MAX_ORDER).isEqualTo(1 << 19);
    assertThat(RootsOfUnity.GENERATOR.inverse().toBigInteger().toString(16))
        .isEqualTo("2da6fd725d6f9b7ae105a9");
  }

  @ParameterizedTest(name = "w_{0}")
  @CsvSource({
    "1, 1",
    "2, 8000000000000000080000", // p − 1
    "4, 4a2416a8cf412f996e9654",
    "8, 2d8207ca3331c2f27a3943",
    "2048, 5bf795c6d548a19b6ac340",
    "4096, 5569560418e73ff9db709"
  })
  void principalRootsFromTheSpec(int n, String hex) {
    FieldElement w = RootsOfUnity.principalRoot(n);
    assertThat(w.toBigInteger().toString(16)).isEqualTo(hex);
    assertThat(w.toBigInteger()).isEqualTo(G.modPow(BigInteger.valueOf((1 << 19) / n), P));
  }

  @ParameterizedTest(name = "n={0}")
  @ValueSource(ints = {2, 4, 8, 16, 512, 2048, 4096, 1 << 18, 1 << 19})
  void rootsArePrimitiveAndSquareDown(int n) {
    FieldElement w = RootsOfUnity.principalRoot(n);
    assertThat(w.pow(BigInteger.valueOf(n))).isEqualTo(FieldElement.ONE);
    assertThat(w.pow(BigInteger.valueOf(n / 2)).toBigInteger())
        .isEqualTo(P.subtract(BigInteger.ONE));
    assertThat(w.multiply(w)).isEqualTo(RootsOfUnity.principalRoot(n / 2)); // w_2N^2 = w_N
  }

  @ParameterizedTest(name = "n={0}")
  @ValueSource(ints = {1, 2, 4, 8, 64, 1024, 4096})
  void powersTableHoldsSuccessivePowers(int n) {
    long[] table = RootsOfUnity.powers(n);
    assertThat(table).hasSize(2 * n);
    BigInteger w = RootsOfUnity.principalRoot(n).toBigInteger();
    for (int i = 0; i < n; i++) {
      assertThat(FieldElement.get(table, i).toBigInteger())
          .as("w^%d", i)
          .isEqualTo(w.modPow(BigInteger.valueOf(i), P));
    }
  }

  @ParameterizedTest(name = "n={0}")
  @ValueSource(ints = {0, -1, 3, 6, 1000, 1 << 20})
  void rejectsSizesThatAreNotPowersOfTwoUpToTwoToTheNineteen(int n) {
    assertThatThrownBy(() -> RootsOfUnity.principalRoot(n))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RootsOfUnity.powers(n)).isInstanceOf(IllegalArgumentException.class);
  }
}
