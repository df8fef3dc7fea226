package dev.prio.server.peer;

import dev.prio.server.publish.PublishRecord;
import java.util.Map;

/**
 * The last round: A tells B how the batch ended. When published, A sends its total share and the
 * record it wrote; B recombines the aggregate from its own share, checks it equals A's, and writes
 * its copy.
 */
public final class Publish {
  private Publish() {}

  /** {@code funnelA}: A's submissions by outcome, for B's provenance record. */
  public record Request(
      int attempt, String outcome, String failure, String totalShareA, PublishRecord record, int version, Map<String, Long> funnelA) {}

  public record Response(String phase) {}
}
