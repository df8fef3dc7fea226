package dev.prio.server.peer;

import dev.prio.server.batch.BatchFailure;
import dev.prio.server.batch.BatchPhase;
import dev.prio.server.publish.PublishRecord;
import java.util.Map;

/**
 * The last round, and how A tells B that an attempt ended. Publishing is a two-sided commit: {@link
 * Step#PREPARE} carries A's total share and the record A means to publish; B recombines the
 * aggregate from its own share, and only if it is the same keeps the record pending and answers. A
 * then decides (persisted), and {@link Step#COMMIT} makes B's copy final before A makes its own
 * final. Nothing is visible under {@code published/} on either server before both hold the same
 * pending record; after A's decision the attempt can only end PUBLISHED on both.
 */
public final class Publish {
  private Publish() {}

  public enum Step {
    PREPARE,
    COMMIT,
    /** A's notice: the attempt failed on A ({@code failure} says why). */
    FAILED,
    /** A's notice: the operator abandoned the attempt on A. */
    ABANDONED
  }

  /**
   * @param totalShareA standard base64 of A's PrioTotalShare (PREPARE)
   * @param record the record A means to publish (PREPARE)
   * @param funnelA A's submissions by outcome, for B's provenance record
   */
  public record Request(
      int attempt,
      Step step,
      BatchFailure failure,
      String totalShareA,
      PublishRecord record,
      int version,
      Map<String, Long> funnelA) {

    public static Request prepare(
        int attempt,
        int version,
        String totalShareA,
        PublishRecord record,
        Map<String, Long> funnelA) {
      return new Request(attempt, Step.PREPARE, null, totalShareA, record, version, funnelA);
    }

    public static Request commit(int attempt, int version) {
      return new Request(attempt, Step.COMMIT, null, null, null, version, null);
    }

    public static Request ended(
        int attempt, BatchPhase outcome, BatchFailure failure, Map<String, Long> funnelA) {
      return new Request(
          attempt,
          outcome == BatchPhase.FAILED ? Step.FAILED : Step.ABANDONED,
          failure,
          null,
          null,
          0,
          funnelA);
    }
  }

  /** B's phase for the attempt after the step. */
  public record Response(BatchPhase phase) {}
}
