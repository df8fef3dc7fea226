package dev.prio.server.signing;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** RFC 9457 problem-details bodies written straight from a servlet filter (no MVC there). */
final class Problems {
  static final String UNAUTHORIZED = "urn:prio:problem:unauthorized";
  static final String INTERNAL = "urn:prio:problem:internal";
  static final String PAYLOAD_TOO_LARGE = "urn:prio:problem:payload-too-large";
  static final String MEDIA_TYPE = "application/problem+json";

  private Problems() {}

  static byte[] json(String type, String title, int status, String detail) {
    return ("{\"type\":\""
            + escape(type)
            + "\",\"title\":\""
            + escape(title)
            + "\",\"status\":"
            + status
            + ",\"detail\":\""
            + escape(detail)
            + "\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Replaces whatever was buffered with a problem body. The response must not be committed. */
  static void write(
      HttpServletResponse response, String type, String title, int status, String detail)
      throws IOException {
    response.resetBuffer();
    response.setStatus(status);
    response.setContentType(MEDIA_TYPE);
    byte[] body = json(type, title, status, detail);
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  private static String escape(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.toString();
  }
}
