package dev.prio.server.signing;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.greenbytes.http.sfv.BooleanItem;
import org.greenbytes.http.sfv.Item;
import org.greenbytes.http.sfv.Parameters;
import org.greenbytes.http.sfv.StringItem;

/**
 * A component identifier of RFC 9421 §2: a lower-case name (a field name or a derived component
 * such as {@code @method}) with optional parameters ({@code req}, {@code key}, {@code name}), kept
 * in their order as RFC 8941 {@link Parameters}. Equality ignores parameter order and compares
 * parameter values by their serialisation (the library's items have no value equality).
 */
public record Component(String name, Parameters params) {
  public Component {
    name = name.toLowerCase(Locale.ROOT);
    params = params == null ? Parameters.EMPTY : params;
  }

  public static Component of(String name) {
    return new Component(name, Parameters.EMPTY);
  }

  /** The same component taken from the request a response answers ({@code ;req}). */
  public Component req() {
    return with("req", Boolean.TRUE);
  }

  /**
   * This component with one more parameter; {@code value} as {@link Parameters#valueOf} takes it.
   */
  public Component with(String param, Object value) {
    Map<String, Object> p = new LinkedHashMap<>(params);
    p.put(param, value);
    return new Component(name, Parameters.valueOf(p));
  }

  public boolean isDerived() {
    return name.startsWith("@");
  }

  public boolean fromRequest() {
    return params.get("req") instanceof BooleanItem b && b.get();
  }

  /** The string value of parameter {@code param}, or null if absent or not a string. */
  public String stringParam(String param) {
    return params.get(param) instanceof StringItem s ? s.get() : null;
  }

  StringItem toItem() {
    return StringItem.valueOf(name).withParams(params);
  }

  /** The serialised identifier as it appears in a signature base and in Signature-Input. */
  public String identifier() {
    return toItem().serialize();
  }

  private Map<String, String> comparableParams() {
    Map<String, String> m = new TreeMap<>();
    for (Map.Entry<String, Item<? extends Object>> e : params.entrySet()) {
      m.put(e.getKey(), e.getValue().serialize());
    }
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Component c
        && name.equals(c.name)
        && comparableParams().equals(c.comparableParams());
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + comparableParams().hashCode();
  }

  @Override
  public String toString() {
    return identifier();
  }
}
