package dev.prio.server.signing;

import java.net.URI;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the signature code needs to know about one HTTP message, independent of the HTTP stack: for
 * a request its method and target URI parts, for a response its status and (for {@code ;req}
 * components) the request it answers; header field lines in both cases, looked up
 * case-insensitively. {@code path} and {@code query} are raw (still percent-encoded) as they travel
 * on the wire; {@code query} is null when the target has none.
 */
public record HttpMessage(
    String method,
    String scheme,
    String authority,
    String path,
    String query,
    int status,
    Map<String, List<String>> headers,
    HttpMessage request) {

  public HttpMessage {
    TreeMap<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    if (headers != null) {
      headers.forEach((k, v) -> h.computeIfAbsent(k, x -> new java.util.ArrayList<>()).addAll(v));
    }
    h.replaceAll((k, v) -> List.copyOf(v));
    headers = Collections.unmodifiableMap(h);
  }

  public static HttpMessage request(String method, URI uri, Map<String, List<String>> headers) {
    return new HttpMessage(
        method,
        uri.getScheme(),
        authority(uri),
        uri.getRawPath(),
        uri.getRawQuery(),
        -1,
        headers,
        null);
  }

  public static HttpMessage request(
      String method,
      String scheme,
      String authority,
      String rawPath,
      String rawQuery,
      Map<String, List<String>> headers) {
    return new HttpMessage(method, scheme, authority, rawPath, rawQuery, -1, headers, null);
  }

  public static HttpMessage response(
      int status, Map<String, List<String>> headers, HttpMessage request) {
    return new HttpMessage(null, null, null, null, null, status, headers, request);
  }

  public boolean isResponse() {
    return status >= 0;
  }

  /** All field lines of one header, in order; empty if absent. */
  public List<String> header(String name) {
    List<String> v = headers.get(name);
    return v == null ? List.of() : v;
  }

  /** The first field line of a header, or null. */
  public String firstHeader(String name) {
    List<String> v = header(name);
    return v.isEmpty() ? null : v.get(0);
  }

  /** A copy with one header set (replacing any previous lines). */
  public HttpMessage withHeader(String name, String value) {
    TreeMap<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    h.putAll(headers);
    h.put(name, List.of(value));
    return new HttpMessage(method, scheme, authority, path, query, status, h, request);
  }

  /** Host and port, lower case, the default port of the scheme left out (RFC 9421 §2.2.3). */
  static String authority(URI uri) {
    String host = uri.getHost();
    if (host == null) {
      return uri.getRawAuthority() == null ? null : uri.getRawAuthority().toLowerCase(Locale.ROOT);
    }
    int port = uri.getPort();
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    boolean defaultPort =
        port < 0
            || (scheme.equals("http") && port == 80)
            || (scheme.equals("https") && port == 443);
    return (host + (defaultPort ? "" : ":" + port)).toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    // Header values may carry credentials; name only the shape of the message.
    return isResponse()
        ? "HttpMessage[status=" + status + "]"
        : "HttpMessage[" + method + " " + path + "]";
  }
}
