package dev.prio.core.codec;

import static dev.prio.core.support.AnnotatedHex.parse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.error.PrioException;
import dev.prio.core.error.RejectReason;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Verify1, verify2 and total-share readers (spec §9 item 4): strict, trailing bytes rejected. */
class PeerPacketCodecTest {
  static final String V1 = "ab 679f087f4bc7a0460a09e4  ab 1fbe4e104d51d267a205e1";
  static final String V2 = "ab 68eb7783eddf1c9ac21436";
  static final String TOTAL_A =
      """
      00 95 ab 6714b85705b39d3762af31 ab 2f8e2edf0b95ce0245142d ab 2e426c3f80a64763580a1b
            ab 529286175a3c3e8e83f7e7 ab 74cf7eaca29cf779966a78
      """;

  interface Reader {
    void read(byte[] bytes) throws PrioException;
  }

  static RejectReason reject(Reader reader, byte[] bytes) {
    try {
      reader.read(bytes);
    } catch (PrioException e) {
      return e.reason();
    }
    throw new AssertionError("accepted");
  }

  static final Reader VERIFY1 = PacketVerify1Codec::read;
  static final Reader VERIFY2 = PacketVerify2Codec::read;
  static final Reader TOTAL = b -> TotalShareCodec.read(b, 5);

  @ParameterizedTest(name = "tail {0}")
  @ValueSource(strings = {"00", "a100", "ab 1fbe4e104d51d267a205e1"})
  void trailingBytesAreRejected(String tail) {
    assertThat(reject(VERIFY1, parse(V1 + tail))).isEqualTo(RejectReason.MALFORMED_PACKET);
    assertThat(reject(VERIFY2, parse(V2 + tail))).isEqualTo(RejectReason.MALFORMED_PACKET);
    assertThat(reject(TOTAL, parse(TOTAL_A + tail))).isEqualTo(RejectReason.MALFORMED_PACKET);
  }

  @Test
  void truncatedAtEveryOffset() {
    for (String[] c : new String[][] {{"v1", V1}, {"v2", V2}, {"total", TOTAL_A}}) {
      byte[] full = parse(c[1]);
      Reader r = c[0].equals("v1") ? VERIFY1 : c[0].equals("v2") ? VERIFY2 : TOTAL;
      for (int len = 0; len < full.length; len++) {
        assertThat(reject(r, Arrays.copyOf(full, len)))
            .as("%s truncated to %d", c[0], len)
            .isEqualTo(RejectReason.MALFORMED_PACKET);
      }
    }
  }

  @Test
  void valuesAtOrAbovePAreRejected() {
    assertThat(reject(VERIFY1, parse("ab 8000000000000000080001 a1 00")))
        .isEqualTo(RejectReason.VALUE_OUT_OF_RANGE);
    assertThat(reject(VERIFY1, parse("a1 00 ab ffffffffffffffffffffff")))
        .isEqualTo(RejectReason.VALUE_OUT_OF_RANGE);
    assertThat(reject(VERIFY2, parse("ab 8000000000000000080001")))
        .isEqualTo(RejectReason.VALUE_OUT_OF_RANGE);
    assertThat(reject(VERIFY2, parse("ac 010000000000000000000000")))
        .isEqualTo(RejectReason.VALUE_OUT_OF_RANGE);
    assertThat(
            reject(
                TOTAL,
                parse(TOTAL_A.replace("ab 74cf7eaca29cf779966a78", "ab 8000000000000000080001"))))
        .isEqualTo(RejectReason.VALUE_OUT_OF_RANGE);
  }

  @Test
  void binInsteadOfStrIsRejected() {
    assertThat(reject(VERIFY2, parse("c4 0b 68eb7783eddf1c9ac21436")))
        .isEqualTo(RejectReason.MALFORMED_PACKET);
    assertThat(reject(VERIFY1, parse("ab 679f087f4bc7a0460a09e4 c4 01 00")))
        .isEqualTo(RejectReason.MALFORMED_PACKET);
  }

  @Test
  void verify1NeedsExactlyTwoValues() {
    assertThat(reject(VERIFY1, parse(V2))).isEqualTo(RejectReason.MALFORMED_PACKET);
    assertThat(reject(VERIFY1, parse(""))).isEqualTo(RejectReason.MALFORMED_PACKET);
    assertThat(reject(VERIFY1, parse("92" + V1)))
        .isEqualTo(RejectReason.MALFORMED_PACKET); // wrapped in an array
  }

  @Test
  void totalShareIndexMustBe0Or1() {
    assertThat(reject(TOTAL, parse("02" + TOTAL_A.substring(TOTAL_A.indexOf("95")))))
        .isEqualTo(RejectReason.WRONG_SERVER_ID);
    assertThat(reject(TOTAL, parse("cc 02" + TOTAL_A.substring(TOTAL_A.indexOf("95")))))
        .isEqualTo(RejectReason.WRONG_SERVER_ID);
    assertThat(reject(TOTAL, parse("ff" + TOTAL_A.substring(TOTAL_A.indexOf("95")))))
        .isEqualTo(RejectReason.MALFORMED_PACKET);
  }

  @Test
  void totalShareLengthMustBeNData() {
    byte[] bytes = parse(TOTAL_A);
    assertThat(reject(b -> TotalShareCodec.read(b, 4), bytes)).isEqualTo(RejectReason.WRONG_LENGTH);
    assertThat(reject(b -> TotalShareCodec.read(b, 6), bytes)).isEqualTo(RejectReason.WRONG_LENGTH);
  }

  @Test
  void declaredLengthsBeyondTheBuffer() {
    assertThat(reject(VERIFY2, parse("db ffffffff 68"))).isEqualTo(RejectReason.MALFORMED_PACKET);
    assertThat(reject(TOTAL, parse("00 dd ffffffff a100")))
        .isEqualTo(RejectReason.MALFORMED_PACKET);
  }

  @Test
  void leadingZerosAreAcceptedFromPeersToo() throws Exception {
    assertThat(PacketVerify2Codec.read(parse("ac 00 68eb7783eddf1c9ac21436")))
        .isEqualTo(PacketVerify2Codec.read(parse(V2)));
  }
}
