package dev.prio.server.publish;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.prio.core.codec.TotalShareCodec;
import dev.prio.core.error.PrioException;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.TotalShare;
import dev.prio.core.snip.TotalShares;
import dev.prio.server.batch.BatchState;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.ObjectStore;
import dev.prio.server.storage.StorageLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes the published aggregate and its provenance, each exactly once per version
 * (create-if-absent): a rerun that reaches publishing again finds the record already there and
 * reuses it, so a batch never appears twice.
 */
public final class Publisher {
  private static final DateTimeFormatter PYTHON_ISO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS");

  private final ObjectStore store;
  private final JsonMapper json;
  private final String serverVersion;
  private final Map<String, String> protocol;

  /**
   * @param protocol what both servers agreed on in the handshake (PRG and r mode, key and seed
   *     fingerprints), recorded in every provenance record
   */
  public Publisher(
      ObjectStore store, JsonMapper json, String serverVersion, Map<String, String> protocol) {
    this.store = store;
    this.json = json;
    this.serverVersion = serverVersion;
    this.protocol = Map.copyOf(protocol);
  }

  /** Counts from A's and B's total shares, as prio-processor's publish computes them. */
  public static List<Long> combine(PrioConfig config, TotalShare a, TotalShare b)
      throws PrioException {
    long[] counts = TotalShares.combine(a, b, config.nData());
    List<Long> out = new ArrayList<>(counts.length);
    for (long c : counts) {
      if (c < 0) {
        throw new PrioException(
            dev.prio.core.error.RejectReason.VALUE_OUT_OF_RANGE,
            "a count does not fit a signed 64-bit integer");
      }
      out.add(c);
    }
    return out;
  }

  /**
   * A new record for this aggregate (uuid4 id, UTC timestamp with microseconds, like
   * prio-processor).
   */
  public static PublishRecord newRecord(List<Long> counts, long error, long total, Instant now) {
    String ts = LocalDateTime.ofInstant(now, ZoneOffset.UTC).format(PYTHON_ISO);
    return new PublishRecord(UUID.randomUUID().toString(), ts, counts, error, total);
  }

  /** B's check before it writes its copy: A's share plus its own gives the payload A published. */
  public boolean matchesOwnShare(
      PrioConfig config, String totalShareA, TotalShare ownB, PublishRecord record) {
    try {
      TotalShare a = TotalShareCodec.read(Base64.getDecoder().decode(totalShareA), config.nData());
      return combine(config, a, ownB).equals(record.payload());
    } catch (PrioException | IllegalArgumentException e) {
      return false;
    }
  }

  public Optional<PublishRecord> find(BatchKey key, int version) {
    try {
      return store
          .read(StorageLayout.published(key, version))
          .map(
              o ->
                  json.readValue(
                      new String(o.data(), StandardCharsets.UTF_8).strip(), PublishRecord.class));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Makes this server's copy final: provenance first, then the record, each create-if-absent, so
   * whoever sees a record finds its provenance beside it, and a write resumed after a crash
   * completes the pair instead of duplicating it. Called only once both servers hold the record
   * pending and A has committed (the two-sided publish).
   */
  public PublishRecord write(
      BatchKey key,
      BatchState state,
      int version,
      PublishRecord record,
      Map<String, Long> peerFunnel,
      Instant now) {
    try {
      Provenance p =
          new Provenance(
              key.batchId(),
              key.submissionDate().toString(),
              key.window(),
              state.role().name(),
              version,
              state.attempt(),
              state.nData(),
              record.id(),
              protocol,
              state.funnel(),
              peerFunnel,
              state.phaseEnteredAt(),
              now,
              serverVersion,
              System.getProperty("java.version"));
      store.createIfAbsent(StorageLayout.provenance(key, version), json.writeValueAsBytes(p));
      byte[] line = (json.writeValueAsString(record) + "\n").getBytes(StandardCharsets.UTF_8);
      store.createIfAbsent(StorageLayout.published(key, version), line);
      return find(key, version).orElseThrow();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * What was counted and rejected, on which server, when, with which software; {@code window} only
   * for a window shorter than its day, so a whole-day record reads as it always has.
   */
  public record Provenance(
      String batchId,
      String submissionDate,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) String window,
      String writtenBy,
      int version,
      int attempt,
      int nData,
      String recordId,
      Map<String, String> protocol,
      Map<String, Long> funnelThisServer,
      Map<String, Long> funnelOtherServer,
      Map<String, Instant> phaseEnteredAt,
      Instant publishedAt,
      String serverVersion,
      String javaVersion) {}
}
