package dev.prio.server.peer;

import dev.prio.server.storage.BatchKey;

/**
 * Server B's answers to A's rounds, as the peer controller sees them. Declared here and implemented
 * by the rounds, so the peer protocol and the rounds do not depend on each other both ways. {@code
 * body} is the exact request text: the idempotency check is on the bytes A sent.
 */
public interface HelperApi {
  Handshake.Response handshake(BatchKey key, Handshake.Request req, String body);

  RoundMessage verify1(BatchKey key, int chunk, RoundMessage req, String body);

  RoundMessage verify2(BatchKey key, int chunk, RoundMessage req, String body);

  Total.Response total(BatchKey key, Total.Request req, String body);

  Publish.Response publish(BatchKey key, Publish.Request req);
}
