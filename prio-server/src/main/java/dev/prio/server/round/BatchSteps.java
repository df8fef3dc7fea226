package dev.prio.server.round;

import dev.prio.server.batch.BatchFailure;
import dev.prio.server.peer.PeerException;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What a step of {@link LeaderRounds} can throw, turned into the batch failure it means: the peer's
 * refusals and unavailability, a peer that breaks the protocol, storage errors.
 */
final class BatchSteps {
  private BatchSteps() {}

  /** A step ended the batch; carries the failure for the state and the metrics. */
  static final class BatchFailed extends Exception {
    private static final long serialVersionUID = 1L;
    final BatchFailure failure;

    BatchFailed(BatchFailure failure, String detail) {
      super(detail);
      this.failure = failure;
    }
  }

  interface PeerCall<T> {
    T call() throws PeerException;
  }

  static <T> T call(PeerCall<T> c) throws BatchFailed {
    try {
      return c.call();
    } catch (PeerException e) {
      BatchFailure reported =
          e.problem() == null
              ? null
              : switch (e.problem()) {
                case CONFIG_MISMATCH -> BatchFailure.CONFIG_MISMATCH;
                case BATCH_MISMATCH -> BatchFailure.BATCH_MISMATCH;
                case STATE_CORRUPT -> BatchFailure.STATE_CORRUPT;
                case INPUT_CHANGED -> BatchFailure.INPUT_CHANGED;
                case INPUT_UNREADABLE -> BatchFailure.INPUT_UNREADABLE;
                default -> null;
              };
      if (reported != null) {
        throw new BatchFailed(reported, e.getMessage());
      }
      throw new BatchFailed(
          e.kind() == PeerException.Kind.UNAVAILABLE
              ? BatchFailure.PEER_UNAVAILABLE
              : BatchFailure.PEER_REJECTED,
          e.getMessage());
    }
  }

  interface ProtocolStep<T> {
    T run() throws PeerProtocolException;
  }

  static <T> T protocol(ProtocolStep<T> step) throws BatchFailed {
    try {
      return step.run();
    } catch (PeerProtocolException e) {
      throw new BatchFailed(BatchFailure.PEER_REJECTED, e.getMessage());
    }
  }

  interface IoStep<T> {
    T run() throws IOException;
  }

  static <T> T io(IoStep<T> step) {
    try {
      return step.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
