package dev.prio.server.pair;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.packet.ServerId;
import dev.prio.server.signing.PeerAuthTestSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every client error the framework or the container raises keeps its status and answers with a
 * problem document, over real HTTP, on the operator API (both servers) and on B's peer API (signed
 * as A signs). A 500 here would be a bug.
 */
class HttpErrorsPairTest {
  private static final String CONFIG = "[{\"batch_id\": \"err-0\", \"n_data\": 4}]";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path work;
  static ServerPair pair;

  @BeforeAll
  static void start() throws Exception {
    pair = new ServerPair(work, Generated.newKeys(), CONFIG).start();
  }

  @AfterAll
  static void stop() {
    pair.close();
  }

  private static HttpResponse<String> operator(
      ServerId s, String method, String path, String contentType, String accept, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(pair.url(s) + path))
            .header("Authorization", PeerAuthTestSupport.BEARER)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    if (accept != null) {
      b.header("Accept", accept);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> peer(
      String method, String path, String contentType, String accept, String body) throws Exception {
    URI uri = URI.create(pair.url(ServerId.B) + path);
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .method(method, HttpRequest.BodyPublishers.ofByteArray(bytes))
            .header("Content-Type", contentType);
    if (accept != null) {
      b.header("Accept", accept);
    }
    ServerPair.PEER_AUTH.signAsA(method, uri, bytes, b::header);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertProblem(HttpResponse<String> r, int status, String type) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type"))
        .as(r.body())
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    assertThat(r.body())
        .contains("\"type\":\"urn:prio:problem:" + type + "\"")
        .contains("\"status\":" + status);
  }

  @Test
  void operatorApiOnBothServers() throws Exception {
    for (ServerId s : ServerId.values()) {
      assertProblem(operator(s, "GET", "/no/such/path", null, null, null), 404, "not-found");
      HttpResponse<String> delete = operator(s, "DELETE", "/batches/err-0", null, null, null);
      assertProblem(delete, 405, "method-not-allowed");
      assertThat(delete.headers().firstValue("Allow"))
          .hasValueSatisfying(v -> assertThat(v).contains("GET"));
      assertProblem(
          operator(
              s, "GET", "/batches/err-0?submissionDate=2026-11-20", null, "application/xml", null),
          406,
          "not-acceptable");
      assertProblem(
          operator(s, "POST", "/batches/err-0", "text/plain", null, "submissionDate=2026-11-20"),
          415,
          "unsupported-media-type");
      assertProblem(
          operator(s, "POST", "/batches/err-0", "application/json", null, "{\"submissionDate\":"),
          400,
          "bad-request");
      assertProblem(
          operator(s, "POST", "/batches/err-0", "application/json", null, "{}"),
          400,
          "bad-request");
      assertProblem(
          operator(s, "GET", "/batches/err-0?submissionDate=yesterday", null, null, null),
          400,
          "bad-request");
      assertProblem(
          operator(s, "GET", "/batches/err-0?submissionDate=2026-11-20", null, null, null),
          404,
          "unknown-batch");
      // Found by schemathesis (fuzz/run.sh): each of these was a 500 or an HTML page.
      assertProblem(
          operator(
              s,
              "GET",
              "/batches/err-0?submissionDate=2026-11-20",
              "multipart/form-data",
              null,
              null),
          404,
          "unknown-batch");
      assertProblem(
          operator(s, "POST", "/batches/err-0/abandon", "multipart/form-data", null, "{}"),
          415,
          "unsupported-media-type");
      assertProblem(
          operator(s, "GET", "/batches/err-0?%C2%B8%7E=1&=%07", null, null, null),
          400,
          "bad-request");
      assertProblem(
          operator(s, "TRACE", "/batches/err-0", null, null, null), 405, "method-not-allowed");
    }
  }

  @Test
  void peerApiSignedAsA() throws Exception {
    String batch = "/peer/v1/batches/2026-11-20/err-0";
    assertProblem(
        peer("PUT", "/peer/v1/no/such/path", "application/json", null, "{}"), 404, "not-found");
    HttpResponse<String> post = peer("POST", batch, "application/json", null, "{}");
    assertProblem(post, 405, "method-not-allowed");
    assertThat(post.headers().firstValue("Allow")).hasValue("PUT");
    assertProblem(
        peer("PUT", batch, "application/json", "application/xml", "{}"), 406, "not-acceptable");
    assertProblem(peer("PUT", batch, "text/plain", null, "{}"), 415, "unsupported-media-type");
    assertProblem(
        peer("PUT", batch, "application/json", null, "{\"attempt\":"), 400, "bad-request");
    assertProblem(
        peer("PUT", "/peer/v1/batches/not-a-date/err-0", "application/json", null, "{}"),
        400,
        "bad-request");
    assertProblem(
        peer("PUT", batch + "/chunks/x/verify1", "application/json", null, "{}"),
        400,
        "bad-request");
  }

  @Test
  void oversizedHeadersGetTheSameProblemDocumentAndAreCounted() throws Exception {
    for (ServerId s : ServerId.values()) {
      HttpRequest big =
          HttpRequest.newBuilder(URI.create(pair.url(s) + "/batches/err-0"))
              .header("Authorization", PeerAuthTestSupport.BEARER)
              .header("X-Padding", "x".repeat(20_000))
              .GET()
              .build();
      HttpResponse<String> r = HTTP.send(big, HttpResponse.BodyHandlers.ofString());
      assertProblem(r, 400, "bad-request");
      assertThat(r.body()).contains("request headers too large").doesNotContain("<html");
      assertThat(pair.get(s, "/actuator/prometheus").body())
          .contains(
              "prio_http_container_errors_total{server=\""
                  + s.name().toLowerCase()
                  + "\",status=\"400\"} 1.0");
    }
  }
}
