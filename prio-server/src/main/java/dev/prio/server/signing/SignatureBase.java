package dev.prio.server.signing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.greenbytes.http.sfv.InnerList;
import org.greenbytes.http.sfv.Item;
import org.greenbytes.http.sfv.ListElement;
import org.greenbytes.http.sfv.StringItem;

/**
 * Builds the signature base of RFC 9421 §2.5: one line {@code "<identifier>": <value>} per covered
 * component, in the order listed, then {@code "@signature-params": <inner list>}; lines joined by
 * LF, no trailing LF.
 *
 * <p>Supported: the derived components {@code @method}, {@code @target-uri}, {@code @authority},
 * {@code @scheme}, {@code @request-target}, {@code @path}, {@code @query}, {@code @query-param} (a
 * name that occurs once), {@code @status}; HTTP fields (multiple lines combined with ", "); the
 * parameters {@code req}, {@code key} and {@code name}. Not supported (an error if covered): {@code
 * sf}, {@code bs}, {@code tr}, repeated query parameters.
 */
public final class SignatureBase {
  private SignatureBase() {}

  /** Thrown when the base cannot be built: a covered component is absent or unsupported. */
  public static final class ComponentException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    ComponentException(String message) {
      super(message);
    }
  }

  /**
   * The signature base for {@code params}, the inner list of covered components with the signature
   * parameters, over {@code message}.
   */
  public static String build(InnerList params, HttpMessage message) {
    StringBuilder sb = new StringBuilder();
    Set<String> seen = new HashSet<>();
    for (Item<? extends Object> item : params.get()) {
      if (!(item instanceof StringItem s)) {
        throw new ComponentException("a component identifier is not a string");
      }
      String name = s.get();
      if (!name.equals(name.toLowerCase(Locale.ROOT))) {
        throw new ComponentException("component names must be lower case");
      }
      Component c = new Component(name, item.getParams());
      String id = c.identifier();
      if (!seen.add(id)) {
        throw new ComponentException("component " + id + " is covered twice");
      }
      String value = value(c, message);
      if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
        throw new ComponentException("component " + id + " has a line break in its value");
      }
      sb.append(id).append(": ").append(value).append('\n');
    }
    sb.append("\"@signature-params\": ").append(params.serialize());
    return sb.toString();
  }

  public static byte[] bytes(String base) {
    return base.getBytes(StandardCharsets.UTF_8);
  }

  static String value(Component c, HttpMessage message) {
    for (String p : c.params().keySet()) {
      if (!p.equals("req")
          && !p.equals("key")
          && !(p.equals("name") && c.name().equals("@query-param"))) {
        throw new ComponentException("unsupported component parameter ;" + p);
      }
    }
    HttpMessage m = message;
    if (c.fromRequest()) {
      if (!message.isResponse() || message.request() == null) {
        throw new ComponentException(c.identifier() + " needs the request of a response");
      }
      m = message.request();
    }
    String v = c.isDerived() ? derived(c, m) : field(c, m);
    if (c.params().containsKey("key")) {
      if (c.isDerived()) {
        throw new ComponentException(";key applies to fields only");
      }
      v = dictionaryMember(c, v);
    }
    return v;
  }

  private static String field(Component c, HttpMessage m) {
    List<String> lines = m.header(c.name());
    if (lines.isEmpty()) {
      throw new ComponentException("covered field " + c.name() + " is absent");
    }
    List<String> trimmed = new ArrayList<>(lines.size());
    for (String l : lines) {
      trimmed.add(trimOws(l));
    }
    return String.join(", ", trimmed);
  }

  private static String dictionaryMember(Component c, String fieldValue) {
    String key = c.stringParam("key");
    if (key == null) {
      throw new ComponentException(";key must be a string");
    }
    Map<String, ListElement<? extends Object>> dict =
        Sfv.dictionary(fieldValue)
            .orElseThrow(
                () -> new ComponentException("field " + c.name() + " is not a dictionary"));
    ListElement<? extends Object> member = dict.get(key);
    if (member == null) {
      throw new ComponentException("field " + c.name() + " has no member " + key);
    }
    return member.serialize();
  }

  private static String derived(Component c, HttpMessage m) {
    String name = c.name();
    if (name.equals("@status")) {
      if (!m.isResponse()) {
        throw new ComponentException("@status is for responses");
      }
      return String.format(Locale.ROOT, "%03d", m.status());
    }
    if (m.isResponse()) {
      throw new ComponentException(name + " is a request component; use ;req on a response");
    }
    return switch (name) {
      case "@method" -> require(m.method(), name);
      case "@scheme" -> require(m.scheme(), name).toLowerCase(Locale.ROOT);
      case "@authority" -> require(m.authority(), name).toLowerCase(Locale.ROOT);
      case "@path" -> path(m);
      case "@query" -> "?" + (m.query() == null ? "" : m.query());
      case "@request-target" -> path(m) + (m.query() == null ? "" : "?" + m.query());
      case "@target-uri" ->
          require(m.scheme(), name).toLowerCase(Locale.ROOT)
              + "://"
              + require(m.authority(), name)
              + path(m)
              + (m.query() == null ? "" : "?" + m.query());
      case "@query-param" -> queryParam(c, m);
      case "@signature-params" ->
          throw new ComponentException("@signature-params cannot be covered");
      default -> throw new ComponentException("unsupported derived component " + name);
    };
  }

  private static String path(HttpMessage m) {
    String p = m.path();
    return p == null || p.isEmpty() ? "/" : p;
  }

  private static String queryParam(Component c, HttpMessage m) {
    String wanted = c.stringParam("name");
    if (wanted == null) {
      throw new ComponentException("@query-param needs a string ;name");
    }
    String found = null;
    if (m.query() != null && !m.query().isEmpty()) {
      for (String pair : m.query().split("&", -1)) {
        int eq = pair.indexOf('=');
        String n = formDecode(eq < 0 ? pair : pair.substring(0, eq));
        String v = eq < 0 ? "" : formDecode(pair.substring(eq + 1));
        if (n.equals(formDecode(wanted))) {
          if (found != null) {
            throw new ComponentException("query parameter occurs more than once");
          }
          found = v;
        }
      }
    }
    if (found == null) {
      throw new ComponentException("query parameter is absent");
    }
    return percentEncode(found);
  }

  /** application/x-www-form-urlencoded decoding: '+' is a space, %XX a UTF-8 byte. */
  private static String formDecode(String s) {
    return RequestPaths.percentDecode(s, true);
  }

  /** Percent-encodes everything but unreserved characters (RFC 3986), as RFC 9421 §2.2.8 asks. */
  private static String percentEncode(String s) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        sb.append((char) c);
      } else {
        sb.append('%')
            .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return sb.toString();
  }

  private static String require(String v, String name) {
    if (v == null) {
      throw new ComponentException(name + " is not known for this message");
    }
    return v;
  }

  private static String trimOws(String s) {
    int b = 0;
    int e = s.length();
    while (b < e && (s.charAt(b) == ' ' || s.charAt(b) == '\t')) {
      b++;
    }
    while (e > b && (s.charAt(e - 1) == ' ' || s.charAt(e - 1) == '\t')) {
      e--;
    }
    return s.substring(b, e);
  }
}
