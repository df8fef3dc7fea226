package dev.prio.server.storage;

import dev.prio.core.packet.ServerId;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Object names inside a server's own bucket. Input keeps the seed's layout so existing staging jobs
 * write to it unchanged; state and outputs sit beside it.
 */
public final class StorageLayout {
  private static final String BASE = "prio/v1/";
  private static final Pattern ACTIVE =
      Pattern.compile(
          "prio/v1/state/active/submission_date=([^/]+)/(?:window=([^/]+)/)?batch_id=([^/]+)");

  private StorageLayout() {}

  /**
   * {@code submission_date=<DATE>/batch_id=<ID>/}, with {@code window=<WINDOW>/} before the batch
   * id for a window shorter than its day: a day's path is never a prefix of one of its windows', so
   * listing a whole-day batch never picks up its windows' objects.
   */
  private static String partition(BatchKey key) {
    return "submission_date="
        + key.submissionDate()
        + "/"
        + (key.windowed() ? "window=" + key.window() + "/" : "")
        + "batch_id="
        + key.batchId()
        + "/";
  }

  /** {@code prio/v1/<partition>}: the batch's staging, both servers' inputs below it. */
  public static String inputDir(BatchKey key) {
    return BASE + partition(key);
  }

  /**
   * {@code prio/v1/submission_date=<DATE>/batch_id=<ID>/server_id=<a|b>/} — every *.ndjson under
   * it.
   */
  public static String inputPrefix(BatchKey key, ServerId server) {
    return inputDir(key) + "server_id=" + server.name().toLowerCase(Locale.ROOT) + "/";
  }

  public static String stateDir(BatchKey key) {
    return BASE + "state/" + partition(key);
  }

  public static String batchState(BatchKey key) {
    return stateDir(key) + "batch.json";
  }

  /** Prefix that lists every batch state object. */
  public static String allStates() {
    return BASE + "state/";
  }

  /**
   * {@code prio/v1/state/active/<partition without its last slash>}: the marker of a batch that is
   * not yet settled (docs/operations.md "The sweep"). Outside every batch's {@link #stateDir}, and
   * never named {@code batch.json}, so no per-batch listing or state listing picks it up.
   */
  public static String activeMarker(BatchKey key) {
    String p = partition(key);
    return activeMarkers() + p.substring(0, p.length() - 1);
  }

  /** Prefix that lists every marker of an unsettled batch. */
  public static String activeMarkers() {
    return BASE + "state/active/";
  }

  /** The batch an {@link #activeMarker} names; empty for any other key. */
  public static Optional<BatchKey> activeBatch(String markerKey) {
    Matcher m = ACTIVE.matcher(markerKey);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new BatchKey(
              LocalDate.parse(m.group(1)), m.group(3), Objects.requireNonNullElse(m.group(2), "")));
    } catch (IllegalArgumentException | DateTimeException e) {
      return Optional.empty();
    }
  }

  public static String chunkResult(BatchKey key, int attempt, int chunk) {
    return perChunk(key, attempt, "chunks", chunk);
  }

  /** {@code <state>/attempt=<n>/<dir>/<chunk, six digits>.json}: one object per chunk. */
  private static String perChunk(BatchKey key, int attempt, String dir, int chunk) {
    return stateDir(key)
        + "attempt="
        + attempt
        + "/"
        + dir
        + "/"
        + String.format(Locale.ROOT, "%06d", chunk)
        + ".json";
  }

  /** Server B's chunk between verify1 and verify2 ({@code PendingChunk}). */
  public static String pendingChunk(BatchKey key, int attempt, int chunk) {
    return perChunk(key, attempt, "pending", chunk);
  }

  public static String chunkResults(BatchKey key, int attempt) {
    return stateDir(key) + "attempt=" + attempt + "/chunks/";
  }

  /** A's scan of its input for one attempt: counts, checksum, chunk plan. */
  public static String scan(BatchKey key, int attempt) {
    return stateDir(key) + "attempt=" + attempt + "/scan.json";
  }

  /** One page of A's chunk plan (where each chunk's lines are), written before {@link #scan}. */
  public static String scanPlan(BatchKey key, int attempt, int page) {
    return stateDir(key)
        + "attempt="
        + attempt
        + "/scan-plan/"
        + String.format(Locale.ROOT, "%06d", page)
        + ".json";
  }

  /** B's index of its input for one attempt: a summary and hash buckets of id → line location. */
  public static String helperIndex(BatchKey key, int attempt, String name) {
    return stateDir(key) + "attempt=" + attempt + "/index/" + name;
  }

  /** A's total round: its own sum over the chunks and B's answer, kept until it has published. */
  public static String leaderTotal(BatchKey key, int attempt) {
    return stateDir(key) + "attempt=" + attempt + "/total.json";
  }

  /** The record a server holds pending between the two sides of the publish commit. */
  public static String publishPending(BatchKey key, int attempt) {
    return stateDir(key) + "attempt=" + attempt + "/publish-pending.json";
  }

  /** The lease on chunk c of an attempt (A): the replica that holds it runs the chunk. */
  public static String chunkLease(BatchKey key, int attempt, int chunk) {
    return stateDir(key)
        + "attempt="
        + attempt
        + "/leases/chunk-"
        + String.format(Locale.ROOT, "%06d", chunk)
        + ".json";
  }

  /**
   * The lease on an attempt's batch-level steps (A): scan, handshake, the end of verify, total,
   * publish.
   */
  public static String driverLease(BatchKey key, int attempt) {
    return stateDir(key) + "attempt=" + attempt + "/leases/driver.json";
  }

  /**
   * The lease on pulling this server's stream subscription: one replica stages at a time
   * (docs/operations.md "Streaming").
   */
  public static String streamLease() {
    return BASE + "state/stream/ingest-lease.json";
  }

  /** Every object under here is engine state: sealed and checked on read. */
  public static boolean isState(String key) {
    return key.startsWith(BASE + "state/");
  }

  /** B's stored answer to one round request, so a re-sent request gets the same answer. */
  public static String storedRound(BatchKey key, int attempt, String round, int chunk) {
    return stateDir(key)
        + "attempt="
        + attempt
        + "/rounds/"
        + round
        + "-"
        + String.format(Locale.ROOT, "%06d", chunk)
        + ".json";
  }

  public static String publishedDir(BatchKey key) {
    return BASE + "published/" + partition(key);
  }

  /**
   * Version 1 is {@code data.ndjson}; a forced re-publish writes {@code data-v<n>.ndjson} beside
   * it.
   */
  public static String published(BatchKey key, int version) {
    return publishedDir(key) + (version == 1 ? "data.ndjson" : "data-v" + version + ".ndjson");
  }

  public static String provenance(BatchKey key, int version) {
    return publishedDir(key)
        + (version == 1 ? "provenance.json" : "provenance-v" + version + ".json");
  }
}
