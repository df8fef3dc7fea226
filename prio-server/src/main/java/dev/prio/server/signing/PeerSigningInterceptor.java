package dev.prio.server.signing;

import dev.prio.server.web.Retryable;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Server A's side of the peer link, as a RestClient interceptor: signs every request (fresh created
 * and nonce per attempt, so retries are never replays) and verifies every response against server
 * B's key before anyone reads it. Its job is "verify or refuse": a response that fails verification
 * is closed and a {@link PeerAuthException} thrown (RestClient wraps it in a {@code
 * ResourceAccessException}; {@link PeerAuthException#find} unwraps it). What a refusal means for
 * the round — lost or permanent — is the retry policy's call ({@code RetryPolicy.isLost}).
 *
 * <p>A response with <em>no</em> signature fields at all is refused as {@code missing_signature}
 * from its headers alone, its body never read: it is not B's word, whatever its status. One
 * exception, when enabled: with a retryable status (408, 429, 5xx) — what a load balancer answers
 * when B is down — it is passed on with its status and Retry-After only, its body dropped, so the
 * retry policy can honour Retry-After. It is never trusted for content.
 *
 * <p>B's bytes are untrusted until verified, so a response body larger than {@code maxBodyBytes}
 * (by Content-Length, or while reading) is refused unread beyond the limit, counted as {@code
 * body_too_large}; its digest is computed while it is read.
 */
public final class PeerSigningInterceptor implements ClientHttpRequestInterceptor {
  private static final Logger log = LoggerFactory.getLogger(PeerSigningInterceptor.class);

  private final HttpSigner signer;
  private final HttpVerifier responseVerifier;
  private final boolean passUnsignedRetryable;
  private final long maxBodyBytes;

  public PeerSigningInterceptor(
      HttpSigner signer, HttpVerifier responseVerifier, boolean passUnsignedRetryable) {
    this(signer, responseVerifier, passUnsignedRetryable, BoundedBody.MIN_LIMIT);
  }

  public PeerSigningInterceptor(
      HttpSigner signer,
      HttpVerifier responseVerifier,
      boolean passUnsignedRetryable,
      long maxBodyBytes) {
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("maxBodyBytes must be positive");
    }
    this.signer = signer;
    this.responseVerifier = responseVerifier;
    this.passUnsignedRetryable = passUnsignedRetryable;
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public ClientHttpResponse intercept(
      HttpRequest request, byte[] body, ClientHttpRequestExecution execution) throws IOException {
    HttpSigner.SignatureFields fields =
        signer.signRequest(request.getMethod().name(), request.getURI(), body);
    fields.applyTo(request.getHeaders()::set);
    HttpMessage sent =
        HttpMessage.request(request.getMethod().name(), request.getURI(), fields.asHeaders());

    ClientHttpResponse response = execution.execute(request, body);
    BoundedBody responseBody;
    int status = 0; // known before any refusal; 0 only if reading it failed
    HttpHeaders headers;
    HttpMessage received;
    try {
      status = response.getStatusCode().value();
      headers = response.getHeaders();
      received = HttpMessage.response(status, toMap(headers), sent);
      boolean unsigned =
          received.header(PeerSignatureProfile.SIGNATURE).isEmpty()
              && received.header(PeerSignatureProfile.SIGNATURE_INPUT).isEmpty();
      if (unsigned && passUnsignedRetryable && Retryable.status(status)) {
        // Decided from the headers alone: the body is never read.
        log.debug("unsigned {} from the peer passed to the retry policy without its body", status);
        HttpHeaders kept = new HttpHeaders();
        String retryAfter = headers.getFirst(HttpHeaders.RETRY_AFTER);
        if (retryAfter != null) {
          kept.set(HttpHeaders.RETRY_AFTER, retryAfter);
        }
        HttpStatusCode code = response.getStatusCode();
        String text = response.getStatusText();
        abandon(response);
        return new BufferedResponse(code, text, kept, new byte[0]);
      }
      if (unsigned) {
        // Anything on the path can answer unsigned (a proxy, a pod shutting down): refused unread.
        throw responseVerifier.refuse(
            AuthFailureReason.MISSING_SIGNATURE, "unsigned " + status + " response");
      }
      if (headers.getContentLength() > maxBodyBytes) {
        throw responseVerifier.refuse(
            AuthFailureReason.BODY_TOO_LARGE,
            "response Content-Length over the limit of " + maxBodyBytes + " bytes");
      }
      try (InputStream in = response.getBody()) {
        responseBody = BoundedBody.read(in, maxBodyBytes);
      }
      if (responseBody == null) {
        throw responseVerifier.refuse(
            AuthFailureReason.BODY_TOO_LARGE,
            "response body over the limit of " + maxBodyBytes + " bytes");
      }
    } catch (PeerAuthException e) {
      // Not logged here: PeerClient logs a refusal it retries, and one it does not retry fails the
      // batch with this message as the failure's detail.
      abandon(response);
      throw e;
    } catch (IOException | RuntimeException e) {
      response.close();
      throw e;
    }
    try {
      responseVerifier.verifyDigest(received, responseBody.sha256());
    } catch (PeerAuthException e) {
      response.close();
      throw e;
    }
    HttpStatusCode code = response.getStatusCode();
    String text = response.getStatusText();
    response.close();
    return new BufferedResponse(code, text, headers, responseBody.bytes());
  }

  /**
   * Closes a response whose body is not wanted without reading the rest: the body stream is closed
   * first (the JDK client then drops the connection), because {@code response.close()} alone drains
   * what is left to reuse the connection — a gigabyte, or forever on a chunked stream.
   */
  private static void abandon(ClientHttpResponse response) {
    try {
      response.getBody().close();
    } catch (IOException | RuntimeException e) {
      // already closed or broken: nothing left to drain
    }
    response.close();
  }

  private static Map<String, List<String>> toMap(HttpHeaders headers) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    headers.forEach((k, v) -> m.put(k, new ArrayList<>(v)));
    return m;
  }

  /** The verified response, its body held in memory so the caller can read it once more. */
  private static final class BufferedResponse implements ClientHttpResponse {
    private final HttpStatusCode status;
    private final String statusText;
    private final HttpHeaders headers;
    private final byte[] body;

    BufferedResponse(HttpStatusCode status, String statusText, HttpHeaders headers, byte[] body) {
      this.status = status;
      this.statusText = statusText;
      this.headers = headers;
      this.body = body;
    }

    @Override
    public HttpStatusCode getStatusCode() {
      return status;
    }

    @Override
    public String getStatusText() {
      return statusText;
    }

    @Override
    public HttpHeaders getHeaders() {
      return headers;
    }

    @Override
    public InputStream getBody() {
      return new ByteArrayInputStream(body);
    }

    @Override
    public void close() {}
  }

  @Override
  public String toString() {
    return "PeerSigningInterceptor[" + signer + "]";
  }
}
