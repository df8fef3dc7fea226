package dev.prio.cli.origin;

import dev.prio.cli.PyJson;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one {@code prio stage} run read, staged and left out, by reason, with the first place each
 * reason was seen ({@code file:line}). Printed as a summary on stderr and, with {@code --report},
 * written as one JSON object.
 */
final class StageReport {
  long files;
  long lines;
  long pingsAccepted;
  long entriesRead;
  long entriesStaged;
  private final Map<Reject, Long> rejects = new EnumMap<>(Reject.class);
  private final Map<Reject, String> firstAt = new EnumMap<>(Reject.class);

  /** batch id → records (one per server); sorted so the report is stable. */
  final Map<String, Long> records = new TreeMap<>();

  void reject(Reject r, String where) {
    rejects.merge(r, 1L, Long::sum);
    firstAt.putIfAbsent(r, where);
  }

  long count(Reject r) {
    return rejects.getOrDefault(r, 0L);
  }

  long pingsRejected() {
    return rejects.entrySet().stream()
        .filter(e -> e.getKey().wholePing() && e.getKey() != Reject.DUPLICATE_PING)
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  long entriesRejected() {
    return rejects.entrySet().stream()
        .filter(e -> !e.getKey().wholePing())
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  /**
   * The report file: {@code {"submission_date", "files", "lines", "pings": {...}, "entries": {...},
   * "batches": {...}}}.
   */
  String toJson(String date, Map<String, Map<String, Map<String, Integer>>> filesByRoot) {
    Map<String, Object> pings = new LinkedHashMap<>();
    pings.put("accepted", pingsAccepted);
    pings.put("duplicate", count(Reject.DUPLICATE_PING));
    pings.put("rejected", pingsRejected());
    Map<String, Object> entries = new LinkedHashMap<>();
    entries.put("read", entriesRead);
    entries.put("staged", entriesStaged);
    entries.put("rejected", entriesRejected());
    Map<String, Object> reasons = new LinkedHashMap<>();
    for (Map.Entry<Reject, Long> e : rejects.entrySet()) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("count", e.getValue());
      r.put("scope", e.getKey().wholePing() ? "ping" : "entry");
      r.put("first_at", firstAt.get(e.getKey()));
      r.put("description", e.getKey().description());
      reasons.put(e.getKey().code(), r);
    }
    Map<String, Object> batches = new LinkedHashMap<>();
    records.forEach(
        (batch, n) -> {
          Map<String, Object> b = new LinkedHashMap<>();
          b.put("records", n);
          Map<String, Object> files = new LinkedHashMap<>();
          filesByRoot.forEach(
              (root, counts) -> {
                Map<String, Integer> c = counts.get(batch);
                if (c != null) {
                  files.put(root, new LinkedHashMap<>(c));
                }
              });
          b.put("files", files);
          batches.put(batch, b);
        });
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("submission_date", date);
    out.put("files", this.files);
    out.put("lines", lines);
    out.put("pings", pings);
    out.put("entries", entries);
    out.put("rejects", reasons);
    out.put("batches", batches);
    return PyJson.dumps(out) + "\n";
  }

  /** A few lines for stderr. */
  List<String> summary() {
    List<String> out = new ArrayList<>();
    out.add(
        String.format(
            "staged %d entries of %d pings into %d batch ids; %d files, %d lines;"
                + " %d duplicate pings dropped, %d pings and %d entries rejected",
            entriesStaged,
            pingsAccepted,
            records.size(),
            files,
            lines,
            count(Reject.DUPLICATE_PING),
            pingsRejected(),
            entriesRejected()));
    records.forEach((batch, n) -> out.add(String.format("  batch %s: %d records", batch, n)));
    rejects.forEach(
        (r, n) ->
            out.add(
                String.format(
                    "  %s %s: %d (first at %s)",
                    r == Reject.DUPLICATE_PING
                        ? "dropped"
                        : "rejected " + (r.wholePing() ? "ping" : "entry"),
                    r.code(),
                    n,
                    firstAt.get(r))));
    return out;
  }
}
