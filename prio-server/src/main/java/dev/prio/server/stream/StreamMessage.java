package dev.prio.server.stream;

import dev.prio.core.packet.ServerId;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.BatchWindow;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
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
 * {@code batch_id}, {@code id}, {@code server} and, optionally, {@code submission_time} (RFC 3339)
 * and/or {@code submission_date}. Clients publish both shares with the same values, so both servers
 * put a submission into the same window: never the publish time alone, which differs between the
 * two topics. The date is submission_time's UTC date, else submission_date, else the publish time's
 * UTC date (as before windows); a window shorter than a day comes only from submission_time, and a
 * message without one goes to its date's whole-day window.
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
      JsonMapper json,
      Duration windowLength)
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
    BatchKey window = window(attributes, publishTime, windowLength);
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

  private static BatchKey window(
      Map<String, String> attributes, Instant publishTime, Duration windowLength) throws Malformed {
    try {
      String date = attributes.get("submission_date");
      String time = attributes.get("submission_time");
      String batchId = attributes.getOrDefault("batch_id", "");
      if (time == null) {
        return new BatchKey(
            date == null ? LocalDate.ofInstant(publishTime, ZoneOffset.UTC) : LocalDate.parse(date),
            batchId);
      }
      Instant at = OffsetDateTime.parse(time).toInstant();
      LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
      if (date != null && !LocalDate.parse(date).equals(day)) {
        throw new Malformed("submission_date is not submission_time's UTC date");
      }
      return new BatchKey(day, batchId, BatchWindow.holding(at, windowLength));
    } catch (RuntimeException e) {
      throw new Malformed(
          "bad batch_id, submission_date or submission_time attribute: " + e.getMessage());
    }
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
