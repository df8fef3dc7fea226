package dev.prio.server.signing;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.greenbytes.http.sfv.Parameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * Server B's side of the peer link, for every request under {@code /peer}: verifies the request's
 * signature, digest, key, clock window and nonce before the controller sees it, and signs every
 * response — successes, errors and its own 401s — bound to the request it answers. A refused
 * request gets 401 with an RFC 9457 body of type {@code urn:prio:problem:unauthorized}, never a
 * 500; the controller is not called.
 *
 * <p>Untrusted bytes are bounded: a request whose Content-Length exceeds {@code maxBodyBytes} is
 * refused before a byte of its body is read, and a chunked (or lying) one as soon as the bytes read
 * pass the limit — 413, type {@code urn:prio:problem:payload-too-large}, signed like every other
 * answer, {@code Connection: close} so the rest is never read, and counted as {@code
 * body_too_large}. The body's digest is computed while it is read.
 */
public final class PeerSignatureFilter extends OncePerRequestFilter {
  private static final Logger log = LoggerFactory.getLogger(PeerSignatureFilter.class);
  static final String PREFIX = "/peer";

  private final HttpSigner signer;
  private final HttpVerifier verifier;
  private final long maxBodyBytes;

  public PeerSignatureFilter(HttpSigner signer, HttpVerifier verifier) {
    this(signer, verifier, BoundedBody.MIN_LIMIT);
  }

  public PeerSignatureFilter(HttpSigner signer, HttpVerifier verifier, long maxBodyBytes) {
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("maxBodyBytes must be positive");
    }
    this.signer = signer;
    this.verifier = verifier;
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !RequestPaths.isUnder(RequestPaths.normalized(request), PREFIX);
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    HttpMessage received = toMessage(request);
    SigningResponseWrapper out = new SigningResponseWrapper(response);
    try {
      // Refuse oversized, unsigned, unknown-key and stale requests before reading their bodies.
      long declared = request.getContentLengthLong();
      if (declared > maxBodyBytes) {
        throw verifier.refuse(AuthFailureReason.BODY_TOO_LARGE, "Content-Length over the limit");
      }
      verifier.precheck(received);
      BoundedBody body = BoundedBody.read(request.getInputStream(), maxBodyBytes);
      if (body == null) {
        throw verifier.refuse(AuthFailureReason.BODY_TOO_LARGE, "body over the limit");
      }
      verifier.verifyDigest(received, body.sha256());
      request = new CachedBodyRequest(request, body.bytes());
    } catch (PeerAuthException e) {
      if (e.reason() == AuthFailureReason.BODY_TOO_LARGE) {
        log.warn(
            "peer request refused: {} ({} {}, limit {} bytes)",
            e.reason().label(),
            request.getMethod(),
            RequestPaths.normalized(request),
            maxBodyBytes);
        out.setHeader("Connection", "close");
        Problems.write(
            out,
            Problems.PAYLOAD_TOO_LARGE,
            "payload too large",
            413,
            "peer request body is larger than " + maxBodyBytes + " bytes");
        finish(out, received);
        return;
      }
      log.warn(
          "peer request refused: {} ({} {})",
          e.reason().label(),
          request.getMethod(),
          RequestPaths.normalized(request));
      out.setHeader(PeerSignatureProfile.ACCEPT_SIGNATURE, acceptSignature());
      Problems.write(
          out,
          Problems.UNAUTHORIZED,
          "unauthorized",
          HttpServletResponse.SC_UNAUTHORIZED,
          "peer request authentication failed: " + e.reason().label());
      finish(out, received);
      return;
    }
    try {
      chain.doFilter(request, out);
    } catch (IOException | ServletException | RuntimeException e) {
      if (response.isCommitted()) {
        throw e;
      }
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      log.error("unexpected {} while handling a peer request", root.getClass().getName());
      Problems.write(
          out,
          Problems.INTERNAL,
          "internal",
          HttpServletResponse.SC_INTERNAL_SERVER_ERROR,
          "internal error");
    }
    finish(out, received);
  }

  private void finish(SigningResponseWrapper out, HttpMessage request) throws IOException {
    byte[] content = out.getContentAsByteArray();
    signer.signResponse(out.getStatus(), content, request).applyTo(out::setHeader);
    out.copyBodyToResponse();
  }

  private static String acceptSignature() {
    return Sfv.dictionary(
        PeerSignatureProfile.LABEL,
        HttpSigner.innerList(PeerSignatureProfile.REQUEST)
            .withParams(Parameters.valueOf(Map.of("alg", PeerSignatureProfile.ALG))));
  }

  static HttpMessage toMessage(HttpServletRequest request) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String name : Collections.list(request.getHeaderNames())) {
      headers.put(name, Collections.list(request.getHeaders(name)));
    }
    String host = request.getHeader("Host");
    return HttpMessage.request(
        request.getMethod(),
        request.getScheme(),
        host == null ? null : host.toLowerCase(java.util.Locale.ROOT),
        request.getRequestURI(),
        request.getQueryString(),
        headers);
  }

  /**
   * Buffers the whole response so it can be signed before anything is sent; {@code sendError}
   * becomes a plain status with a problem body, so even container-level errors stay signed.
   */
  static final class SigningResponseWrapper extends ContentCachingResponseWrapper {
    SigningResponseWrapper(HttpServletResponse response) {
      super(response);
    }

    @Override
    public void sendError(int sc) throws IOException {
      sendError(sc, null);
    }

    @Override
    public void sendError(int sc, String msg) throws IOException {
      HttpStatus s = HttpStatus.resolve(sc);
      String title = s == null ? "error" : s.getReasonPhrase().toLowerCase();
      Problems.write(this, sc == 401 ? Problems.UNAUTHORIZED : "about:blank", title, sc, title);
    }
  }

  /** The request with its body already read (to check the digest) made readable again. */
  static final class CachedBodyRequest extends HttpServletRequestWrapper {
    private final byte[] body;

    CachedBodyRequest(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
    }

    @Override
    public ServletInputStream getInputStream() {
      ByteArrayInputStream in = new ByteArrayInputStream(body);
      return new ServletInputStream() {
        @Override
        public int read() {
          return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
          return in.read(b, off, len);
        }

        @Override
        public boolean isFinished() {
          return in.available() == 0;
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
          throw new UnsupportedOperationException("synchronous body only");
        }
      };
    }

    @Override
    public BufferedReader getReader() {
      String enc = getCharacterEncoding();
      Charset cs = StandardCharsets.UTF_8;
      try {
        cs = enc == null ? cs : Charset.forName(enc);
      } catch (RuntimeException e) {
        // an unknown charset name: read as UTF-8
      }
      return new BufferedReader(new InputStreamReader(getInputStream(), cs));
    }

    @Override
    public int getContentLength() {
      return body.length;
    }

    @Override
    public long getContentLengthLong() {
      return body.length;
    }
  }
}
