package dev.prio.server.signing;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of RFC 8941 (Structured Field Values) that HTTP Message Signatures and Content-Digest
 * need: parsing and serialising dictionaries whose members are items or inner lists, with
 * parameters, and bare items of type integer, decimal, string, token, byte sequence and boolean.
 * Serialisation is canonical (RFC 8941 §4.1), so parse-then-serialise of a canonical field gives
 * back the same text, which is what {@code @signature-params} and the {@code key} parameter rely on.
 */
public final class StructuredFields {
  private StructuredFields() {}

  /** A token bare item (RFC 8941 §3.3.4). */
  public record Token(String value) {
    @Override
    public String toString() {
      return value;
    }
  }

  /** A byte-sequence bare item (RFC 8941 §3.3.5). */
  public record ByteSequence(byte[] value) {
    @Override
    public boolean equals(Object o) {
      return o instanceof ByteSequence b && Arrays.equals(value, b.value);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return ":" + Base64.getEncoder().encodeToString(value) + ":";
    }
  }

  /** A member value: an item or an inner list. */
  public sealed interface Member permits Item, InnerList {
    Map<String, Object> params();
  }

  /** A bare item with parameters. Values are Long, BigDecimal, String, Token, ByteSequence or Boolean. */
  public record Item(Object value, Map<String, Object> params) implements Member {
    public Item {
      params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    public static Item of(Object value) {
      return new Item(value, Map.of());
    }
  }

  /** An inner list of items with parameters. */
  public record InnerList(List<Item> items, Map<String, Object> params) implements Member {
    public InnerList {
      items = List.copyOf(items);
      params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }
  }

  /** Thrown for any text that is not a valid structured field of the expected type. */
  public static final class ParseException extends Exception {
    private static final long serialVersionUID = 1L;

    ParseException(String message, int at) {
      super(message + " at " + at);
    }
  }

  // ---------------------------------------------------------------- serialisation (§4.1)

