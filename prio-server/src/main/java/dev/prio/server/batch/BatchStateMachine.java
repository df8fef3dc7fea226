package dev.prio.server.batch;

import static dev.prio.server.batch.BatchPhase.ABANDONED;
import static dev.prio.server.batch.BatchPhase.FAILED;
import static dev.prio.server.batch.BatchPhase.HANDSHAKE;
import static dev.prio.server.batch.BatchPhase.PUBLISHED;
import static dev.prio.server.batch.BatchPhase.PUBLISHING;
import static dev.prio.server.batch.BatchPhase.RECEIVED;
import static dev.prio.server.batch.BatchPhase.TOTAL;
import static dev.prio.server.batch.BatchPhase.VERIFY;

import dev.prio.core.packet.ServerId;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Every allowed phase change, per role, in one table (drawn in docs/batch-states.md; a test keeps
 * the drawing and this table equal). A drives RECEIVED → … → PUBLISHED; B's batch starts at A's
 * handshake and follows A's rounds. These are the edges within one attempt; a new attempt (rerun on
 * A, A's next handshake on B) starts over at A's RECEIVED or B's HANDSHAKE from any phase.
 */
public final class BatchStateMachine {
  private static final Map<ServerId, Map<BatchPhase, Set<BatchPhase>>> EDGES =
      Map.of(
          ServerId.A,
              table(
                  RECEIVED, EnumSet.of(HANDSHAKE, FAILED, ABANDONED),
                  HANDSHAKE, EnumSet.of(VERIFY, FAILED, ABANDONED),
                  VERIFY, EnumSet.of(TOTAL, FAILED, ABANDONED),
                  TOTAL, EnumSet.of(PUBLISHING, FAILED, ABANDONED),
                  PUBLISHING, EnumSet.of(PUBLISHED, FAILED, ABANDONED)),
          ServerId.B,
              table(
                  HANDSHAKE, EnumSet.of(VERIFY, TOTAL, FAILED, ABANDONED),
                  VERIFY, EnumSet.of(TOTAL, FAILED, ABANDONED),
                  TOTAL, EnumSet.of(PUBLISHING, FAILED, ABANDONED),
                  PUBLISHING, EnumSet.of(PUBLISHED, FAILED, ABANDONED)));

  private BatchStateMachine() {}

  public static boolean isAllowed(ServerId role, BatchPhase from, BatchPhase to) {
    return EDGES.get(role).getOrDefault(from, Set.of()).contains(to);
  }

  /** The table itself, for the documentation test. */
  public static Map<BatchPhase, Set<BatchPhase>> edges(ServerId role) {
    return EDGES.get(role);
  }

  public static void require(ServerId role, BatchPhase from, BatchPhase to) {
    if (!isAllowed(role, from, to)) {
      throw new IllegalStateException(
          "batch on server " + role + " cannot go from " + from + " to " + to);
    }
  }

  private static Map<BatchPhase, Set<BatchPhase>> table(Object... pairs) {
    Map<BatchPhase, Set<BatchPhase>> m = new EnumMap<>(BatchPhase.class);
    for (int i = 0; i < pairs.length; i += 2) {
      @SuppressWarnings("unchecked")
      Set<BatchPhase> to = (Set<BatchPhase>) pairs[i + 1];
      m.put((BatchPhase) pairs[i], to);
    }
    return Map.copyOf(m);
  }
}
