package dev.prio.server.logging;

import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * One DEBUG line per peer request on server A (path, status, time; never the body), written inside
 * the request's observation, so it carries the trace id B's answer line carries.
 */
public final class PeerRequestLog implements ClientHttpRequestInterceptor {
  private static final Logger log = LoggerFactory.getLogger(PeerRequestLog.class);

  @Override
  public ClientHttpResponse intercept(
      HttpRequest request, byte[] body, ClientHttpRequestExecution execution) throws IOException {
    long t0 = System.nanoTime();
    ClientHttpResponse response = execution.execute(request, body);
    if (log.isDebugEnabled()) {
      log.debug(
          "peer {} {} answered {} in {} ms",
          request.getMethod(),
          request.getURI().getRawPath(),
          response.getStatusCode().value(),
          (System.nanoTime() - t0) / 1_000_000);
    }
    return response;
  }
}
