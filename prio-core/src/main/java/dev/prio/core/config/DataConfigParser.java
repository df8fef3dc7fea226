package dev.prio.core.config;

import dev.prio.core.json.JsonParser;
import dev.prio.core.packet.PrioConfig;
import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DATA_CONFIG (spec §7.1, prio-processor's {@code config/content.json}): a JSON list of {@code
 * {"batch_id": str, "n_data": int}}, read into batch id → n_data in list order. The one set of
 * rules of the CLI and the servers: n_data in 1..{@link PrioConfig#MAX_DATA_FIELDS} (what libprio
 * allows), a batch id listed once.
 */
public final class DataConfigParser {
  private DataConfigParser() {}

  /**
   * A DATA_CONFIG that breaks the rules; the message names the entry, never more than 60 characters
   * of an id.
   */
  public static final class InvalidDataConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidDataConfigException(String message) {
      super(message);
    }
  }

  public static Map<String, Integer> parse(String json) throws InvalidDataConfigException {
    Object doc;
    try {
      doc = JsonParser.parse(json);
    } catch (JsonParser.JsonException e) {
      throw new InvalidDataConfigException("invalid JSON: " + e.getMessage());
    }
    if (!(doc instanceof List<?> list)) {
      throw new InvalidDataConfigException(
          "DATA_CONFIG must be a JSON list of {\"batch_id\", \"n_data\"}");
    }
    Map<String, Integer> out = new LinkedHashMap<>();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof Map<?, ?> m)
          || !(m.get("batch_id") instanceof String id)
          || !(m.get("n_data") instanceof BigInteger n)
          || !isNData(n)) {
        throw new InvalidDataConfigException(
            "entry "
                + i
                + " is not {\"batch_id\": string, \"n_data\": 1.."
                + PrioConfig.MAX_DATA_FIELDS
                + "}");
      }
      if (out.put(id, n.intValue()) != null) {
        throw new InvalidDataConfigException("batch id '" + printable(id) + "' is listed twice");
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /** n_data as libprio allows it. */
  public static boolean isNData(long n) {
    return n >= 1 && n <= PrioConfig.MAX_DATA_FIELDS;
  }

  private static boolean isNData(BigInteger n) {
    return n.bitLength() < 32 && isNData(n.longValue());
  }

  private static String printable(String s) {
    String t = s.length() > 60 ? s.substring(0, 60) + "..." : s;
    return t.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
