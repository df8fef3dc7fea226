package dev.prio.server.round;

import dev.prio.server.batch.BatchState;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.web.ProblemException;
import dev.prio.server.web.ProblemType;
import tools.jackson.databind.json.JsonMapper;

/**
 * B's idempotency: an answer is computed once per round (and chunk) of an attempt and stored before
 * it is sent; the same request again gets the stored answer, a different one is a conflict.
 */
final class StoredAnswers {
  private final RoundStore rounds;
  private final JsonMapper json;

  StoredAnswers(RoundStore rounds, JsonMapper json) {
    this.rounds = rounds;
    this.json = json;
  }

  interface Compute<T> {
    T get() throws PeerProtocolException;
  }

  /**
   * @param chunk the chunk a per-chunk round is for; null for a batch-level round
   */
  <T> T answer(
      BatchKey key,
      BatchState state,
      String round,
      Integer chunk,
      String body,
      Class<T> type,
      Compute<T> compute) {
    if (chunk != null && (chunk < 0 || chunk >= state.chunksTotal())) {
      throw new ProblemException(
          ProblemType.PEER_PROTOCOL, "chunk index outside the handshake's chunk count");
    }
    int index = chunk == null ? 0 : chunk;
    String digest = RoundStore.digest(body);
    var stored = rounds.findRound(key, state.attempt(), round, index);
    if (stored.isPresent()) {
      return replay(stored.get(), digest, type);
    }
    T response;
    try {
      response = compute.get();
    } catch (PeerProtocolException e) {
      throw new ProblemException(ProblemType.PEER_PROTOCOL, e.getMessage());
    }
    boolean created =
        rounds.createRound(
            key,
            state.attempt(),
            round,
            index,
            RoundStore.StoredRound.answered(digest, body, json.writeValueAsString(response)));
    if (created) {
      return response;
    }
    // another replica answered the same round meanwhile: its stored answer is the one A gets
    return replay(rounds.findRound(key, state.attempt(), round, index).orElseThrow(), digest, type);
  }

  private <T> T replay(RoundStore.StoredRound stored, String digest, Class<T> type) {
    if (!stored.requestDigest().equals(digest)) {
      throw new ProblemException(
          ProblemType.ROUND_CONFLICT,
          "a different request was already answered for this round and chunk");
    }
    return json.readValue(stored.response(), type);
  }
}
