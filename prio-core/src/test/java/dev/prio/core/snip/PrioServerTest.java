package dev.prio.core.snip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prio.core.codec.ClientPacketCodec;
import dev.prio.core.crypto.PacketCrypto;
import dev.prio.core.error.PrioException;
import dev.prio.core.error.RejectReason;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import dev.prio.core.prg.PrgKeyMode;
import dev.prio.core.support.Mutations;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link PrioServer#setData} on hostile input, and the SEQUENTIAL r schedule (spec §6.2, §6.3, §9).
 */
class PrioServerTest {
  static final PrioConfig CONFIG = PrioConfig.of(16, "test");

  @Test
  void aPacketRejectedAtParseDoesNotConsumeAVerificationPoint() throws Exception {
    SnipHarness h = new SnipHarness(CONFIG, PrgKeyMode.LEGACY, RMode.SEQUENTIAL, 1);
    // A sees garbage and an undecryptable share first; B never sees them.
    assertThatThrownBy(() -> h.serverA.setData(new byte[10])).isInstanceOf(PrioException.class);
    PrioClient.Submission wrongServer = h.client.encode(new long[16]);
    assertThatThrownBy(() -> h.serverA.setData(wrongServer.forB()))
        .isInstanceOf(PrioException.class);
    byte[] wrongBatch =
        PacketCrypto.encrypt(
            SnipHarness.PUB_A,
            ClientPacketCodec.write(
                PrioConfig.of(16, "other"), h.client.encodePackets(new long[16]).forA()),
            SnipHarness.seeded(3));
    assertThatThrownBy(() -> h.serverA.setData(wrongBatch))
        .isInstanceOf(PrioException.class)
        .extracting(e -> ((PrioException) e).reason())
        .isEqualTo(RejectReason.BATCH_ID_MISMATCH);
    // Both servers still agree on r for the next packets.
    for (int k = 0; k < 3; k++) {
      assertThat(h.submit(h.client.encode(new long[16]))).isTrue();
    }
  }

  @Test
  void sequentialModeDesynchronisesWhenOnlyOneServerConsumesAPoint() throws Exception {
    SnipHarness h = new SnipHarness(CONFIG, PrgKeyMode.LEGACY, RMode.SEQUENTIAL, 2);
    h.serverB.setData(h.client.encode(new long[16]).forB()); // B alone moves on
    assertThat(h.submit(h.client.encode(new long[16]))).isFalse();
    SnipHarness c = new SnipHarness(CONFIG, PrgKeyMode.LEGACY, RMode.CONSTANT, 2);
    c.serverB.setData(c.client.encode(new long[16]).forB());
    assertThat(c.submit(c.client.encode(new long[16])))
        .isTrue(); // CONSTANT has no schedule to lose
  }

  @Test
  void serverAOfTheWrongNDataRejectsAtParse() throws Exception {
    SnipHarness h = new SnipHarness(CONFIG, PrgKeyMode.LEGACY, RMode.CONSTANT, 4);
    SnipHarness other =
        new SnipHarness(PrioConfig.of(15, "test"), PrgKeyMode.LEGACY, RMode.CONSTANT, 4);
    PrioClient.Submission s = other.client.encode(new long[15]);
    assertThatThrownBy(() -> h.serverA.setData(s.forA()))
        .isInstanceOf(PrioException.class)
        .extracting(e -> ((PrioException) e).reason())
        .isEqualTo(RejectReason.WRONG_LENGTH);
    h.serverB.setData(s.forB()); // B cannot tell (spec §8.2)
  }

  @ParameterizedTest
  @EnumSource(ServerId.class)
  void mutatedSharesOnlyEverGivePrioException(ServerId s) throws Exception {
    SnipHarness h = new SnipHarness(CONFIG, PrgKeyMode.LEGACY, RMode.CONSTANT, 5);
    PrioClient.Packets packets = h.client.encodePackets(new Random(5).longs(16, 0, 2).toArray());
    byte[] plaintext =
        ClientPacketCodec.write(CONFIG, s == ServerId.A ? packets.forA() : packets.forB());
    PrioServer server = s == ServerId.A ? h.serverA : h.serverB;
    Random rnd = new Random(6);
    List<String> failures = new ArrayList<>();
    int accepted = 0;
    for (int k = 0; k < 1500; k++) {
      byte[] mutated = Mutations.mutate(rnd, plaintext);
      byte[] ct =
          PacketCrypto.encrypt(
              s == ServerId.A ? SnipHarness.PUB_A : SnipHarness.PUB_B,
              mutated,
              SnipHarness.seeded(k));
      if (rnd.nextInt(4) == 0) {
        ct[rnd.nextInt(ct.length)] ^= 1; // sometimes break the envelope too
      }
      try {
        server.setData(ct);
        accepted++;
      } catch (PrioException expected) {
        // typed reject
      } catch (Throwable t) {
        if (failures.size() < 5) {
          failures.add(t + " on " + HexFormat.of().formatHex(mutated));
        }
      }
    }
    assertThat(failures).isEmpty();
    assertThat(accepted).isPositive();
  }
}
