package dev.prio.core.ndjson;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The word-at-a-time searches find exactly what a byte loop finds. */
class BytesTest {
  @Test
  void agreeWithAByteLoop() {
    Random random = new Random(9);
    byte[] alphabet = {
      'A',
      'z',
      '0',
      '+',
      '/',
      '=',
      ' ',
      '!',
      '"',
      '#',
      '[',
      ']',
      '\\',
      '\n',
      '\r',
      0x1f,
      0x20,
      0x7f,
      (byte) 0x80,
      (byte) 0xff,
      0
    };
    for (int round = 0; round < 20_000; round++) {
      byte[] b = new byte[1 + random.nextInt(70)];
      for (int i = 0; i < b.length; i++) {
        b[i] =
            random.nextInt(6) == 0
                ? alphabet[random.nextInt(alphabet.length)]
                : (byte) ('a' + random.nextInt(26));
      }
      int from = random.nextInt(b.length);
      int to = from + random.nextInt(b.length - from + 1);
      assertThat(Bytes.indexOfNewline(b, from, to)).isEqualTo(naiveNewline(b, from, to));
      assertThat(Bytes.indexOfLineEnd(b, from, to)).isEqualTo(naiveLineEnd(b, from, to));
      assertThat(Bytes.endOfPlainAscii(b, from, to)).isEqualTo(naivePlain(b, from, to));
    }
  }

  private static int naiveNewline(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static int naiveLineEnd(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == '\n' || b[i] == '\r') {
        return i;
      }
    }
    return -1;
  }

  private static int naivePlain(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      int c = b[i] & 0xff;
      if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) {
        return i;
      }
    }
    return to;
  }
}
