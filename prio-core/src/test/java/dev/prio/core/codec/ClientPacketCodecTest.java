package dev.prio.core.codec;

import static dev.prio.core.support.AnnotatedHex.parse;
import static dev.prio.core.support.AnnotatedHex.toHex;
import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.error.PrioException;
import dev.prio.core.error.RejectReason;
import dev.prio.core.packet.ClientPacket;
import dev.prio.core.packet.ClientPacketA;
import dev.prio.core.packet.ClientPacketB;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import dev.prio.core.prg.PrgKeyMode;
import dev.prio.core.snip.PrioClient;
import dev.prio.core.support.Fixture;
import dev.prio.core.support.FixturePlaintexts;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ClientPacketCodec}: round trips and each reader check of spec §5.2 and §9 with its reason.
 */
class ClientPacketCodecTest {
  static final PrioConfig CONFIG = PrioConfig.of(5, "test");
  static final String A = FixturePlaintexts.ROW1_A;
  static final String B = FixturePlaintexts.ROW1_B;
  static final String TRIPLE_A = "ab 1b5fa99da61a3475c8dee2";
  static final String DATA_0 = "ab 3cf8f212adad45da866e69";
  static final String H_7 = "ab 2e5ac48943d95f66bf0479";
  static final String B_SEED = "b0 8ca6431e593759e5c5105f5bc0a2bd8e";

  static RejectReason reject(PrioConfig config, ServerId s, byte[] bytes) {
    try {
      ClientPacketCodec.read(config, s, bytes);
    } catch (PrioException e) {
      return e.reason();
    }
    throw new AssertionError("packet accepted: " + toHex(bytes));
  }

  static RejectReason rejectA(String annotated) {
    return reject(CONFIG, ServerId.A, parse(annotated));
  }

  static RejectReason rejectB(String annotated) {
    return reject(CONFIG, ServerId.B, parse(annotated));
  }

  static String replace(String annotated, String field, String with) {
    assertThat(annotated).contains(field);
    return annotated.replace(field, with);
  }

  static SecureRandom seeded(long seed) throws Exception {
    SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
    r.setSeed(seed);
    return r;
  }

  // ---- round trips of encoder output ----

  @ParameterizedTest(name = "n_data {0}")
  @ValueSource(ints = {1, 2, 3, 4, 14, 15, 16, 441, 2046, 2047, 5000})
  void encoderPacketsRoundTrip(int nData) throws Exception {
    PrioConfig config =
        PrioConfig.of(nData, nData > 2000 ? "content.blocking_blocked_TESTONLY-0" : "test");
    PrioClient client =
        new PrioClient(
            config,
            Fixture.SET.publicKey(ServerId.A),
            Fixture.SET.publicKey(ServerId.B),
            PrgKeyMode.LEGACY,
            seeded(nData));
    long[] bits = new Random(nData).longs(nData, 0, 2).toArray();
    PrioClient.Packets p = client.encodePackets(bits);
    for (ClientPacket packet : new ClientPacket[] {p.forA(), p.forB()}) {
      byte[] bytes = ClientPacketCodec.write(config, packet);
      assertThat(bytes.length).isLessThanOrEqualTo(config.maxPlaintextLength(packet.serverId()));
      ClientPacket back = ClientPacketCodec.read(config, packet.serverId(), bytes);
      assertThat(ClientPacketCodec.write(config, back)).containsExactly(bytes);
      assertThat(back.triple()).isEqualTo(packet.triple());
      if (back instanceof ClientPacketA a) {
        assertThat(a.dataShares()).containsExactly(p.forA().dataShares());
        assertThat(a.hPoints()).containsExactly(p.forA().hPoints());
      } else {
        assertThat(((ClientPacketB) back).seed()).containsExactly(p.forB().seed());
      }
    }
  }

