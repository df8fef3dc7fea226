package dev.prio.server.round;

import dev.prio.server.batch.BatchFailure;
import dev.prio.server.batch.BatchLifecycle;
import dev.prio.server.batch.BatchPhase;
import dev.prio.server.batch.BatchState;
import dev.prio.server.peer.Handshake;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.InputUnreadableException;
import dev.prio.server.web.ProblemException;
import dev.prio.server.web.ProblemType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import tools.jackson.databind.json.JsonMapper;

/**
 * Server B's answer to A's handshake: the one place where B compares A's parameters with its own.
 */
final class HelperHandshake {
  private final ProtocolSettings settings;
  private final BatchLifecycle lifecycle;
  private final RoundStore rounds;
  private final HelperIndexes inputs;
  private final JsonMapper json;
  private final Clock clock;

  /**
   * Agreed handshakes already read: every round checks B's input against one, and a stored
   * handshake never changes (create-if-absent), so reading it once per attempt is enough.
   */
  private final BoundedCache<String, Handshake.Response> agreed = new BoundedCache<>(64);

  HelperHandshake(
      ProtocolSettings settings,
      BatchLifecycle lifecycle,
      RoundStore rounds,
      HelperIndexes inputs,
      JsonMapper json,
      Clock clock) {
    this.settings = settings;
    this.lifecycle = lifecycle;
    this.rounds = rounds;
    this.inputs = inputs;
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
      throw new ProblemException(
          ProblemType.BAD_REQUEST, "chunk size, chunk count and attempt must be positive");
    }
    BatchState current = lifecycle.find(key).orElse(null);
    if (current != null && current.attempt() > req.attempt()) {
      throw new ProblemException(
          ProblemType.STALE_ATTEMPT, "server B already runs a later attempt of this batch");
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
    BatchState started =
        BatchState.handshake(
            key,
            req.attempt(),
            nData == null ? req.nData() : nData,
            req.chunkCount(),
            clock.instant());
    if (!mismatches.isEmpty()) {
      String detail = "servers disagree on: " + String.join(", ", mismatches);
      var saved =
          rounds.saveRound(
              key,
              req.attempt(),
              "handshake",
              0,
              new RoundStore.StoredRound(digest, body, null, detail));
      if (saved.requestDigest().equals(digest)) {
        lifecycle.helperAttempt(key, started);
        lifecycle.fail(key, req.attempt(), BatchFailure.CONFIG_MISMATCH, detail);
      }
      return replayHandshake(saved, digest);
    }
    HelperIndex input;
    try {
      input = inputs.get(key, req.attempt());
    } catch (InputUnreadableException e) {
      // B's own status must show the failure too (HelperRounds records it on this attempt)
      lifecycle.helperAttempt(key, started);
      throw e;
    }
    Handshake.Response response =
        new Handshake.Response(input.uniqueCount(), input.idChecksum(), BatchPhase.HANDSHAKE);
    var saved =
        rounds.saveRound(
            key,
            req.attempt(),
            "handshake",
            0,
            RoundStore.StoredRound.answered(digest, body, json.writeValueAsString(response)));
    if (saved.requestDigest().equals(digest)) {
      lifecycle.helperAttempt(key, started);
    }
    return replayHandshake(saved, digest);
  }

  private Handshake.Response replayHandshake(RoundStore.StoredRound stored, String digest) {
    if (!stored.requestDigest().equals(digest)) {
      throw new ProblemException(
          ProblemType.ROUND_CONFLICT,
          "a different handshake was already answered for this attempt");
    }
    if (stored.configMismatch() != null) {
      throw new ProblemException(ProblemType.CONFIG_MISMATCH, stored.configMismatch());
    }
    return json.readValue(stored.response(), Handshake.Response.class);
  }

  /** What B answered to the attempt's handshake: its count and id checksum pin its input. */
  /**
   * B's input for the attempt, checked against what B agreed at the handshake: after a restart B
   * reads its input again, and it must be the same submissions.
   */
  HelperIndex agreedInput(BatchKey key, int attempt) {
    HelperIndex input = inputs.get(key, attempt);
    Handshake.Response agreed = agreed(key, attempt);
    if (input.uniqueCount() != agreed.submissionCount()
        || !input.idChecksum().equals(agreed.idChecksum())) {
      inputs.evict(key, attempt);
      throw new InputChangedException(
          "server B's input changed since the handshake: "
              + input.uniqueCount()
              + " submissions now, "
              + agreed.submissionCount()
              + " agreed");
    }
    return input;
  }

  Handshake.Response agreed(BatchKey key, int attempt) {
    String k = key + "#" + attempt;
    Handshake.Response known = agreed.get(k);
    if (known != null) {
      return known;
    }
    Handshake.Response stored = storedAgreement(key, attempt);
    agreed.put(k, stored);
    return stored;
  }

  private Handshake.Response storedAgreement(BatchKey key, int attempt) {
    return rounds
        .findRound(key, attempt, "handshake", 0)
        .filter(r -> r.configMismatch() == null)
        .map(r -> json.readValue(r.response(), Handshake.Response.class))
        .orElseThrow(
            () ->
                new ProblemException(
                    ProblemType.PEER_PROTOCOL, "no agreed handshake for this attempt"));
  }

  private static void check(List<String> mismatches, String what, Object mine, Object theirs) {
    if (!Objects.equals(mine, theirs)) {
      mismatches.add(what);
    }
  }
}
