package dev.prio.core.codec;

import static dev.prio.core.support.AnnotatedHex.parse;
import static dev.prio.core.support.AnnotatedHex.toHex;
import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.packet.ClientPacketA;
import dev.prio.core.packet.ClientPacketB;
import dev.prio.core.packet.PacketVerify1;
import dev.prio.core.packet.PacketVerify2;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import dev.prio.core.packet.TotalShare;
import dev.prio.core.support.FixturePlaintexts;
import dev.prio.core.support.Packed;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * Codec round trips on the spec §5 examples, written as annotated hex (one msgpack field per line,
 * modelled on Janus's roundtrip_encoding): read gives the annotated values, write gives the bytes
 * back.
 */
class AnnotatedHexRoundTripTest {
  static final PrioConfig FIXTURE = PrioConfig.of(5, "test");

  @Test
  void verify1FixtureRow1A() throws Exception {
    byte[] bytes =
        parse(
            """
        ab 679f087f4bc7a0460a09e4    # share_d = fR − a
        ab 1fbe4e104d51d267a205e1    # share_e = gR − b
        """);
    assertThat(Base64.getEncoder().encodeToString(bytes))
        .isEqualTo("q2efCH9Lx6BGCgnkqx++ThBNUdJnogXh");
    PacketVerify1 v = PacketVerify1Codec.read(bytes);
    assertThat(v.shareD()).isEqualTo(Packed.fe("679f087f4bc7a0460a09e4"));
    assertThat(v.shareE()).isEqualTo(Packed.fe("1fbe4e104d51d267a205e1"));
    assertThat(PacketVerify1Codec.write(v)).containsExactly(bytes);
  }

  @Test
  void verify1WithShortElements() throws Exception {
    byte[] bytes =
        parse(
            """
        a1 00                        # share_d = 0: one byte 00
        aa 01000000000000000000      # share_e = 2^72: 10 bytes
        """);
    PacketVerify1 v = PacketVerify1Codec.read(bytes);
    assertThat(v.shareD().isZero()).isTrue();
    assertThat(v.shareE()).isEqualTo(Packed.fe("1000000000000000000"));
    assertThat(PacketVerify1Codec.write(v)).containsExactly(bytes);
  }

  @Test
  void verify2FixtureRow1A() throws Exception {
    byte[] bytes =
        parse(
            """
        ab 68eb7783eddf1c9ac21436    # share_out
        """);
    assertThat(Base64.getEncoder().encodeToString(bytes)).isEqualTo("q2jrd4Pt3xyawhQ2");
    PacketVerify2 v = PacketVerify2Codec.read(bytes);
    assertThat(v.shareOut()).isEqualTo(Packed.fe("68eb7783eddf1c9ac21436"));
    assertThat(PacketVerify2Codec.write(v)).containsExactly(bytes);
  }

  @Test
  void verify2MaximalValue() throws Exception {
    byte[] bytes =
        parse(
            """
        ab 8000000000000000080000    # share_out = p − 1
        """);
    assertThat(PacketVerify2Codec.write(PacketVerify2Codec.read(bytes))).containsExactly(bytes);
  }

  @Test
  void totalShareFixtureA() throws Exception {
    byte[] bytes =
        parse(
            """
        00                           # server index 0 (A)
        95                           # fixarray(5)
        ab 6714b85705b39d3762af31    # [0]
        ab 2f8e2edf0b95ce0245142d    # [1]
        ab 2e426c3f80a64763580a1b    # [2]
        ab 529286175a3c3e8e83f7e7    # [3]
        ab 74cf7eaca29cf779966a78    # [4]
        """);
    assertThat(bytes).hasSize(62);
    TotalShare t = TotalShareCodec.read(bytes, 5);
    assertThat(t.serverId()).isEqualTo(ServerId.A);
    assertThat(t.length()).isEqualTo(5);
    assertThat(Packed.big(t.dataShares(), 4).toString(16)).isEqualTo("74cf7eaca29cf779966a78");
    assertThat(TotalShareCodec.write(t)).containsExactly(bytes);
  }

  @Test
  void totalShareFixtureB() throws Exception {
    byte[] bytes =
        parse(
            """
        01                           # server index 1 (B)
        95                           # fixarray(5)
        ab 18eb47a8fa4c62c8a550d5    # [0]
        ab 5071d120f46a31fdc2ebd8    # [1]
        ab 51bd93c07f59b89caff5e9    # [2]
        ab 2d6d79e8a5c3c17184081c    # [3]
        ab 0b3081535d63088671958a    # [4]
        """);
    TotalShare t = TotalShareCodec.read(bytes, 5);
    assertThat(t.serverId()).isEqualTo(ServerId.B);
    assertThat(TotalShareCodec.write(t)).containsExactly(bytes);
  }

  @Test
  void totalShareWithArray16Header() throws Exception {
    long[] shares = new long[2 * 2046];
    TotalShare t = new TotalShare(ServerId.A, shares);
    byte[] bytes = TotalShareCodec.write(t);
    assertThat(toHex(java.util.Arrays.copyOf(bytes, 6)))
        .isEqualTo("00" + "dc07fe" + "a100"); // 0 is a1 00
    assertThat(bytes).hasSize(4 + 2 * 2046);
    assertThat(TotalShareCodec.write(TotalShareCodec.read(bytes, 2046))).containsExactly(bytes);
  }

  @Test
  void clientPacketAFixtureRow1() throws Exception {
    byte[] bytes = parse(FixturePlaintexts.ROW1_A);
    assertThat(bytes).hasSize(236);
    ClientPacketA a = (ClientPacketA) ClientPacketCodec.read(FIXTURE, ServerId.A, bytes);
    assertThat(a.triple().a()).isEqualTo(Packed.fe("1b5fa99da61a3475c8dee2"));
    assertThat(a.triple().b()).isEqualTo(Packed.fe("096bacdb310336a3f4893e"));
    assertThat(a.triple().c()).isEqualTo(Packed.fe("0ecbe344ad57d1594d7a6c"));
    assertThat(a.f0Share()).isEqualTo(Packed.fe("64a7eeac29868b9e3b901c"));
    assertThat(a.g0Share()).isEqualTo(Packed.fe("0a4590cffae43893d27403"));
    assertThat(a.h0Share()).isEqualTo(Packed.fe("21c8a7a11a14f060425991"));
    assertThat(a.dataShares()).hasSize(2 * 5);
    assertThat(Packed.big(a.dataShares(), 0).toString(16)).isEqualTo("3cf8f212adad45da866e69");
    assertThat(a.hPoints()).hasSize(2 * 8);
    assertThat(Packed.big(a.hPoints(), 7).toString(16)).isEqualTo("2e5ac48943d95f66bf0479");
    assertThat(ClientPacketCodec.write(FIXTURE, a)).containsExactly(bytes);
  }

  @Test
  void clientPacketBFixtureRow1() throws Exception {
    byte[] bytes = parse(FixturePlaintexts.ROW1_B);
    assertThat(bytes).hasSize(95);
    ClientPacketB b = (ClientPacketB) ClientPacketCodec.read(FIXTURE, ServerId.B, bytes);
    assertThat(toHex(b.seed())).isEqualTo("8ca6431e593759e5c5105f5bc0a2bd8e");
    assertThat(b.h0Share()).isEqualTo(Packed.fe("6c03b9944d1410cbc22a11"));
    assertThat(ClientPacketCodec.write(FIXTURE, b)).containsExactly(bytes);
  }

  @Test
  void clientPacketBWithStr8BatchId() throws Exception {
    PrioConfig firefox = PrioConfig.of(2046, "content.blocking_blocked_TESTONLY-0");
    byte[] bytes =
        parse(
            """
        d9 23 636f6e74656e742e626c6f636b696e675f626c6f636b65645f544553544f4e4c592d30  # str8(35) batch id
        ab 28f72b06ff830140ae460c    # triple.a
        ab 1a4151654050f3c9d21ddc    # triple.b
        ab 564bece5dc2abe2749bb45    # triple.c
        ab 6ec972a22ab5a3c1ebd521    # f0_share
        ab 1e19659653915097219820    # g0_share
        a1 00                        # h0_share = 0
        01                           # server id 1 (B)
        b0 8ca6431e593759e5c5105f5bc0a2bd8e  # fixstr(16) seed
        """);
    ClientPacketB b = (ClientPacketB) ClientPacketCodec.read(firefox, ServerId.B, bytes);
    assertThat(ClientPacketCodec.write(firefox, b)).containsExactly(bytes);
  }
}
