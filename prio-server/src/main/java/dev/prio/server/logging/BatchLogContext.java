package dev.prio.server.logging;

import dev.prio.core.packet.ServerId;
import dev.prio.server.storage.BatchKey;
import java.util.List;
import java.util.Locale;
import org.slf4j.MDC;

/**
 * The batch a thread works on, in the logging MDC, so that every line of a batch's work carries
 * {@code batch_id}, {@code submission_date}, {@code attempt}, {@code round} and {@code server}, and
 * {@code window} for a window shorter than its day (JSON fields in production; docs/operations.md
 * "Logs and traces"). Set at the boundaries only: A's batch run ({@link #run}), each step of it
 * ({@link #step}), B's answer to each peer request ({@link #answering}); the chunk pool copies it
 * to its threads. With the trace id Micrometer Tracing puts beside it, A's round lines and B's
 * answer lines join on batch and trace.
 */
public final class BatchLogContext {
  public static final String BATCH_ID = "batch_id";
  public static final String SUBMISSION_DATE = "submission_date";
  public static final String WINDOW = "window";
  public static final String ATTEMPT = "attempt";
  public static final String ROUND = "round";
  public static final String SERVER = "server";

  /** Every key this class sets; what the executors copy to their threads. */
  public static final List<String> KEYS =
      List.of(BATCH_ID, SUBMISSION_DATE, WINDOW, ATTEMPT, ROUND, SERVER);

  private BatchLogContext() {}

  /** Runs one batch run of server A with the batch in the MDC, and clears it after. */
  public static void run(BatchKey key, Runnable work) {
    try (Scope s = open(key, ServerId.A)) {
      work.run();
    }
  }

  /** The step (phase) and attempt a batch run is in; until the next step or the end of the run. */
  public static void step(String round, int attempt) {
    MDC.put(ROUND, round);
    MDC.put(ATTEMPT, String.valueOf(attempt));
  }

  /** Server B answering one peer request: until the scope closes. */
  public static Scope answering(BatchKey key, String round, int attempt) {
    Scope s = open(key, ServerId.B);
    step(round, attempt);
    return s;
  }

  private static Scope open(BatchKey key, ServerId role) {
    MDC.put(BATCH_ID, key.batchId());
    MDC.put(SUBMISSION_DATE, key.submissionDate().toString());
    if (key.windowed()) {
      MDC.put(WINDOW, key.window());
    } else {
      MDC.remove(WINDOW);
    }
    MDC.put(SERVER, role.name().toLowerCase(Locale.ROOT));
    return new Scope();
  }

  /** Removes this class's keys (and only those) when closed. */
  public static final class Scope implements AutoCloseable {
    private Scope() {}

    @Override
    public void close() {
      KEYS.forEach(MDC::remove);
    }
  }
}
