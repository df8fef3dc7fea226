package dev.prio.server.signing;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.greenbytes.http.sfv.ByteSequenceItem;
import org.greenbytes.http.sfv.Dictionary;
import org.greenbytes.http.sfv.ListElement;
import org.greenbytes.http.sfv.Parser;

/**
 * The seams to {@code org.greenbytes.http:structured-fields} (RFC 8941) that signing needs. Parsing
 * goes through {@code new Parser(text)}, which (unlike the static {@code Parser.parseDictionary})
 * discards leading spaces as RFC 8941 §4.2 asks; a field that does not parse is an empty {@link
 * Optional}, never an exception, so callers turn it into their own refusal.
 */
final class Sfv {
  private Sfv() {}

  /** The members of Dictionary field value {@code text}, in order; empty if it is not one. */
  static Optional<Map<String, ListElement<? extends Object>>> dictionary(String text) {
    try {
      return Optional.of(new Parser(text).parseDictionary().get());
    } catch (IllegalArgumentException e) { // the library's ParseException is one
      return Optional.empty();
    }
  }

  /** {@code key=member} serialised canonically (a one-member Dictionary). */
  static String dictionary(String key, ListElement<? extends Object> member) {
    Map<String, ListElement<? extends Object>> d = new LinkedHashMap<>();
    d.put(key, member);
    return Dictionary.valueOf(d).serialize();
  }

  /** A copy of a byte sequence's bytes (the library hands out its own buffer). */
  static byte[] bytes(ByteSequenceItem item) {
    ByteBuffer b = item.get().duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }
}
