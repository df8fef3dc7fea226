package dev.prio.core.snip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import dev.prio.core.prg.PrgKeyMode;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Accumulator}: only valid submissions, merge is addition, and no mixing of servers or
 * batches.
 */
class AccumulatorTest {
  static final PrioConfig CONFIG = PrioConfig.of(9, "test");

  @Test
  void mergedWorkersEqualOneAccumulator() throws Exception {
    SnipHarness h = new SnipHarness(CONFIG, PrgKeyMode.LEGACY, RMode.CONSTANT, 8);
    Accumulator workerA1 = new Accumulator(CONFIG, ServerId.A),
        workerA2 = new Accumulator(CONFIG, ServerId.A);
    Accumulator workerB1 = new Accumulator(CONFIG, ServerId.B),
        workerB2 = new Accumulator(CONFIG, ServerId.B);
    Random rnd = new Random(8);
    long[] expected = new long[9];
    for (int k = 0; k < 10; k++) {
      long[] bits = rnd.longs(9, 0, 2).toArray();
      for (int i = 0; i < 9; i++) {
        expected[i] += bits[i];
      }
      PrioClient.Submission s = h.client.encode(bits);
      SnipHarness.Outcome o = h.verify(s.forA(), s.forB());
      (k % 2 == 0 ? workerA1 : workerA2).aggregate(o.a(), o.outA(), o.outB());
      (k % 3 == 0 ? workerB1 : workerB2).aggregate(o.b(), o.outB(), o.outA());
    }
    workerA1.merge(workerA2);
    workerB2.merge(workerB1);
    assertThat(workerA1.count()).isEqualTo(10);
    assertThat(workerB2.count()).isEqualTo(10);
    assertThat(TotalShares.combine(workerA1.totalShare(), workerB2.totalShare(), 9))
        .containsExactly(expected);
  }

  @Test
  void refusesTheOtherServersVerifierAndForeignAccumulators() throws Exception {
    SnipHarness h = new SnipHarness(CONFIG, PrgKeyMode.LEGACY, RMode.CONSTANT, 9);
    PrioClient.Submission s = h.client.encode(new long[9]);
    SnipHarness.Outcome o = h.verify(s.forA(), s.forB());
    assertThatThrownBy(() -> h.accA.aggregate(o.b(), o.outA(), o.outB()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> h.accA.merge(h.accB)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> h.accA.merge(new Accumulator(PrioConfig.of(9, "other"), ServerId.A)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(h.accA.count()).isZero();
  }

  @Test
  void totalShareIsASnapshot() throws Exception {
    SnipHarness h = new SnipHarness(CONFIG, PrgKeyMode.LEGACY, RMode.CONSTANT, 10);
    long[] ones = new long[9];
    java.util.Arrays.fill(ones, 1);
    assertThat(h.submit(h.client.encode(ones))).isTrue();
    var beforeA = h.accA.totalShare();
    var beforeB = h.accB.totalShare();
    assertThat(h.submit(h.client.encode(ones))).isTrue();
    assertThat(TotalShares.combine(beforeA, beforeB, 9)).containsOnly(1L);
    assertThat(h.combine()).containsOnly(2L);
  }

  @Test
  void undecidedSumsEqualAggregatedOnesWhenAllAreValid() throws Exception {
    SnipHarness h = new SnipHarness(CONFIG, PrgKeyMode.LEGACY, RMode.CONSTANT, 11);
    Accumulator undecidedB = new Accumulator(CONFIG, ServerId.B);
    Accumulator decidedA = new Accumulator(CONFIG, ServerId.A);
    Random rnd = new Random(11);
    long[] expected = new long[9];
    for (int k = 0; k < 6; k++) {
      long[] bits = rnd.longs(9, 0, 2).toArray();
      for (int i = 0; i < 9; i++) {
        expected[i] += bits[i];
      }
      PrioClient.Submission s = h.client.encode(bits);
      SnipHarness.Outcome o = h.verify(s.forA(), s.forB());
      undecidedB.addUndecided(o.b());
      decidedA.aggregate(o.a(), o.outA(), o.outB());
    }
    assertThat(undecidedB.count()).isEqualTo(6);
    assertThat(TotalShares.combine(decidedA.totalShare(), undecidedB.totalShare(), 9))
        .containsExactly(expected);
    PrioClient.Submission s = h.client.encode(new long[9]);
    SnipHarness.Outcome o = h.verify(s.forA(), s.forB());
    assertThatThrownBy(() -> undecidedB.addUndecided(o.a()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
