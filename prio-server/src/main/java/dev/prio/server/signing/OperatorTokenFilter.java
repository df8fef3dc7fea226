package dev.prio.server.signing;

import dev.prio.core.crypto.Sha256;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The operator API behind a bearer token: {@code Authorization: Bearer <token>}, where SHA-256 of
 * the token (UTF-8) must equal the configured hash, compared in constant time. Fail-closed: it
 * guards every path except the public ones — health probes, {@code /actuator/info}, {@code
 * /actuator/prometheus}, and {@code /peer/**} (which has its own signatures) — so {@code
 * /batches/**}, {@code /actuator/batches} and any endpoint added later are covered without anyone
 * remembering to list them. Refusals are 401 problem details with {@code WWW-Authenticate: Bearer}.
 * The token is never logged.
 */
public final class OperatorTokenFilter extends OncePerRequestFilter {
  private static final Logger log = LoggerFactory.getLogger(OperatorTokenFilter.class);

  /** Paths (and everything below them) that need no operator token. */
  public static final List<String> PUBLIC_PATHS =
      List.of(
          "/actuator/health", "/actuator/info", "/actuator/prometheus", PeerSignatureFilter.PREFIX);

  private final byte[] tokenSha256;

  /**
   * @param tokenSha256Hex the SHA-256 of the operator token, 64 hex digits
   */
  public OperatorTokenFilter(String tokenSha256Hex) {
    this.tokenSha256 = parseHash(tokenSha256Hex);
  }

  static byte[] parseHash(String hex) {
    if (hex == null || !hex.trim().matches("[0-9a-fA-F]{64}")) {
      throw new IllegalArgumentException(
          "operator token hash must be the SHA-256 of the token as 64 hex digits");
    }
    return HexFormat.of().parseHex(hex.trim());
  }

  /** The hash to configure for a token: lower-case hex SHA-256 of its UTF-8 bytes. */
  public static String hash(String token) {
    return HexFormat.of().formatHex(sha256(token.getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String path = RequestPaths.normalized(request);
    for (String p : PUBLIC_PATHS) {
      if (RequestPaths.isUnder(path, p)) {
        return true;
      }
    }
    return false;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String token = bearer(request.getHeader("Authorization"));
    if (token != null
        && MessageDigest.isEqual(sha256(token.getBytes(StandardCharsets.UTF_8)), tokenSha256)) {
      chain.doFilter(request, response);
      return;
    }
    log.debug("operator request refused: {} token", token == null ? "no" : "wrong");
    response.setHeader(
        "WWW-Authenticate",
        token == null ? "Bearer realm=\"prio\"" : "Bearer realm=\"prio\", error=\"invalid_token\"");
    Problems.write(
        response,
        Problems.UNAUTHORIZED,
        "unauthorized",
        HttpServletResponse.SC_UNAUTHORIZED,
        token == null
            ? "an operator bearer token is required"
            : "the operator bearer token is not valid");
  }

  private static String bearer(String header) {
    if (header == null) {
      return null;
    }
    String h = header.trim();
    if (h.length() < 7 || !h.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
      return null;
    }
    String t = h.substring(7).trim();
    return t.isEmpty() ? null : t;
  }

  private static byte[] sha256(byte[] b) {
    return Sha256.digest(b);
  }

  @Override
  public String toString() {
    return "OperatorTokenFilter[hash=redacted]";
  }
}
