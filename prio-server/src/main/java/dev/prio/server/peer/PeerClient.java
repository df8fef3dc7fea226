package dev.prio.server.peer;

import dev.prio.server.metrics.PrioMetrics;
import dev.prio.server.signing.PeerAuthException;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.web.ProblemType;
import dev.prio.server.web.Retryable;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The only class that talks to the other server. One method per round; all of them go through
 * {@link #exchange}, which owns serialisation (the same bytes on every retry, so the peer's
 * idempotency check sees the same request), the retry policy, and the round latency meter.
 */
public final class PeerClient {
  private static final Logger log = LoggerFactory.getLogger(PeerClient.class);

  private final RestClient rest;
  private final JsonMapper json;
  private final RetryPolicy retry;
  private final PrioMetrics metrics;

  public PeerClient(RestClient rest, JsonMapper json, RetryPolicy retry, PrioMetrics metrics) {
    this.rest = rest;
    this.json = json;
    this.retry = retry;
    this.metrics = metrics;
  }

  /**
   * {@code /peer/v1/batches/<date>/<batch id><round>}, and {@code ?window=<window>} for a window
   * shorter than its day: a whole-day batch's paths are what they were before windows, and the
   * query is covered by the request's signature like the path.
   */
  static String batchPath(BatchKey key, String round) {
    return "/peer/v1/batches/"
        + key.submissionDate()
        + "/"
        + key.batchId()
        + round
        + (key.windowed() ? "?window=" + key.window() : "");
  }

  public Handshake.Response handshake(BatchKey key, Handshake.Request request)
      throws PeerException {
    return exchange("handshake", batchPath(key, ""), request, Handshake.Response.class);
  }

  public RoundMessage verify1(BatchKey key, int chunk, RoundMessage request) throws PeerException {
    return exchange(
        "verify1", batchPath(key, "/chunks/" + chunk + "/verify1"), request, RoundMessage.class);
  }

  public RoundMessage verify2(BatchKey key, int chunk, RoundMessage request) throws PeerException {
    return exchange(
        "verify2", batchPath(key, "/chunks/" + chunk + "/verify2"), request, RoundMessage.class);
  }

  public Total.Response total(BatchKey key, Total.Request request) throws PeerException {
    return exchange("total", batchPath(key, "/total"), request, Total.Response.class);
  }

  public Publish.Response publish(BatchKey key, Publish.Request request) throws PeerException {
    return exchange("publish", batchPath(key, "/publish"), request, Publish.Response.class);
  }

  private record Raw(int status, String body, String retryAfter) {}

  private <T> T exchange(String round, String path, Object request, Class<T> type)
      throws PeerException {
    String body = json.writeValueAsString(request);
    Instant started = Instant.now();
    for (int attempt = 1; ; attempt++) {
      Instant t0 = Instant.now();
      Raw raw;
      try {
        raw =
            rest.put()
                .uri(path)
                .contentType(MediaType.APPLICATION_JSON)
                .body(body)
                .exchange(
                    (req, res) -> {
                      try (InputStream in = res.getBody()) {
                        return new Raw(
                            res.getStatusCode().value(),
                            new String(in.readAllBytes(), StandardCharsets.UTF_8),
                            res.getHeaders().getFirst("Retry-After"));
                      }
                    });
      } catch (ResourceAccessException | UncheckedIOException e) {
        PeerAuthException auth = PeerAuthException.find(e);
        if (auth != null) {
          metrics.peerRequest(round, "auth_failed", Duration.between(t0, Instant.now()));
          if (!RetryPolicy.isLost(auth.reason())) {
            // Signed, but forged, tampered or replayed: permanent, never retried into acceptance.
            throw new PeerException(
                PeerException.Kind.REJECTED,
                ProblemType.UNAUTHORIZED,
                round + ": peer response failed authentication (" + auth.getMessage() + ")");
          }
          if (!mayRetry(attempt, started, null)) {
            throw new PeerException(
                PeerException.Kind.UNAVAILABLE,
                null,
                round
                    + ": no signed answer from the peer after "
                    + attempt
                    + " attempts (last: "
                    + auth.getMessage()
                    + ", from something on the path to B, not B; docs/operations.md"
                    + " \"PrioPeerAuthFailures\")");
          }
          log.warn("peer {} answer refused ({}), retrying it as lost", round, auth.getMessage());
          sleep(retry.backoff(attempt, null));
          continue;
        }
        metrics.peerRequest(
            round, isTimeout(e) ? "timeout" : "io_error", Duration.between(t0, Instant.now()));
        if (!mayRetry(attempt, started, null)) {
          throw new PeerException(
              PeerException.Kind.UNAVAILABLE,
              null,
              round + ": peer unreachable after " + attempt + " attempts");
        }
        log.warn("peer {} request failed ({}), retrying", round, e.getClass().getSimpleName());
        sleep(retry.backoff(attempt, null));
        continue;
      }
      Duration took = Duration.between(t0, Instant.now());
      if (raw.status() >= 200 && raw.status() < 300) {
        metrics.peerRequest(round, "success", took);
        try {
          T value = json.readValue(raw.body(), type);
          if (value == null) {
            throw new PeerException(PeerException.Kind.PROTOCOL, null, round + ": empty response");
          }
          return value;
        } catch (JacksonException e) {
          throw new PeerException(
              PeerException.Kind.PROTOCOL,
              null,
              round + ": response is not a valid " + type.getSimpleName());
        }
      }
      metrics.peerRequest(
          round,
          raw.status() >= 500
              ? "server_error"
              : raw.status() == 401 ? "auth_failed" : "client_error",
          took);
      Duration retryAfter = RetryPolicy.parseRetryAfter(raw.retryAfter());
      if (Retryable.status(raw.status()) && mayRetry(attempt, started, retryAfter)) {
        log.warn("peer {} answered {}, retrying", round, raw.status());
        sleep(retry.backoff(attempt, retryAfter));
        continue;
      }
      ProblemType problem = problemType(raw.body());
      PeerException.Kind kind =
          Retryable.status(raw.status())
              ? PeerException.Kind.UNAVAILABLE
              : PeerException.Kind.REJECTED;
      throw new PeerException(
          kind,
          problem,
          round
              + ": peer answered "
              + raw.status()
              + (problem == null ? "" : " " + problem.name()));
    }
  }

  private boolean mayRetry(int attempt, Instant started, Duration retryAfter) {
    Duration next = retryAfter == null ? Duration.ZERO : retryAfter;
    return attempt < retry.maxAttempts()
        && Duration.between(started, Instant.now()).plus(next).compareTo(retry.maxElapsed()) < 0;
  }

  private ProblemType problemType(String body) {
    try {
      JsonNode node = json.readTree(body);
      JsonNode type = node == null ? null : node.get("type");
      return type == null || !type.isString()
          ? null
          : ProblemType.fromType(java.net.URI.create(type.asString()));
    } catch (JacksonException | IllegalArgumentException e) {
      return null;
    }
  }

  private static boolean isTimeout(Exception e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.http.HttpTimeoutException
          || t instanceof java.net.SocketTimeoutException) {
        return true;
      }
    }
    return false;
  }

  private static void sleep(Duration d) throws PeerException {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PeerException(
          PeerException.Kind.UNAVAILABLE, null, "interrupted while waiting to retry");
    }
  }
}
