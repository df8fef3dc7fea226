package dev.prio.core.json;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON parser (RFC 8259) that yields the same values Python's {@code json.loads}
 * does, in the shapes prio-cli's {@code PyJson} writes back: objects become insertion-ordered
 * {@link LinkedHashMap}s (a repeated key keeps its first position and takes the last value, as a
 * Python dict does), arrays {@link ArrayList}s, integers {@link BigInteger}, numbers with a
 * fraction or exponent {@link Double}, plus {@link String}, {@link Boolean} and {@code null}.
 *
 * <p>Stricter than Python in one respect: the non-standard literals {@code NaN}, {@code Infinity}
 * and {@code -Infinity} are rejected.
 */
public final class JsonParser {
  /** Deeper nesting than any prio-processor file is refused instead of overflowing the stack. */
  static final int MAX_DEPTH = 256;

  private final String s;
  private int pos;

  private JsonParser(String s) {
    this.s = s;
  }

  /** Parses one JSON document; surrounding whitespace is allowed, anything else after it is not. */
  public static Object parse(String text) throws JsonException {
    JsonParser p = new JsonParser(text);
    p.skipWhitespace();
    Object v = p.value(0);
    p.skipWhitespace();
    if (p.pos != text.length()) {
      throw p.error("extra data after the JSON value");
    }
    return v;
  }

  /** Malformed JSON; the message names the column (1-based) and never quotes the input. */
  public static final class JsonException extends Exception {
    private static final long serialVersionUID = 1L;

    JsonException(String message) {
      super(message);
    }
  }

  private JsonException error(String what) {
    return new JsonException(what + " at column " + (pos + 1));
  }

  private void skipWhitespace() {
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        pos++;
      } else {
        break;
      }
    }
  }

  private Object value(int depth) throws JsonException {
    if (pos >= s.length()) {
      throw error("expected a value");
    }
    char c = s.charAt(pos);
    switch (c) {
      case '{':
        return object(depth + 1);
      case '[':
        return array(depth + 1);
      case '"':
        return string();
      case 't':
        literal("true");
        return Boolean.TRUE;
      case 'f':
        literal("false");
        return Boolean.FALSE;
      case 'n':
        literal("null");
        return null;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw error("expected a value");
    }
  }

  private void literal(String word) throws JsonException {
    if (!s.startsWith(word, pos)) {
      throw error("expected a value");
    }
    pos += word.length();
  }

  private Map<String, Object> object(int depth) throws JsonException {
    if (depth > MAX_DEPTH) {
      throw error("nesting deeper than " + MAX_DEPTH);
    }
    pos++; // '{'
    Map<String, Object> map = new LinkedHashMap<>();
    skipWhitespace();
    if (peek() == '}') {
      pos++;
      return map;
    }
    while (true) {
      skipWhitespace();
      if (peek() != '"') {
        throw error("expected a property name in double quotes");
      }
      String key = string();
      skipWhitespace();
      if (peek() != ':') {
        throw error("expected ':'");
      }
      pos++;
      skipWhitespace();
      map.put(key, value(depth));
      skipWhitespace();
      char c = peek();
      if (c == ',') {
        pos++;
      } else if (c == '}') {
        pos++;
        return map;
      } else {
        throw error("expected ',' or '}'");
      }
    }
  }

  private List<Object> array(int depth) throws JsonException {
    if (depth > MAX_DEPTH) {
      throw error("nesting deeper than " + MAX_DEPTH);
    }
    pos++; // '['
    List<Object> list = new ArrayList<>();
    skipWhitespace();
    if (peek() == ']') {
      pos++;
      return list;
    }
    while (true) {
      skipWhitespace();
      list.add(value(depth));
      skipWhitespace();
      char c = peek();
      if (c == ',') {
        pos++;
      } else if (c == ']') {
        pos++;
        return list;
      } else {
        throw error("expected ',' or ']'");
      }
    }
  }

  /** 0 at end of input: never a legal structural character, so it always takes the error path. */
  private char peek() {
    return pos < s.length() ? s.charAt(pos) : 0;
  }

  private String string() throws JsonException {
    pos++; // opening quote
    StringBuilder sb = null;
    int start = pos;
    while (true) {
      if (pos >= s.length()) {
        throw error("unterminated string");
      }
      char c = s.charAt(pos);
      if (c == '"') {
        String result = sb == null ? s.substring(start, pos) : sb.append(s, start, pos).toString();
        pos++;
        return result;
      }
      if (c < 0x20) {
        throw error("control character in string");
      }
      if (c != '\\') {
        pos++;
        continue;
      }
      if (sb == null) {
        sb = new StringBuilder();
      }
      sb.append(s, start, pos);
      pos++;
      if (pos >= s.length()) {
        throw error("unterminated string");
      }
      char e = s.charAt(pos++);
      switch (e) {
        case '"' -> sb.append('"');
        case '\\' -> sb.append('\\');
        case '/' -> sb.append('/');
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'u' -> sb.append(hex4());
        default -> {
          pos--;
          throw error("invalid escape");
        }
      }
      start = pos;
    }
  }

  /** Four hex digits; a lone surrogate is kept as is, as Python keeps it. */
  private char hex4() throws JsonException {
    if (pos + 4 > s.length()) {
      throw error("invalid \\u escape");
    }
    int v = 0;
    for (int i = 0; i < 4; i++) {
      int d = Character.digit(s.charAt(pos + i), 16);
      if (d < 0 || s.charAt(pos + i) > 'f') {
        throw error("invalid \\u escape");
      }
      v = (v << 4) | d;
    }
    pos += 4;
    return (char) v;
  }

  private Object number() throws JsonException {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    char c = peek();
    if (c == '0') {
      pos++;
    } else if (c >= '1' && c <= '9') {
      digits();
    } else {
      throw error("invalid number");
    }
    boolean integral = true;
    if (peek() == '.') {
      pos++;
      if (!isDigit(peek())) {
        throw error("invalid number");
      }
      digits();
      integral = false;
    }
    if (peek() == 'e' || peek() == 'E') {
      pos++;
      if (peek() == '+' || peek() == '-') {
        pos++;
      }
      if (!isDigit(peek())) {
        throw error("invalid number");
      }
      digits();
      integral = false;
    }
    String text = s.substring(start, pos);
    return integral ? new BigInteger(text) : Double.valueOf(Double.parseDouble(text));
  }

  private void digits() {
    while (isDigit(peek())) {
      pos++;
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
