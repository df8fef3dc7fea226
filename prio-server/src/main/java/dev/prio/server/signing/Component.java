package dev.prio.server.signing;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A component identifier of RFC 9421 §2: a lower-case name (a field name or a derived component
 * such as {@code @method}) with optional parameters ({@code req}, {@code key}, {@code name}).
 * Equality ignores parameter order.
 */
public record Component(String name, Map<String, Object> params) {
  public Component {
    name = name.toLowerCase(Locale.ROOT);
    params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
  }

  public static Component of(String name) {
    return new Component(name, Map.of());
  }

  /** The same component taken from the request a response answers ({@code ;req}). */
  public Component req() {
    return with("req", Boolean.TRUE);
  }

  public Component with(String param, Object value) {
    Map<String, Object> p = new LinkedHashMap<>(params);
    p.put(param, value);
    return new Component(name, p);
  }

  public boolean isDerived() {
    return name.startsWith("@");
  }

  public boolean fromRequest() {
    return Boolean.TRUE.equals(params.get("req"));
  }

  StructuredFields.Item toItem() {
    return new StructuredFields.Item(name, params);
  }

  /** The serialised identifier as it appears in a signature base and in Signature-Input. */
  public String identifier() {
    return StructuredFields.serializeItem(toItem());
  }

  @Override
  public String toString() {
    return identifier();
  }
}
