package dev.prio.server.round;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

/** The two-long checksum is the documented sum mod 2^128 of SHA-256 prefixes, carries included. */
class IdChecksumTest {
  @Test
  void equalsTheBigIntegerDefinition() throws Exception {
    BigInteger expected = BigInteger.ZERO;
    IdChecksum sum = new IdChecksum();
    for (int i = 0; i < 2_000; i++) {
      String id = "id-" + i;
      byte[] d = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
      expected =
          expected
              .add(new BigInteger(1, java.util.Arrays.copyOf(d, 16)))
              .mod(BigInteger.ONE.shiftLeft(128));
      sum.add(id);
    }
    assertThat(sum.hex()).isEqualTo(String.format("%032x", expected));
    assertThat(IdChecksum.parse(sum.hex()).hex()).isEqualTo(sum.hex());
    assertThat(
            new IdChecksum()
                .add(IdChecksum.parse("ffffffffffffffffffffffffffffffff"))
                .add(IdChecksum.parse("2"))
                .hex())
        .isEqualTo("00000000000000000000000000000001");
  }
}