  @Test
  void array16HeadersForTheFirefoxSize() throws Exception {
    PrioConfig config = PrioConfig.of(2046, "content.blocking_blocked_TESTONLY-0");
    PrioClient client =
        new PrioClient(
            config,
            Fixture.SET.publicKey(ServerId.A),
            Fixture.SET.publicKey(ServerId.B),
            PrgKeyMode.LEGACY,
            seeded(1));
    byte[] a = ClientPacketCodec.write(config, client.encodePackets(new long[2046]).forA());
    assertThat(toHex(Arrays.copyOf(a, 2))).isEqualTo("d923"); // str8(35) batch id
    assertThat(toHex(a)).contains("dc07fe").contains("dc0800"); // array16 of 2046, then of 2048
    assertThat(a.length).isLessThanOrEqualTo(49244);
  }

  // ---- §9 checks, one reason each ----

  @ParameterizedTest(name = "batch id {0}")
  @ValueSource(strings = {"tesT", "tes", "test2", "", "TEST"})
  void batchIdMismatch(String other) {
    PrioConfig otherConfig = PrioConfig.of(5, other);
    assertThat(reject(otherConfig, ServerId.A, parse(A))).isEqualTo(RejectReason.BATCH_ID_MISMATCH);
    assertThat(reject(otherConfig, ServerId.B, parse(B))).isEqualTo(RejectReason.BATCH_ID_MISMATCH);
  }

  @Test
  void batchIdWithDifferentBytesSameLength() {
    assertThat(rejectA(replace(A, "a4 74657374", "a4 74657375")))
        .isEqualTo(RejectReason.BATCH_ID_MISMATCH);
  }

  @Test
  void batchIdThatIsNotAStr() {
    assertThat(rejectA(replace(A, "a4 74657374", "c4 04 74657374")))
        .isEqualTo(RejectReason.MALFORMED_PACKET);
  }

  @Test
  void wrongServerId() {
    assertThat(reject(CONFIG, ServerId.B, parse(A))).isEqualTo(RejectReason.WRONG_SERVER_ID);
    assertThat(reject(CONFIG, ServerId.A, parse(B))).isEqualTo(RejectReason.WRONG_SERVER_ID);
    assertThat(rejectB(replace(B, "\n01 ", "\n02 "))).isEqualTo(RejectReason.WRONG_SERVER_ID);
    assertThat(rejectB(replace(B, "\n01 ", "\ncf 0000000100000001 ")))
        .isEqualTo(RejectReason.WRONG_SERVER_ID);
  }

  @Test
  void serverIdThatIsNegativeOrNotAnInt() {
    assertThat(rejectA(replace(A, "\n00 ", "\nff ")))
        .isEqualTo(RejectReason.MALFORMED_PACKET); // fixint −1
    assertThat(rejectA(replace(A, "\n00 ", "\nd0 ff ")))
        .isEqualTo(RejectReason.MALFORMED_PACKET); // int8 −1
    assertThat(rejectA(replace(A, "\n00 ", "\nc2 ")))
        .isEqualTo(RejectReason.MALFORMED_PACKET); // false
    assertThat(rejectA(replace(A, "\n00 ", "\na1 00 ")))
        .isEqualTo(RejectReason.MALFORMED_PACKET); // str
  }

  @Test
  void dataArrayTooShortOrTooLong() {
    assertThat(reject(PrioConfig.of(4, "test"), ServerId.A, parse(A)))
        .isEqualTo(RejectReason.WRONG_LENGTH);
    assertThat(reject(PrioConfig.of(6, "test"), ServerId.A, parse(A)))
        .isEqualTo(RejectReason.WRONG_LENGTH);
    String shorter = replace(replace(A, "\n95 ", "\n94 "), DATA_0, "");
    assertThat(rejectA(shorter)).isEqualTo(RejectReason.WRONG_LENGTH);
    String longer = replace(A, "\n95 ", "\n96 " + DATA_0 + " ");
    assertThat(rejectA(longer)).isEqualTo(RejectReason.WRONG_LENGTH);
  }

  @Test
  void hArrayTooShortOrTooLong() {
    String shorter = replace(replace(A, "\n98 ", "\n97 "), H_7, "");
    assertThat(rejectA(shorter)).isEqualTo(RejectReason.WRONG_LENGTH);
    String longer = replace(A, "\n98 ", "\n99 " + H_7 + " ");
    assertThat(rejectA(longer)).isEqualTo(RejectReason.WRONG_LENGTH);
  }

