package dev.prio.server.round;

import dev.prio.server.batch.BatchFailure;
import dev.prio.server.batch.BatchPhase;
import dev.prio.server.batch.BatchRepository;
import dev.prio.server.batch.BatchState;
import dev.prio.server.metrics.PrioMetrics;
import dev.prio.server.peer.Handshake;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.web.ProblemException;
import dev.prio.server.web.ProblemType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import tools.jackson.databind.json.JsonMapper;

/** Server B's answer to A's handshake: the one place where B compares A's parameters with its own. */
final class HelperHandshake {
  private final ProtocolSettings settings;
  private final BatchRepository batches;
  private final RoundStore rounds;
  private final HelperInputs inputs;
  private final PrioMetrics metrics;
  private final JsonMapper json;
  private final Clock clock;

  HelperHandshake(ProtocolSettings settings, BatchRepository batches, RoundStore rounds, HelperInputs inputs,
      PrioMetrics metrics, JsonMapper json, Clock clock) {
    this.settings = settings;
    this.batches = batches;
    this.rounds = rounds;
    this.inputs = inputs;
    this.metrics = metrics;
    this.json = json;
    this.clock = clock;
  }

  /**
   * A's handshake for an attempt. The first one for an attempt decides: matching parameters start
   * the batch on B, different ones end it as CONFIG_MISMATCH before any share is touched. Later
   * handshakes for the same attempt are answered like any round: the same body gets the same
   * answer, a different body is a conflict and changes nothing.
   */
  Handshake.Response answer(BatchKey key, Handshake.Request req, String body) {
    if (req.chunkSize() < 1 || req.chunkCount() < 0 || req.attempt() < 1) {
      throw new ProblemException(ProblemType.BAD_REQUEST, "chunk size, chunk count and attempt must be positive");
    }
    BatchState current = batches.find(key).orElse(null);
    if (current != null && current.attempt() > req.attempt()) {
      throw new ProblemException(ProblemType.STALE_ATTEMPT, "server B already runs a later attempt of this batch");
    }
    String digest = RoundStore.digest(body);
    var stored = rounds.findRound(key, req.attempt(), "handshake", 0);
    if (stored.isPresent()) {
      return replayHandshake(stored.get(), digest);
    }
    Integer nData = settings.nData(key.batchId()).orElse(null);
    List<String> mismatches = new ArrayList<>();
    if (nData == null) {
      mismatches.add("batch id not in server B's DATA_CONFIG");
    }
    check(mismatches, "n_data", nData, req.nData());
    check(mismatches, "prg mode", settings.prgMode().name(), req.prgMode());
    check(mismatches, "r mode", settings.rMode().name(), req.rMode());
    check(mismatches, "public keys", settings.keys().keyFingerprint(), req.keyFingerprint());
    check(mismatches, "shared seed", settings.keys().seedFingerprint(), req.seedFingerprint());
    BatchState started = BatchState.handshake(key.submissionDate(), key.batchId(), req.attempt(),
        nData == null ? req.nData() : nData, req.chunkCount(), clock.instant());
    if (!mismatches.isEmpty()) {
      String detail = "servers disagree on: " + String.join(", ", mismatches);
      rounds.saveRound(key, req.attempt(), "handshake", 0, new RoundStore.StoredRound(digest, body, "CONFLICT:" + detail));
      batches.replace(key, started.failed(BatchFailure.CONFIG_MISMATCH, detail, clock.instant()));
      metrics.batchFinished(BatchPhase.FAILED, BatchFailure.CONFIG_MISMATCH);
      throw new ProblemException(ProblemType.CONFIG_MISMATCH, detail);
    }
    HelperInput input = inputs.get(key, req.attempt());
    Handshake.Response response = new Handshake.Response(input.uniqueCount(), input.idChecksum(), BatchPhase.HANDSHAKE.name());
    var saved = rounds.saveRound(key, req.attempt(), "handshake", 0,
        new RoundStore.StoredRound(digest, body, json.writeValueAsString(response)));
    if (saved.requestDigest().equals(digest)) {
      batches.replace(key, started);
    }
    return replayHandshake(saved, digest);
  }

  private Handshake.Response replayHandshake(RoundStore.StoredRound stored, String digest) {
    if (!stored.requestDigest().equals(digest)) {
      throw new ProblemException(ProblemType.ROUND_CONFLICT, "a different handshake was already answered for this attempt");
    }
    if (stored.response().startsWith("CONFLICT:")) {
      throw new ProblemException(ProblemType.CONFIG_MISMATCH, stored.response().substring("CONFLICT:".length()));
    }
    return json.readValue(stored.response(), Handshake.Response.class);
  }

  private static void check(List<String> mismatches, String what, Object mine, Object theirs) {
    if (!Objects.equals(mine, theirs)) {
      mismatches.add(what);
    }
  }
}
