package dev.prio.server.stream;

import dev.prio.core.packet.ServerId;
import dev.prio.server.storage.BatchKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One submission from one message: the window it belongs to, its id, and its staged ndjson line.
 * The message's data is either the ndjson line itself or the raw ciphertext; its attributes carry
 * {@code batch_id}, {@code id}, {@code server} and, optionally, {@code submission_date} (else the
 * publish time's UTC date). Clients publish both shares with the same submission_date, so both
 * servers put a submission into the same window.
 */
record StreamMessage(BatchKey window, String id, byte[] line) {

  /** Thrown for a message that can never be staged: it is acknowledged and logged, not retried. */
  static final class Malformed extends Exception {
    Malformed(String message) {
      super(message);
    }
  }

  static StreamMessage parse(
      byte[] data,
      Map<String, String> attributes,
      Instant publishTime,
      ServerId me,
      JsonMapper json)
      throws Malformed {
    String server = attributes.getOrDefault("server", "");
    if (!server.equalsIgnoreCase(me.name())) {
      throw new Malformed(
          "message for server '" + server + "' on server " + me + "'s subscription");
    }
    String id = attributes.get("id");
    if (id == null || id.isBlank()) {
      throw new Malformed("message without an id attribute");
    }
    BatchKey window;
    try {
      String date = attributes.get("submission_date");
      window =
          new BatchKey(
              date == null
                  ? LocalDate.ofInstant(publishTime, ZoneOffset.UTC)
                  : LocalDate.parse(date),
              attributes.getOrDefault("batch_id", ""));
    } catch (RuntimeException e) {
      throw new Malformed("bad batch_id or submission_date attribute: " + e.getMessage());
    }
    byte[] given = data.length > 0 && data[0] == '{' ? jsonLine(data, id, json) : null;
    if (given != null) {
      return new StreamMessage(window, id, given);
    }
    String line =
        json.createObjectNode()
            .put("id", id)
            .put("payload", Base64.getEncoder().encodeToString(data))
            .toString();
    return new StreamMessage(window, id, line.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The data as an ndjson line, or null when it is not one: a ciphertext may start with '{' too,
   * but it does not parse as a JSON object with a payload.
   */
  private static byte[] jsonLine(byte[] data, String id, JsonMapper json) throws Malformed {
    String text = new String(data, StandardCharsets.UTF_8).strip();
    JsonNode node;
    try {
      node = json.readTree(text);
    } catch (JacksonException e) {
      return null;
    }
    if (node == null || !node.isObject() || !node.has("payload") || text.indexOf('\n') >= 0) {
      return null;
    }
    JsonNode lineId = node.get("id");
    if (lineId == null || !id.equals(lineId.asString())) {
      throw new Malformed(
          String.format(Locale.ROOT, "the line's id does not match the id attribute %s", id));
    }
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