  @Test
  void arraysThatAreNotArrays() {
    assertThat(rejectA(replace(A, "\n95 ", "\n85 ")))
        .isEqualTo(RejectReason.MALFORMED_PACKET); // fixmap
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "ab 8000000000000000080001", // p
        "ab 8000000000000000080002", // p + 1
        "ab 8000000000000000100000",
        "ab 8100000000000000000000",
        "ab ffffffffffffffffffffff" // 2^88 − 1
      })
  void valueAtOrAboveP(String value) {
    for (String field : new String[] {TRIPLE_A, "ab 21c8a7a11a14f060425991", DATA_0, H_7}) {
      assertThat(rejectA(replace(A, field, value)))
          .as(field)
          .isEqualTo(RejectReason.VALUE_OUT_OF_RANGE);
    }
    assertThat(rejectB(replace(B, "ab 6c03b9944d1410cbc22a11", value)))
        .isEqualTo(RejectReason.VALUE_OUT_OF_RANGE);
  }

  @Test
  void pMinusOneIsAccepted() throws Exception {
    ClientPacketA a =
        (ClientPacketA)
            ClientPacketCodec.read(
                CONFIG, ServerId.A, parse(replace(A, H_7, "ab 8000000000000000080000")));
    assertThat(a.hPoints()[15]).isEqualTo(0x800000L);
  }

  @Test
  void twelveByteMpInt() {
    assertThat(rejectA(replace(A, TRIPLE_A, "ac 01 1b5fa99da61a3475c8dee2")))
        .isEqualTo(RejectReason.VALUE_OUT_OF_RANGE);
    assertThat(rejectA(replace(A, DATA_0, "d9 20 " + "01".repeat(32))))
        .isEqualTo(RejectReason.VALUE_OUT_OF_RANGE);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"c4 0b", "c5 000b", "c6 0000000b"})
  void binInsteadOfStr(String binHeader) {
    assertThat(rejectA(replace(A, TRIPLE_A, binHeader + " 1b5fa99da61a3475c8dee2")))
        .isEqualTo(RejectReason.MALFORMED_PACKET);
    assertThat(rejectA(replace(A, DATA_0, binHeader + " 3cf8f212adad45da866e69")))
        .isEqualTo(RejectReason.MALFORMED_PACKET);
    assertThat(
            rejectB(
                replace(
                    B,
                    B_SEED,
                    binHeader.replace("0b", "10") + " 8ca6431e593759e5c5105f5bc0a2bd8e")))
        .isEqualTo(RejectReason.MALFORMED_PACKET);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"01", "cc 05", "cb 0000000000000000", "c0"})
  void intOrNilInsteadOfMpInt(String value) {
    assertThat(rejectA(replace(A, TRIPLE_A, value))).isEqualTo(RejectReason.MALFORMED_PACKET);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"d9 ff", "da ffff", "db ffffffff", "db 7fffffff", "db 80000000"})
  void strLengthBeyondTheBuffer(String header) {
    assertThat(rejectA(replace(A, "a4 74657374", header + " 74657374")))
        .isEqualTo(RejectReason.MALFORMED_PACKET);
    assertThat(rejectA(replace(A, H_7, header + " 2e5ac48943d95f66bf0479")))
        .isEqualTo(RejectReason.MALFORMED_PACKET);
    assertThat(rejectB(replace(B, B_SEED, header + " 8ca6431e593759e5c5105f5bc0a2bd8e")))
        .isEqualTo(RejectReason.MALFORMED_PACKET);
  }

  @Test
  void fixstrLengthBeyondTheLastBytes() {
    assertThat(rejectA(replace(A, H_7, "bf 2e5ac48943d95f66bf0479")))
        .isEqualTo(RejectReason.MALFORMED_PACKET);
    assertThat(rejectB(replace(B, B_SEED, "b1 8ca6431e593759e5c5105f5bc0a2bd8e")))
        .isEqualTo(RejectReason.MALFORMED_PACKET);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"dc ffff", "dd ffffffff", "dd 7fffffff", "dd 80000000", "dc 0100"})
  void arrayLengthBeyondTheBuffer(String header) {
    assertThat(rejectA(replace(A, "\n95 ", "\n" + header + " ")))
        .isEqualTo(RejectReason.MALFORMED_PACKET);
    assertThat(rejectA(replace(A, "\n98 ", "\n" + header + " ")))
        .isEqualTo(RejectReason.MALFORMED_PACKET);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(ServerId.class)
  void truncatedAtEveryOffset(ServerId s) {
    byte[] full = parse(s == ServerId.A ? A : B);
    for (int len = 0; len < full.length; len++) {
      assertThat(reject(CONFIG, s, Arrays.copyOf(full, len)))
          .as("truncated to %d", len)
          .isEqualTo(RejectReason.MALFORMED_PACKET);
    }
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 1, 15, 17, 32})
  void bSeedOfTheWrongLength(int length) {
    String header = length < 32 ? String.format("%02x", 0xa0 | length) : "d9 20";
    String seed = header + " " + "5a".repeat(length);
    assertThat(rejectB(replace(B, B_SEED, seed))).isEqualTo(RejectReason.WRONG_LENGTH);
  }

  // ---- quirks libprio accepts, and so do we ----

  @Test
  void leadingZerosAndEmptyBodiesAreAccepted() throws Exception {
    String quirky =
        replace(
            replace(
                replace(A, TRIPLE_A, "ac 00 1b5fa99da61a3475c8dee2"), // 12 bytes, leading zero
                DATA_0,
                "d9 14 000000000000000000 3cf8f212adad45da866e69"), // 20 bytes, 9 leading zeros
            "ab 21c8a7a11a14f060425991",
            "a0"); // h0 = 0 as an empty str
    ClientPacketA a = (ClientPacketA) ClientPacketCodec.read(CONFIG, ServerId.A, parse(quirky));
    ClientPacketA plain = (ClientPacketA) ClientPacketCodec.read(CONFIG, ServerId.A, parse(A));
    assertThat(a.triple()).isEqualTo(plain.triple());
    assertThat(a.dataShares()).containsExactly(plain.dataShares());
    assertThat(a.h0Share().isZero()).isTrue();
  }

  @Test
  void nonMinimalLengthsAreAccepted() throws Exception {
    String quirky =
        replace(
            replace(
                replace(
                    replace(
                        replace(A, "a4 74657374", "db 00000004 74657374"),
                        TRIPLE_A,
                        "d9 0b 1b5fa99da61a3475c8dee2"),
                    DATA_0,
                    "da 000b 3cf8f212adad45da866e69"),
                "\n95 ",
                "\ndc 0005 "),
            "\n98 ",
            "\ndd 00000008 ");
    quirky = replace(quirky, "\n00 ", "\ncc 00 ");
    ClientPacket a = ClientPacketCodec.read(CONFIG, ServerId.A, parse(quirky));
    assertThat(ClientPacketCodec.write(CONFIG, a)).containsExactly(parse(A));
    String quirkyB =
        replace(
            replace(B, "\n01 ", "\nd3 0000000000000001 "),
            B_SEED,
            "d9 10 8ca6431e593759e5c5105f5bc0a2bd8e");
    ClientPacket b = ClientPacketCodec.read(CONFIG, ServerId.B, parse(quirkyB));
    assertThat(ClientPacketCodec.write(CONFIG, b)).containsExactly(parse(B));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(ServerId.class)
  void trailingBytesOnClientPacketsAreIgnored(ServerId s) throws Exception {
    byte[] full = parse(s == ServerId.A ? A : B);
    for (String tail :
        new String[] {"00", "ab 8000000000000000080001", "ffffffff", "db ffffffff"}) {
      byte[] withTail = concat(full, parse(tail));
      ClientPacket p = ClientPacketCodec.read(CONFIG, s, withTail);
      assertThat(ClientPacketCodec.write(CONFIG, p)).containsExactly(full);
    }
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
