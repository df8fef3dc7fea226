package dev.prio.server.batch;

import dev.prio.server.storage.BatchKey;
import dev.prio.server.web.ProblemException;
import dev.prio.server.web.ProblemType;

/**
 * The stored state object of one batch does not parse. Answered as {@link
 * ProblemType#STATE_CORRUPT} (409: the request conflicts with what is stored, and repeating it will
 * not help until an operator repairs or removes the object). The detail names the batch, never the
 * stored bytes.
 */
public class BatchStateCorruptException extends ProblemException {
  private static final long serialVersionUID = 1L;
  private final transient BatchKey key;

  public BatchStateCorruptException(BatchKey key) {
    super(ProblemType.STATE_CORRUPT, "the stored state of batch " + key + " is unreadable");
    this.key = key;
  }

  public BatchKey key() {
    return key;
  }
}
