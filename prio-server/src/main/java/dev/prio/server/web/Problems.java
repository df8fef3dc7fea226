package dev.prio.server.web;

import java.nio.charset.StandardCharsets;
import org.springframework.http.ProblemDetail;

/**
 * The one shape of every problem document: {@code type} (a {@link ProblemType} URN), {@code title}
 * (its name in words), {@code status}, {@code detail}. Used by the MVC advice, the error page
 * controller and the container's error valve, so a 404 from the framework, a 400 from Tomcat and a
 * 409 from a batch look alike.
 */
public final class Problems {
  public static final String MEDIA_TYPE = "application/problem+json";

  private Problems() {}

  public static String title(ProblemType type) {
    return type.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
  }

  public static ProblemDetail detail(ProblemType type, int status, String detail) {
    ProblemDetail pd =
        ProblemDetail.forStatusAndDetail(
            org.springframework.http.HttpStatusCode.valueOf(status), detail);
    pd.setType(type.type());
    pd.setTitle(title(type));
    return pd;
  }

  /** The same document as JSON bytes, for code below Spring MVC (the servlet container). */
  public static byte[] json(ProblemType type, int status, String detail) {
    return ("{\"type\":\""
            + type.type()
            + "\",\"title\":\""
            + title(type)
            + "\",\"status\":"
            + status
            + ",\"detail\":\""
            + escape(detail)
            + "\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static String escape(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
