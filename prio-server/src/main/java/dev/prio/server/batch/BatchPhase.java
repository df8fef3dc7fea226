package dev.prio.server.batch;

import java.util.Locale;

/** Where a batch is; the {@code phase} label of the batch meters. */
public enum BatchPhase {
  RECEIVED,
  HANDSHAKE,
  VERIFY,
  TOTAL,
  PUBLISHING,
  PUBLISHED,
  FAILED,
  ABANDONED;

  public boolean isTerminal() {
    return this == PUBLISHED || this == FAILED || this == ABANDONED;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
