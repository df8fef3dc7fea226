package dev.prio.server.web;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.function.IntConsumer;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Tomcat's error report, as a problem document instead of Tomcat's HTML page. It answers what the
 * container rejects before any servlet runs: request headers larger than {@code
 * server.max-http-request-header-size}, a request line Tomcat cannot parse, a URI it will not
 * decode — and a request whose body the connector failed to read (cut short by the sender: 400, or
 * timed out: 408), which it answers after the application gave up on it. Each is counted ({@code
 * prio_http_container_errors_total{status}}) because such requests never reach {@code
 * http.server.requests}. Responses the application already wrote are left alone, as Tomcat's own
 * valve does.
 */
public final class ContainerErrorValve extends ErrorReportValve {
  private final IntConsumer counter;

  public ContainerErrorValve(IntConsumer counter) {
    this.counter = counter;
    setShowReport(false);
    setShowServerInfo(false);
  }

  @Override
  protected void report(Request request, Response response, Throwable throwable) {
    int status = response.getStatus();
    if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
      return;
    }
    counter.accept(status);
    ProblemType type = ProblemType.forStatus(status);
    String detail =
        status >= 500
            ? "internal error"
            : status == 400
                ? "the request could not be parsed or its body read (malformed request line or URI, request headers too large, or a body cut short)"
                : "the request was refused by the server before reaching the application";
    byte[] body = Problems.json(type, status, detail);
    try {
      response.setContentType(Problems.MEDIA_TYPE);
      response.setCharacterEncoding(StandardCharsets.UTF_8.name());
      Writer writer = response.getReporter();
      if (writer != null) {
        writer.write(new String(body, StandardCharsets.UTF_8));
        response.finishResponse();
      }
    } catch (IOException | IllegalStateException e) {
      // The connection is gone or the response cannot take a body: nothing more to say.
    }
  }
}
