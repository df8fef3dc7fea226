package dev.prio.core.snip;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.codec.ClientPacketCodec;
import dev.prio.core.crypto.PacketCrypto;
import dev.prio.core.field.Field;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.prg.PrgKeyMode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded properties of the whole SNIP (spec §6): honest bit vectors always verify and the published
 * counts are the column sums; a vector with any element outside {0, 1} never verifies.
 */
class SnipPropertyTest {
  /**
   * Fixed sizes (smallest, N boundaries, Firefox's two shards) plus seeded random ones: 30 in all.
   */
  static List<Integer> nDataCases() {
    List<Integer> sizes =
        new ArrayList<>(List.of(1, 2, 3, 4, 7, 8, 15, 441, 511, 512, 1023, 1024, 2046, 2047));
    Random rnd = new Random(0x5eed);
    while (sizes.size() < 30) {
      sizes.add(1 + rnd.nextInt(2046));
    }
    return sizes;
  }

  static Stream<Arguments> honestCases() {
    List<Arguments> out = new ArrayList<>();
    for (int nData : nDataCases()) {
      for (PrgKeyMode prg : PrgKeyMode.values()) {
        for (RMode r : RMode.values()) {
          out.add(Arguments.of(nData, prg, r));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "n_data {0}, {1}, {2}")
  @MethodSource("honestCases")
  void honestSubmissionsVerifyAndSumToTheColumnTotals(int nData, PrgKeyMode prg, RMode r)
      throws Exception {
    long seed = nData * 31L + prg.ordinal() * 7L + r.ordinal();
    SnipHarness h = new SnipHarness(PrioConfig.of(nData, "batch-" + nData), prg, r, seed);
    Random rnd = new Random(seed);
    int submissions = nData > 500 ? 3 : 8;
    long[] expected = new long[nData];
    for (int k = 0; k < submissions; k++) {
      // Vary the density: all zeros, all ones, and random mixes.
      int density = k == 0 ? 0 : k == 1 ? 100 : rnd.nextInt(101);
      long[] bits = new long[nData];
      for (int i = 0; i < nData; i++) {
        bits[i] = rnd.nextInt(100) < density ? 1 : 0;
        expected[i] += bits[i];
      }
      assertThat(h.submit(h.client.encode(bits))).as("submission %d", k).isTrue();
    }
    assertThat(h.accA.count()).isEqualTo(submissions);
    assertThat(h.combine()).containsExactly(expected);
  }

  /**
   * PrioClient's packets satisfy spec §6.1 as libprio computes it, checked from the two packets
   * alone (so independent of how PrioClient draws its randomness or evaluates the polynomials): the
   * data shares add up to the input, the triple is a Beaver triple, h0 = f0·g0, and the h points
   * are f·g at the odd 2N-th roots by libprio's inverse DFT, zero-pad, DFT of size 2N.
   */
  @ParameterizedTest(name = "n_data {0}")
  @MethodSource("nDataCases")
  void prioClientPacketsAreWhatLibprioWouldSend(int nData) {
    for (PrgKeyMode mode : PrgKeyMode.values()) {
      PrioConfig config = PrioConfig.of(nData, "test");
      long[] bits = new Random(nData).longs(nData, 0, 2).toArray();
      PrioClient.Packets p =
          new PrioClient(
                  config, SnipHarness.PUB_A, SnipHarness.PUB_B, mode, SnipHarness.seeded(nData))
              .encodePackets(bits);
      BigInteger[] x =
          IntStream.range(0, nData)
              .mapToObj(i -> BigInteger.valueOf(bits[i]))
              .toArray(BigInteger[]::new);
      ReferenceClient.assertSpecCompliant(config, mode, p, x);
    }
  }

  /**
   * The checker itself: the reference encoder's packets pass it, for bits and for non-bits alike.
   */
  @ParameterizedTest(name = "n_data {0}")
  @org.junit.jupiter.params.provider.ValueSource(ints = {1, 5, 441})
  void referenceEncoderPacketsPassTheSameCheck(int nData) {
    PrioConfig config = PrioConfig.of(nData, "test");
    BigInteger[] x =
        new Random(nData)
            .ints(nData, 0, 3)
            .mapToObj(BigInteger::valueOf)
            .toArray(BigInteger[]::new);
    PrioClient.Packets p =
        new ReferenceClient(config, PrgKeyMode.HASHED, SnipHarness.seeded(nData)).encode(x);
    ReferenceClient.assertSpecCompliant(config, PrgKeyMode.HASHED, p, x);
  }

  static Stream<Arguments> invalidCases() {
    List<Arguments> out = new ArrayList<>();
    Random rnd = new Random(77);
    BigInteger pMinus1 = Field.MODULUS.subtract(BigInteger.ONE);
    BigInteger[] bad = {
      BigInteger.TWO,
      pMinus1,
      BigInteger.valueOf(3),
      Field.MODULUS.shiftRight(1),
      BigInteger.valueOf(1L << 40)
    };
    int[] sizes = {1, 2, 3, 5, 16, 441, 1023, 1024, 2046};
    for (int s = 0; s < sizes.length; s++) {
      for (BigInteger v : bad) {
        out.add(Arguments.of(sizes[s], rnd.nextInt(sizes[s]), v, RMode.values()[rnd.nextInt(2)]));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "n_data {0}, x[{1}] = {2}, {3}")
  @MethodSource("invalidCases")
  void anElementOutsideZeroOneNeverVerifies(int nData, int position, BigInteger value, RMode r)
      throws Exception {
    long seed = nData * 1000L + position;
    PrioConfig config = PrioConfig.of(nData, "test");
    SnipHarness h = new SnipHarness(config, PrgKeyMode.LEGACY, r, seed);
    Random rnd = new Random(seed);
    BigInteger[] x = new BigInteger[nData];
    for (int i = 0; i < nData; i++) {
      x[i] = BigInteger.valueOf(rnd.nextInt(2));
    }
    x[position] = value;
    ReferenceClient client =
        new ReferenceClient(config, PrgKeyMode.LEGACY, SnipHarness.seeded(seed + 1));
    for (int k = 0; k < 3; k++) { // fresh randomness each time: no lucky proof
      PrioClient.Packets p = client.encode(x);
      byte[] forA =
          PacketCrypto.encrypt(
              SnipHarness.PUB_A, ClientPacketCodec.write(config, p.forA()), SnipHarness.seeded(k));
      byte[] forB =
          PacketCrypto.encrypt(
              SnipHarness.PUB_B,
              ClientPacketCodec.write(config, p.forB()),
              SnipHarness.seeded(k + 9));
      assertThat(h.verify(forA, forB).valid()).isFalse();
    }
    // The same servers still accept an honest submission afterwards (same r schedule on both).
    BigInteger[] honest = x.clone();
    honest[position] = BigInteger.ONE;
    PrioClient.Packets p = client.encode(honest);
    byte[] forA =
        PacketCrypto.encrypt(
            SnipHarness.PUB_A, ClientPacketCodec.write(config, p.forA()), SnipHarness.seeded(1));
    byte[] forB =
        PacketCrypto.encrypt(
            SnipHarness.PUB_B, ClientPacketCodec.write(config, p.forB()), SnipHarness.seeded(2));
    assertThat(h.verify(forA, forB).valid()).isTrue();
  }

  /**
   * Through PrioClient's own long[] API: 2, 3 and a large value are encoded as given and refused.
   */
  @ParameterizedTest(name = "value {0}")
  @org.junit.jupiter.params.provider.ValueSource(longs = {2, 3, Long.MAX_VALUE})
  void prioClientEncodesNonBitsThatThenFail(long value) throws Exception {
    PrioConfig config = PrioConfig.of(441, "test");
    SnipHarness h = new SnipHarness(config, PrgKeyMode.LEGACY, RMode.CONSTANT, value);
    long[] x = new long[441];
    x[(int) (value % 441)] = value;
    assertThat(h.submit(h.client.encode(x))).isFalse();
    assertThat(h.accA.count()).isZero();
  }
}
