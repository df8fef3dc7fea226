package dev.prio.core.ndjson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The same bytes as the JDK's basic decoder, and an error exactly where it throws one. */
class Base64BytesTest {
  /** Alphabet characters at both ends of each run, padding, and what is not base64. */
  private static final byte[] CHARS = {
    'A',
    'Z',
    'a',
    'z',
    '0',
    '9',
    '+',
    '/',
    '=',
    '-',
    '_',
    ' ',
    '\n',
    '"',
    0,
    (byte) 0x80,
    (byte) 0xff
  };

  @Test
  void everyShortInputOverTheInterestingCharacters() {
    byte[] b = new byte[4];
    for (int len = 0; len <= 4; len++) {
      int cases = (int) Math.pow(CHARS.length, len);
      for (int c = 0; c < cases; c++) {
        int rest = c;
        for (int i = 0; i < len; i++) {
          b[i] = CHARS[rest % CHARS.length];
          rest /= CHARS.length;
        }
        agree(b, 0, len);
      }
    }
  }

  @Test
  void mostlyAlphabetInputsLongEnoughForTheWordLoop() {
    Random random = new Random(7);
    byte[] alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    for (int round = 0; round < 100_000; round++) {
      byte[] b = new byte[3 + random.nextInt(48)];
      for (int i = 0; i < b.length; i++) {
        b[i] =
            random.nextInt(16) == 0
                ? CHARS[random.nextInt(CHARS.length)]
                : alphabet[random.nextInt(alphabet.length)];
      }
      int from = random.nextInt(3);
      agree(b, from, random.nextInt(b.length - from + 1));
    }
  }

  @Test
  void encodedDataOfEveryLengthWithAndWithoutPaddingAndWithOneCharacterChanged() {
    Random random = new Random(11);
    Base64.Encoder[] encoders = {Base64.getEncoder(), Base64.getEncoder().withoutPadding()};
    for (int n = 0; n < 300; n++) {
      byte[] data = new byte[n];
      random.nextBytes(data);
      for (Base64.Encoder e : encoders) {
        byte[] text = e.encode(data);
        byte[] inLine = new byte[text.length + 7];
        System.arraycopy(text, 0, inLine, 3, text.length);
        assertThat(Base64Bytes.decode(inLine, 3, text.length)).isEqualTo(data);
        for (int k = 0; k < 20 && text.length > 0; k++) {
          byte[] changed = text.clone();
          changed[random.nextInt(changed.length)] = CHARS[random.nextInt(CHARS.length)];
          agree(changed, 0, changed.length);
        }
        if (text.length > 1) {
          agree(text, 0, text.length - 1); // cut short
        }
      }
    }
  }

  @Test
  void aPayloadSizedInputDecodesAsTheJdkDoes() {
    byte[] data = new byte[47_000];
    new Random(3).nextBytes(data);
    byte[] text = Base64.getEncoder().encode(data);
    assertThat(Base64Bytes.decode(text, 0, text.length)).isEqualTo(data);
    text[20_001] = '=';
    assertThatThrownBy(() -> Base64Bytes.decode(text, 0, text.length))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Base64.getDecoder().decode(text))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static void agree(byte[] b, int from, int len) {
    byte[] in = Arrays.copyOfRange(b, from, from + len);
    byte[] expected;
    try {
      expected = Base64.getDecoder().decode(in);
    } catch (IllegalArgumentException e) {
      assertThatThrownBy(() -> Base64Bytes.decode(b, from, len))
          .as("'%s' is refused", new String(in, java.nio.charset.StandardCharsets.ISO_8859_1))
          .isInstanceOf(IllegalArgumentException.class);
      return;
    }
    assertThat(Base64Bytes.decode(b, from, len))
        .as("'%s'", new String(in, java.nio.charset.StandardCharsets.ISO_8859_1))
        .isEqualTo(expected);
  }
}
