package dev.prio.server.signing;

import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The request path as routing sees it, for deciding which filter applies: context path removed,
 * {@code ;params} dropped, each segment percent-decoded, empty and {@code .} segments dropped,
 * {@code ..} resolved. Matching on this (rather than the raw URI) means {@code /%70eer/...} or
 * {@code //batches} cannot slip past a prefix check.
 */
final class RequestPaths {
  private RequestPaths() {}

  static String normalized(HttpServletRequest request) {
    String uri = request.getRequestURI();
    if (uri == null) {
      return "/";
    }
    String ctx = request.getContextPath();
    if (ctx != null && !ctx.isEmpty() && uri.startsWith(ctx)) {
      uri = uri.substring(ctx.length());
    }
    return normalize(uri);
  }

  static String normalize(String rawPath) {
    Deque<String> out = new ArrayDeque<>();
    for (String seg : rawPath.split("/")) {
      int semi = seg.indexOf(';');
      String s = percentDecode(semi >= 0 ? seg.substring(0, semi) : seg, false);
      if (s.isEmpty() || s.equals(".")) {
        continue;
      }
      if (s.equals("..")) {
        out.pollLast();
        continue;
      }
      out.addLast(s);
    }
    return "/" + String.join("/", out);
  }

  /** True if {@code path} is {@code prefix} or below it. */
  static boolean isUnder(String path, String prefix) {
    return path.equals(prefix) || path.startsWith(prefix + "/");
  }

  /**
   * Percent-decoding of a path segment or (with {@code plusIsSpace}) a form-encoded query value:
   * %XX with two ASCII hex digits is a UTF-8 byte, anything else stays as it is. The one decoder of
   * the signing code ({@link SignatureBase} uses it for query parameters).
   */
  static String percentDecode(String s, boolean plusIsSpace) {
    if (s.indexOf('%') < 0 && !(plusIsSpace && s.indexOf('+') >= 0)) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (plusIsSpace && c == '+') {
        out.write(' ');
      } else if (c == '%'
          && i + 2 < s.length()
          && isHex(s.charAt(i + 1))
          && isHex(s.charAt(i + 2))) {
        out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
