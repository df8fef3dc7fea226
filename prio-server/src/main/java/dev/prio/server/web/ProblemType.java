package dev.prio.server.web;

import java.net.URI;
import org.springframework.http.HttpStatus;

/** Every kind of error response, with its RFC 9457 type URI and status. Shared by both APIs. */
public enum ProblemType {
  BAD_REQUEST(HttpStatus.BAD_REQUEST, "bad-request"),
  UNKNOWN_BATCH(HttpStatus.NOT_FOUND, "unknown-batch"),
  /** POST /batches/{id} for an id DATA_CONFIG does not list: n_data is unknown, so it cannot start. */
  UNKNOWN_BATCH_ID(HttpStatus.UNPROCESSABLE_CONTENT, "unknown-batch-id"),
  NOT_LEADER(HttpStatus.CONFLICT, "not-leader"),
  NOT_HELPER(HttpStatus.NOT_FOUND, "not-helper"),
  BATCH_CONFLICT(HttpStatus.CONFLICT, "batch-conflict"),
  ROUND_CONFLICT(HttpStatus.CONFLICT, "round-conflict"),
  STALE_ATTEMPT(HttpStatus.CONFLICT, "stale-attempt"),
  CONFIG_MISMATCH(HttpStatus.CONFLICT, "config-mismatch"),
  BATCH_MISMATCH(HttpStatus.CONFLICT, "batch-mismatch"),
  PEER_PROTOCOL(HttpStatus.UNPROCESSABLE_CONTENT, "peer-protocol"),
  UNAUTHORIZED(HttpStatus.UNAUTHORIZED, "unauthorized"),
  BUSY(HttpStatus.TOO_MANY_REQUESTS, "busy"),
  INTERNAL(HttpStatus.INTERNAL_SERVER_ERROR, "internal");

  private final HttpStatus status;
  private final URI type;

  ProblemType(HttpStatus status, String slug) {
    this.status = status;
    this.type = URI.create("urn:prio:problem:" + slug);
  }

  public HttpStatus status() {
    return status;
  }

  public URI type() {
    return type;
  }

  public static ProblemType fromType(URI type) {
    for (ProblemType p : values()) {
      if (p.type.equals(type)) {
        return p;
      }
    }
    return null;
  }
}
