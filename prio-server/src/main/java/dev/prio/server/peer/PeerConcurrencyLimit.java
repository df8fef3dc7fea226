package dev.prio.server.peer;

import dev.prio.server.web.ProblemType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Caps how many round requests server B works on at once. Over the cap it answers 429 with
 * Retry-After at once instead of queueing, so A's retry policy spreads the load and B's memory
 * stays bounded by (cap × chunk size).
 */
public final class PeerConcurrencyLimit extends OncePerRequestFilter {
  private final Semaphore slots;
  private final int retryAfterSeconds;

  public PeerConcurrencyLimit(int maxConcurrent, int retryAfterSeconds) {
    this.slots = new Semaphore(Math.max(1, maxConcurrent));
    this.retryAfterSeconds = retryAfterSeconds;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !request.getRequestURI().startsWith("/peer/");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (!slots.tryAcquire()) {
      response.setStatus(ProblemType.BUSY.status().value());
      response.setHeader("Retry-After", String.valueOf(retryAfterSeconds));
      response.setContentType("application/problem+json");
      response
          .getOutputStream()
          .write(
              ("{\"type\":\""
                      + ProblemType.BUSY.type()
                      + "\",\"title\":\"busy\",\"status\":429,"
                      + "\"detail\":\"server B is at its concurrency limit; retry later\"}")
                  .getBytes(StandardCharsets.UTF_8));
      return;
    }
    try {
      chain.doFilter(request, response);
    } finally {
      slots.release();
    }
  }
}
