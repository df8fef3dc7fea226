package dev.prio.server.publish;

import java.util.List;

/**
 * prio-processor's publish record (the Spark job's processed output), so existing BigQuery loads
 * keep working: {@code {"id", "timestamp", "payload", "error", "total"}}. {@code payload} holds the
 * counts as unsigned 64-bit integers.
 */
public record PublishRecord(
    String id, String timestamp, List<Long> payload, long error, long total) {
  public PublishRecord {
    payload = List.copyOf(payload);
  }
}