  public static String serializeDictionary(Map<String, ? extends Member> dict) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, ? extends Member> e : dict.entrySet()) {
      if (!sb.isEmpty()) {
        sb.append(", ");
      }
      checkKey(e.getKey());
      sb.append(e.getKey());
      Member m = e.getValue();
      if (m instanceof Item i && Boolean.TRUE.equals(i.value())) {
        appendParams(sb, i.params());
      } else {
        sb.append('=');
        appendMember(sb, m);
      }
    }
    return sb.toString();
  }

  public static String serializeMember(Member m) {
    StringBuilder sb = new StringBuilder();
    appendMember(sb, m);
    return sb.toString();
  }

  public static String serializeItem(Item item) {
    StringBuilder sb = new StringBuilder();
    appendBareItem(sb, item.value());
    appendParams(sb, item.params());
    return sb.toString();
  }

  public static String serializeInnerList(InnerList list) {
    StringBuilder sb = new StringBuilder();
    appendMember(sb, list);
    return sb.toString();
  }

  private static void appendMember(StringBuilder sb, Member m) {
    if (m instanceof InnerList l) {
      sb.append('(');
      for (int i = 0; i < l.items().size(); i++) {
        if (i > 0) {
          sb.append(' ');
        }
        Item item = l.items().get(i);
        appendBareItem(sb, item.value());
        appendParams(sb, item.params());
      }
      sb.append(')');
      appendParams(sb, l.params());
    } else {
      Item item = (Item) m;
      appendBareItem(sb, item.value());
      appendParams(sb, item.params());
    }
  }

  private static void appendParams(StringBuilder sb, Map<String, Object> params) {
    for (Map.Entry<String, Object> p : params.entrySet()) {
      checkKey(p.getKey());
      sb.append(';').append(p.getKey());
      if (!Boolean.TRUE.equals(p.getValue())) {
        sb.append('=');
        appendBareItem(sb, p.getValue());
      }
    }
  }

  private static void appendBareItem(StringBuilder sb, Object v) {
    if (v instanceof Long || v instanceof Integer) {
      long n = ((Number) v).longValue();
      if (Math.abs(n) > 999_999_999_999_999L) {
        throw new IllegalArgumentException("integer out of range");
      }
      sb.append(n);
    } else if (v instanceof BigDecimal d) {
      sb.append(d.setScale(Math.min(3, Math.max(1, d.scale())), java.math.RoundingMode.HALF_EVEN).toPlainString());
    } else if (v instanceof String s) {
      sb.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c < 0x20 || c > 0x7e) {
          throw new IllegalArgumentException("string item with a non-printable or non-ASCII character");
        }
        if (c == '"' || c == '\\') {
          sb.append('\\');
        }
        sb.append(c);
      }
      sb.append('"');
    } else if (v instanceof Token t) {
      checkToken(t.value());
      sb.append(t.value());
    } else if (v instanceof ByteSequence b) {
      sb.append(':').append(Base64.getEncoder().encodeToString(b.value())).append(':');
    } else if (v instanceof Boolean b) {
      sb.append(b ? "?1" : "?0");
    } else {
      throw new IllegalArgumentException("not a structured-field bare item: " + (v == null ? "null" : v.getClass().getSimpleName()));
    }
  }

  private static void checkKey(String key) {
    if (key.isEmpty() || !(isLcalpha(key.charAt(0)) || key.charAt(0) == '*')) {
      throw new IllegalArgumentException("invalid structured-field key");
    }
    for (int i = 1; i < key.length(); i++) {
      char c = key.charAt(i);
      if (!(isLcalpha(c) || isDigit(c) || c == '_' || c == '-' || c == '.' || c == '*')) {
        throw new IllegalArgumentException("invalid structured-field key");
      }
    }
  }

  private static void checkToken(String t) {
    if (t.isEmpty() || !(isAlpha(t.charAt(0)) || t.charAt(0) == '*')) {
      throw new IllegalArgumentException("invalid token");
    }
    for (int i = 1; i < t.length(); i++) {
      if (!isTchar(t.charAt(i)) && t.charAt(i) != ':' && t.charAt(i) != '/') {
        throw new IllegalArgumentException("invalid token");
      }
    }
  }

  // ---------------------------------------------------------------- parsing (§4.2)

  /** Parses a Dictionary field value; keys keep their order. */
  public static Map<String, Member> parseDictionary(String text) throws ParseException {
    Parser p = new Parser(text);
    p.skipSp();
    Map<String, Member> dict = new LinkedHashMap<>();
    while (!p.atEnd()) {
      String key = p.parseKey();
      Member value;
      if (p.peek() == '=') {
        p.pos++;
        value = p.parseItemOrInnerList();
      } else {
        value = new Item(Boolean.TRUE, p.parseParams());
      }
      dict.remove(key); // a later duplicate overrides but takes the later position
      dict.put(key, value);
      p.skipOws();
      if (p.atEnd()) {
        return dict;
      }
      p.expect(',');
      p.skipOws();
      if (p.atEnd()) {
        throw new ParseException("trailing comma", p.pos);
      }
    }
    return dict;
  }

  /** Parses an Item field value. */
  public static Item parseItem(String text) throws ParseException {
    Parser p = new Parser(text);
    p.skipSp();
    Object v = p.parseBareItem();
    Item item = new Item(v, p.parseParams());
    p.skipSp();
    if (!p.atEnd()) {
      throw new ParseException("trailing characters", p.pos);
    }
    return item;
  }

  private static final class Parser {
    private final String s;
    private int pos;

    Parser(String s) {
      this.s = s;
    }

    boolean atEnd() {
      return pos >= s.length();
    }

    char peek() {
      return atEnd() ? '\0' : s.charAt(pos);
    }

    void expect(char c) throws ParseException {
      if (peek() != c) {
        throw new ParseException("expected '" + c + "'", pos);
      }
      pos++;
    }

    void skipSp() {
      while (!atEnd() && s.charAt(pos) == ' ') {
        pos++;
      }
    }

    void skipOws() {
      while (!atEnd() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) {
        pos++;
      }
    }

    Member parseItemOrInnerList() throws ParseException {
      if (peek() == '(') {
        return parseInnerList();
      }
      Object v = parseBareItem();
      return new Item(v, parseParams());
    }

    InnerList parseInnerList() throws ParseException {
      expect('(');
      List<Item> items = new ArrayList<>();
      while (!atEnd()) {
        skipSp();
        if (peek() == ')') {
          pos++;
          return new InnerList(items, parseParams());
        }
        Object v = parseBareItem();
        items.add(new Item(v, parseParams()));
        if (peek() != ' ' && peek() != ')') {
          throw new ParseException("expected space or ')' in inner list", pos);
        }
      }
      throw new ParseException("unterminated inner list", pos);
    }

    Map<String, Object> parseParams() throws ParseException {
      Map<String, Object> params = new LinkedHashMap<>();
      while (peek() == ';') {
        pos++;
        skipSp();
        String key = parseKey();
        Object value = Boolean.TRUE;
        if (peek() == '=') {
          pos++;
          value = parseBareItem();
        }
        params.remove(key);
        params.put(key, value);
      }
      return params;
    }

    String parseKey() throws ParseException {
      char c = peek();
      if (!(isLcalpha(c) || c == '*')) {
        throw new ParseException("expected a key", pos);
      }
      int start = pos;
      while (!atEnd()) {
        c = s.charAt(pos);
        if (!(isLcalpha(c) || isDigit(c) || c == '_' || c == '-' || c == '.' || c == '*')) {
          break;
        }
        pos++;
      }
      return s.substring(start, pos);
    }

    Object parseBareItem() throws ParseException {
      char c = peek();
      if (c == '-' || isDigit(c)) {
        return parseNumber();
      }
      if (c == '"') {
        return parseString();
      }
      if (c == ':') {
        return parseByteSequence();
      }
      if (c == '?') {
        pos++;
        char b = peek();
        if (b == '1' || b == '0') {
          pos++;
          return b == '1';
        }
        throw new ParseException("invalid boolean", pos);
      }
      if (isAlpha(c) || c == '*') {
        int start = pos;
        pos++;
        while (!atEnd() && (isTchar(s.charAt(pos)) || s.charAt(pos) == ':' || s.charAt(pos) == '/')) {
          pos++;
        }
        return new Token(s.substring(start, pos));
      }
      throw new ParseException("expected a bare item", pos);
    }

    Object parseNumber() throws ParseException {
      int start = pos;
      if (peek() == '-') {
        pos++;
      }
      if (!isDigit(peek())) {
        throw new ParseException("expected a digit", pos);
      }
      int dot = -1;
      while (!atEnd()) {
        char c = s.charAt(pos);
        if (isDigit(c)) {
          pos++;
        } else if (c == '.' && dot < 0) {
          dot = pos;
          pos++;
        } else {
          break;
        }
      }
      String num = s.substring(start, pos);
      String digits = num.startsWith("-") ? num.substring(1) : num;
      if (dot < 0) {
        if (digits.length() > 15) {
          throw new ParseException("integer too long", start);
        }
        return Long.parseLong(num);
      }
      int intLen = dot - start - (num.startsWith("-") ? 1 : 0);
      int fracLen = pos - dot - 1;
      if (intLen > 12 || fracLen < 1 || fracLen > 3) {
        throw new ParseException("invalid decimal", start);
      }
      return new BigDecimal(num);
    }

    String parseString() throws ParseException {
      expect('"');
      StringBuilder sb = new StringBuilder();
      while (!atEnd()) {
        char c = s.charAt(pos++);
        if (c == '\\') {
          if (atEnd()) {
            break;
          }
          char n = s.charAt(pos++);
          if (n != '"' && n != '\\') {
            throw new ParseException("invalid escape", pos - 1);
          }
          sb.append(n);
        } else if (c == '"') {
          return sb.toString();
        } else if (c < 0x20 || c > 0x7e) {
          throw new ParseException("invalid string character", pos - 1);
        } else {
          sb.append(c);
        }
      }
      throw new ParseException("unterminated string", pos);
    }

    ByteSequence parseByteSequence() throws ParseException {
      expect(':');
      int end = s.indexOf(':', pos);
      if (end < 0) {
        throw new ParseException("unterminated byte sequence", pos);
      }
      String b64 = s.substring(pos, end);
      for (int i = 0; i < b64.length(); i++) {
        char c = b64.charAt(i);
        if (!(isAlpha(c) || isDigit(c) || c == '+' || c == '/' || c == '=')) {
          throw new ParseException("invalid byte sequence character", pos + i);
        }
      }
      pos = end + 1;
      try {
        return new ByteSequence(Base64.getDecoder().decode(b64));
      } catch (IllegalArgumentException e) {
        throw new ParseException("invalid base64", end);
      }
    }
  }

  private static boolean isLcalpha(char c) {
    return c >= 'a' && c <= 'z';
  }

  private static boolean isAlpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isTchar(char c) {
    return isAlpha(c) || isDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }
}
