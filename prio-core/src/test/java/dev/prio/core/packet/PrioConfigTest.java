package dev.prio.core.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Sizes derived from n_data (spec §1.4, §9) and the batch-id rule (spec §2.3). */
class PrioConfigTest {
  @ParameterizedTest(name = "n_data {0} → N {1}")
  @CsvSource({
    "1, 2",
    "2, 4",
    "3, 4",
    "4, 8",
    "5, 8",
    "7, 8",
    "8, 16",
    "441, 512",
    "1023, 1024",
    "1024, 2048",
    "2046, 2048",
    "2047, 2048",
    "2048, 4096",
    "262143, 262144"
  })
  void pointCountIsTheNextPowerOfTwoOfNDataPlusOne(int nData, int bigN) {
    assertThat(PrioConfig.of(nData, "x").pointCount()).isEqualTo(bigN);
  }

  @ParameterizedTest(name = "n_data {0}")
  @ValueSource(ints = {0, -1, 262144, Integer.MAX_VALUE})
  void nDataOutOfRange(int nData) {
    assertThatThrownBy(() -> PrioConfig.of(nData, "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void nDataLimitIsLibpriosMaxDataFields() {
    assertThat(PrioConfig.MAX_DATA_FIELDS).isEqualTo(262143);
    assertThat(PrioConfig.of(262143, "x").pointCount() * 2).isEqualTo(1 << 19);
  }

  @Test
  void batchIdsWithNulAreRefused() {
    assertThatThrownBy(() -> new PrioConfig(5, new byte[] {'a', 0, 'b'}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void batchIdIsCopiedInAndOut() {
    byte[] id = {'a', 'b'};
    PrioConfig c = new PrioConfig(5, id);
    id[0] = 'z';
    assertThat(c.batchId()).containsExactly('a', 'b');
    c.batchId()[1] = 'z';
    assertThat(c).isEqualTo(PrioConfig.of(5, "ab")).hasSameHashCodeAs(PrioConfig.of(5, "ab"));
  }

  @ParameterizedTest(name = "n_data {0}, batch of {1} bytes: A {2}, B {3}")
  @CsvSource({
    "5, 4, 236, 95", // the fixture's plaintexts, every mp_int 11 bytes
    "2046, 35, 49244, 127", // spec §9; Firefox B ciphertexts are 60 + 127
    "441, 35, 11552, 127" // Firefox's shard-1 A ciphertexts are at most 11609 = 60 + 11549
  })
  void maxPlaintextLength(int nData, int batchLength, int maxA, int maxB) {
    PrioConfig c =
        new PrioConfig(
            nData, "b".repeat(batchLength).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertThat(c.maxPlaintextLength(ServerId.B)).isEqualTo(maxB);
    assertThat(c.maxPlaintextLength(ServerId.A)).isEqualTo(maxA);
  }

  @Test
  void serverIds() {
    assertThat(ServerId.fromIndex(0)).isEqualTo(ServerId.A);
    assertThat(ServerId.fromIndex(1)).isEqualTo(ServerId.B);
    assertThat(ServerId.A.other()).isEqualTo(ServerId.B);
    assertThatThrownBy(() -> ServerId.fromIndex(2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ServerId.fromIndex(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
