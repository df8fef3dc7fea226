package dev.prio.server.signing;

import java.io.IOException;

/**
 * A peer message failed authentication. An {@link IOException} so that a {@link
 * org.springframework.http.client.ClientHttpRequestInterceptor} may throw it; RestClient then wraps
 * it in a {@code ResourceAccessException}, and {@link #find(Throwable)} digs it out again. The
 * message never contains key material, signatures or body bytes.
 */
public class PeerAuthException extends IOException {
  private static final long serialVersionUID = 1L;

  private final AuthFailureReason reason;

  public PeerAuthException(AuthFailureReason reason, String message) {
    super(reason.label() + ": " + message);
    this.reason = reason;
  }

  public AuthFailureReason reason() {
    return reason;
  }

  /** This exception or the first one in the cause chain of {@code t}; null if there is none. */
  public static PeerAuthException find(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof PeerAuthException p) {
        return p;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return null;
  }
}
