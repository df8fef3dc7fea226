package dev.prio.server.round;

import dev.prio.server.publish.PublishRecord;
import java.util.Map;

/**
 * The record a server holds between the two sides of the publish commit, in its own state (never
 * under {@code published/}): the version and record A proposed, and A's funnel for the provenance.
 */
public record PendingPublish(int version, PublishRecord record, Map<String, Long> funnelA) {}
