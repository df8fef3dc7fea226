package dev.prio.server.web;

import java.net.URI;
import org.springframework.http.HttpStatus;

/** Every kind of error response, with its RFC 9457 type URI and status. Shared by both APIs. */
public enum ProblemType {
  BAD_REQUEST(HttpStatus.BAD_REQUEST, "bad-request"),
  UNKNOWN_BATCH(HttpStatus.NOT_FOUND, "unknown-batch"),
  /**
   * POST /batches/{id} for an id DATA_CONFIG does not list: n_data is unknown, so it cannot start.
   */
  UNKNOWN_BATCH_ID(HttpStatus.UNPROCESSABLE_CONTENT, "unknown-batch-id"),
  NOT_LEADER(HttpStatus.CONFLICT, "not-leader"),
  NOT_HELPER(HttpStatus.NOT_FOUND, "not-helper"),
  BATCH_CONFLICT(HttpStatus.CONFLICT, "batch-conflict"),
  ROUND_CONFLICT(HttpStatus.CONFLICT, "round-conflict"),
  STALE_ATTEMPT(HttpStatus.CONFLICT, "stale-attempt"),
  CONFIG_MISMATCH(HttpStatus.CONFLICT, "config-mismatch"),
  BATCH_MISMATCH(HttpStatus.CONFLICT, "batch-mismatch"),
  /**
   * A stored state object of this batch fails its integrity seal or does not parse; nothing was
   * published.
   */
  STATE_CORRUPT(HttpStatus.CONFLICT, "state-corrupt"),
  /** A server's input for the batch changed after the handshake pinned it. */
  INPUT_CHANGED(HttpStatus.CONFLICT, "input-changed"),
  /** One of the server's input files cannot be read as submissions (damaged, unknown codec). */
  INPUT_UNREADABLE(HttpStatus.CONFLICT, "input-unreadable"),
  PEER_PROTOCOL(HttpStatus.UNPROCESSABLE_CONTENT, "peer-protocol"),
  /** No endpoint at this path. */
  NOT_FOUND(HttpStatus.NOT_FOUND, "not-found"),
  /** The path exists, the method does not; the response has an {@code Allow} header. */
  METHOD_NOT_ALLOWED(HttpStatus.METHOD_NOT_ALLOWED, "method-not-allowed"),
  /**
   * The {@code Accept} header allows no type the endpoint produces (the problem itself is JSON).
   */
  NOT_ACCEPTABLE(HttpStatus.NOT_ACCEPTABLE, "not-acceptable"),
  /** The request body's {@code Content-Type} is not one the endpoint reads. */
  UNSUPPORTED_MEDIA_TYPE(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type"),
  /** Any other client error the framework or the servlet container raised, with its own status. */
  HTTP_ERROR(HttpStatus.BAD_REQUEST, "http-error"),
  UNAUTHORIZED(HttpStatus.UNAUTHORIZED, "unauthorized"),
  /**
   * A request body larger than the server accepts, e.g. a peer message over {@code
   * prio.peer-auth.max-body-size}.
   */
  PAYLOAD_TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large"),
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

  /**
   * The problem type for a status the framework or the container chose; never {@link #INTERNAL} for
   * a 4xx.
   */
  public static ProblemType forStatus(int status) {
    return switch (status) {
      case 400 -> BAD_REQUEST;
      case 401 -> UNAUTHORIZED;
      case 404 -> NOT_FOUND;
      case 405 -> METHOD_NOT_ALLOWED;
      case 406 -> NOT_ACCEPTABLE;
      case 413 -> PAYLOAD_TOO_LARGE;
      case 415 -> UNSUPPORTED_MEDIA_TYPE;
      case 429 -> BUSY;
      default -> status >= 500 ? INTERNAL : HTTP_ERROR;
    };
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
