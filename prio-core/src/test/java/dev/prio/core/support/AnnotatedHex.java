package dev.prio.core.support;

import java.util.HexFormat;

/**
 * Bytes written as annotated hex, one msgpack field per line (modelled on Janus's {@code
 * roundtrip_encoding}): everything after {@code #} on a line is a comment, whitespace and {@code |}
 * separators are ignored.
 */
public final class AnnotatedHex {
  private AnnotatedHex() {}

  public static byte[] parse(String annotated) {
    StringBuilder hex = new StringBuilder();
    for (String line : annotated.split("\n")) {
      int comment = line.indexOf('#');
      String body = comment >= 0 ? line.substring(0, comment) : line;
      for (char c : body.toCharArray()) {
        if (!Character.isWhitespace(c) && c != '|') {
          hex.append(c);
        }
      }
    }
    return HexFormat.of().parseHex(hex);
  }

  public static byte[] hex(String plain) {
    return HexFormat.of().parseHex(plain.replaceAll("[\\s|]", ""));
  }

  public static String toHex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
