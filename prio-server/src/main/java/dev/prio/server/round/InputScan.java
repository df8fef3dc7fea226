package dev.prio.server.round;

import dev.prio.core.error.RejectReason;
import dev.prio.server.storage.InputLine;
import dev.prio.server.storage.SubmissionReader;
import java.io.IOException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One pass over a server's input for a batch. Lines without a readable id and repeated ids are
 * counted here and go no further (the first occurrence of an id wins); every other line is handed
 * on with its position among the unique ids, which is what chunks are cut from.
 */
public final class InputScan {
  /** Receives the unique-id lines in input order. */
  public interface Sink {
    void accept(long position, InputLine line) throws IOException;
  }

  private final Funnel localRejects = new Funnel();
  private final IdChecksum ids = new IdChecksum();
  private long unique;

  public static InputScan run(SubmissionReader reader, String prefix, Sink sink) throws IOException {
    InputScan scan = new InputScan();
    Set<String> seen = new HashSet<>();
    IOException[] failure = new IOException[1];
    reader.forEach(prefix, line -> {
      if (failure[0] != null) {
        return;
      }
      if (line.id() == null) {
        scan.localRejects.reject(line.reject() == null ? RejectReason.MALFORMED_LINE : line.reject());
      } else if (!seen.add(line.id())) {
        scan.localRejects.reject(RejectReason.DUPLICATE_ID);
      } else {
        scan.ids.add(line.id());
        try {
          sink.accept(scan.unique++, line);
        } catch (IOException e) {
          failure[0] = e;
        }
      }
    });
    if (failure[0] != null) {
      throw failure[0];
    }
    return scan;
  }

  /** Submissions with a unique id: the ones that take part in the rounds. */
  public long uniqueCount() {
    return unique;
  }

  public String idChecksum() {
    return ids.hex();
  }

  /** Lines counted before the rounds (no id, duplicate id). */
  public Map<String, Long> localRejects() {
    return localRejects.toMap();
  }
}
