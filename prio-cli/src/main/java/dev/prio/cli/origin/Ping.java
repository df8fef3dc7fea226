package dev.prio.cli.origin;

import dev.prio.cli.Files2;
import dev.prio.core.json.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * One Firefox "prio" ping (spec §8.1) as {@code prio stage} reads it: its id and its entries, each
 * already checked. Three input shapes are accepted:
 *
 * <ul>
 *   <li>the ping itself, {@code {"id", "payload": {"prioData": [{"encoding", "prio": {"a",
 *       "b"}}]}}};
 *   <li>the roadmap's form, {@code {"id", "payload": {"<BATCH_ID>": {"a", "b"}, ...}}} (used when
 *       the payload has no {@code prioData}; its non-object members, such as {@code version}, are
 *       ignored);
 *   <li>a telemetry sink (PubSub) message {@code {"payload": "<base64 of the ping JSON>", ...}},
 *       the payload optionally gzipped, as prio-processor's staging reads from GCS.
 * </ul>
 */
record Ping(String id, List<Entry> entries) {
  /** The shape the servers accept as a batch id (and a safe path segment). */
  private static final Pattern SAFE_BATCH_ID = Pattern.compile("[A-Za-z0-9._-]{1,200}");

  /** One entry; {@code reject} is null for a good one, which then has both shares. */
  record Entry(String batchId, String a, String b, Reject reject) {}

  /** A ping, or the reason the whole line was dropped. */
  record Read(Ping ping, Reject reject) {
    static Read rejected(Reject r) {
      return new Read(null, r);
    }
  }

  /**
   * @param known the batch ids of --data-config, or null to accept any well-formed one
   */
  static Read read(String line, Set<String> known) {
    Object doc;
    try {
      doc = JsonParser.parse(line);
    } catch (JsonParser.JsonException e) {
      return Read.rejected(Reject.NOT_JSON);
    }
    if (!(doc instanceof Map<?, ?> map)) {
      return Read.rejected(Reject.NOT_OBJECT);
    }
    if (map.get("payload") instanceof String wrapped) {
      Object inner = unwrap(wrapped);
      if (!(inner instanceof Map<?, ?> ping)) {
        return Read.rejected(Reject.BAD_WRAPPER);
      }
      map = ping;
    }
    return fromPing(map, known);
  }

  private static Read fromPing(Map<?, ?> ping, Set<String> known) {
    if (!(ping.get("id") instanceof String id) || id.isEmpty()) {
      return Read.rejected(Reject.NO_ID);
    }
    if (!(ping.get("payload") instanceof Map<?, ?> payload)) {
      return Read.rejected(Reject.NO_PAYLOAD);
    }
    List<Entry> entries = new ArrayList<>();
    if (payload.containsKey("prioData")) {
      if (!(payload.get("prioData") instanceof List<?> list)) {
        return Read.rejected(Reject.NO_PRIO_DATA);
      }
      for (Object item : list) {
        entries.add(firefoxEntry(item, known));
      }
    } else {
      for (Map.Entry<?, ?> e : payload.entrySet()) {
        if (e.getValue() instanceof Map<?, ?> shares) {
          entries.add(entry(e.getKey(), shares, known));
        }
      }
    }
    return entries.isEmpty()
        ? Read.rejected(Reject.NO_PRIO_DATA)
        : new Read(new Ping(id, entries), null);
  }

  private static Entry firefoxEntry(Object item, Set<String> known) {
    if (!(item instanceof Map<?, ?> m)) {
      return new Entry(null, null, null, Reject.BAD_ENTRY);
    }
    if (!(m.get("prio") instanceof Map<?, ?> prio)) {
      return new Entry(
          m.get("encoding") instanceof String s ? s : null, null, null, Reject.BAD_ENTRY);
    }
    return entry(m.get("encoding"), prio, known);
  }

  private static Entry entry(Object encoding, Map<?, ?> shares, Set<String> known) {
    if (!(encoding instanceof String batchId)
        || !SAFE_BATCH_ID.matcher(batchId).matches()
        || batchId.equals(".")
        || batchId.equals("..")) {
      return new Entry(null, null, null, Reject.BAD_BATCH_ID);
    }
    Reject r = null;
    if (known != null && !known.contains(batchId)) {
      r = Reject.UNKNOWN_BATCH_ID;
    } else if (!(shares.get("a") instanceof String)) {
      r = Reject.MISSING_A;
    } else if (!isBase64((String) shares.get("a"))) {
      r = Reject.BAD_BASE64_A;
    } else if (!(shares.get("b") instanceof String)) {
      r = Reject.MISSING_B;
    } else if (!isBase64((String) shares.get("b"))) {
      r = Reject.BAD_BASE64_B;
    }
    return r != null
        ? new Entry(batchId, null, null, r)
        : new Entry(batchId, (String) shares.get("a"), (String) shares.get("b"), null);
  }

  /** Standard alphabet, padded, non-empty: what the servers decode (RFC 4648 §4). */
  static boolean isBase64(String s) {
    if (s.isEmpty() || s.length() % 4 != 0) {
      return false;
    }
    try {
      Base64.getDecoder().decode(s);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The JSON inside a sink message's payload, or null if it is not base64 (gzip) of UTF-8 JSON. */
  private static Object unwrap(String wrapped) {
    try {
      byte[] bytes = Base64.getDecoder().decode(wrapped);
      if (bytes.length >= 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
          bytes = in.readAllBytes();
        }
      }
      return JsonParser.parse(Files2.utf8(bytes, 0, bytes.length));
    } catch (IllegalArgumentException | IOException | JsonParser.JsonException e) {
      return null;
    }
  }
}
