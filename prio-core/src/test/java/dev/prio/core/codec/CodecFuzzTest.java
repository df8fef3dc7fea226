package dev.prio.core.codec;

import static dev.prio.core.support.AnnotatedHex.parse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.error.PrioException;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import dev.prio.core.support.FixturePlaintexts;
import dev.prio.core.support.Mutations;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every codec, fed seeded random bytes, random msgpack-shaped token soup and random mutations of
 * valid packets, either parses or throws {@link PrioException}: nothing else may escape (spec §9).
 */
class CodecFuzzTest {
  static final PrioConfig CONFIG = PrioConfig.of(5, "test");
  static final int CASES = 10_000;

  enum Codec {
    CLIENT_A(FixturePlaintexts.ROW1_A) {
      @Override
      void read(byte[] b) throws PrioException {
        ClientPacketCodec.read(CONFIG, ServerId.A, b);
      }
    },
    CLIENT_B(FixturePlaintexts.ROW1_B) {
      @Override
      void read(byte[] b) throws PrioException {
        ClientPacketCodec.read(CONFIG, ServerId.B, b);
      }
    },
    VERIFY1("ab 679f087f4bc7a0460a09e4 ab 1fbe4e104d51d267a205e1") {
      @Override
      void read(byte[] b) throws PrioException {
        PacketVerify1Codec.read(b);
      }
    },
    VERIFY2("ab 68eb7783eddf1c9ac21436") {
      @Override
      void read(byte[] b) throws PrioException {
        PacketVerify2Codec.read(b);
      }
    },
    TOTAL_SHARE(
        """
        00 95 ab 6714b85705b39d3762af31 ab 2f8e2edf0b95ce0245142d ab 2e426c3f80a64763580a1b
              ab 529286175a3c3e8e83f7e7 ab 74cf7eaca29cf779966a78
        """) {
      @Override
      void read(byte[] b) throws PrioException {
        TotalShareCodec.read(b, 5);
      }
    };

    final byte[] valid;

    Codec(String annotated) {
      this.valid = parse(annotated);
    }

    abstract void read(byte[] b) throws PrioException;
  }

  /** Parses or rejects; any other throwable is a finding, reported with the input. */
  static boolean parses(Codec codec, byte[] input, List<String> failures) {
    try {
      codec.read(input);
      return true;
    } catch (PrioException expected) {
      assertThat(expected.reason()).isNotNull();
      return false;
    } catch (Throwable t) {
      if (failures.size() < 5) {
        failures.add(t + " on " + HexFormat.of().formatHex(input));
      }
      return false;
    }
  }

  @ParameterizedTest
  @EnumSource(Codec.class)
  void randomBytes(Codec codec) {
    Random rnd = new Random(1 + codec.ordinal());
    List<String> failures = new ArrayList<>();
    for (int k = 0; k < CASES; k++) {
      byte[] b = new byte[rnd.nextInt(k % 10 == 0 ? 2000 : 64)];
      rnd.nextBytes(b);
      parses(codec, b, failures);
    }
    assertThat(failures).isEmpty();
  }

  /**
   * Sequences of msgpack headers with random (often lying) lengths: reach past the first object.
   */
  @ParameterizedTest
  @EnumSource(Codec.class)
  void randomMsgpackTokens(Codec codec) {
    Random rnd = new Random(100 + codec.ordinal());
    List<String> failures = new ArrayList<>();
    for (int k = 0; k < CASES; k++) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (rnd.nextBoolean()) {
        out.writeBytes(
            parse("a4 74657374")); // the right batch id, to get further into client packets
      }
      for (int t = rnd.nextInt(30); t > 0; t--) {
        token(rnd, out);
      }
      parses(codec, out.toByteArray(), failures);
    }
    assertThat(failures).isEmpty();
  }

  static void token(Random rnd, ByteArrayOutputStream out) {
    int len = rnd.nextInt(4) == 0 ? rnd.nextInt() : rnd.nextInt(20);
    switch (rnd.nextInt(12)) {
      case 0 -> out.write(0xa0 | (len & 0x1f));
      case 1 -> {
        out.write(0xd9);
        out.write(len);
      }
      case 2 -> {
        out.write(0xda);
        out.write(len >>> 8);
        out.write(len);
      }
      case 3 -> {
        out.write(0xdb);
        out.writeBytes(
            new byte[] {(byte) (len >>> 24), (byte) (len >>> 16), (byte) (len >>> 8), (byte) len});
      }
      case 4 -> out.write(0x90 | (len & 0x0f));
      case 5 -> {
        out.write(0xdc);
        out.write(len >>> 8);
        out.write(len);
      }
      case 6 -> {
        out.write(0xdd);
        out.writeBytes(
            new byte[] {(byte) (len >>> 24), (byte) (len >>> 16), (byte) (len >>> 8), (byte) len});
      }
      case 7 -> out.write(rnd.nextInt(3)); // fixint 0, 1, 2
      case 8 -> {
        out.write(0xcc + rnd.nextInt(8));
        out.writeBytes(randomBytes(rnd, 1 + rnd.nextInt(8)));
      }
      case 9 -> {
        out.write(0xab);
        out.writeBytes(randomBytes(rnd, 11));
      }
      case 10 -> {
        out.write(0xc4 + rnd.nextInt(3));
        out.write(len);
      }
      default -> out.writeBytes(randomBytes(rnd, rnd.nextInt(12)));
    }
  }

  static byte[] randomBytes(Random rnd, int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return b;
  }

  @ParameterizedTest
  @EnumSource(Codec.class)
  void mutationsOfValidPackets(Codec codec) {
    Random rnd = new Random(200 + codec.ordinal());
    List<String> failures = new ArrayList<>();
    assertThat(parses(codec, codec.valid, failures)).isTrue();
    int parsed = 0;
    for (int k = 0; k < CASES; k++) {
      byte[] b = Mutations.mutate(rnd, codec.valid);
      if (parses(codec, b, failures)) {
        parsed++;
      }
    }
    assertThat(failures).isEmpty();
    assertThat(parsed).as("some mutations stay valid, so the fuzzer reaches the end").isPositive();
  }
}
