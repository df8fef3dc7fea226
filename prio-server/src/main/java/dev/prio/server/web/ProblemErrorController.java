package dev.prio.server.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The servlet container's error page ({@code /error}) as a problem document, in place of Boot's own
 * JSON shape: whatever ends in {@code sendError} outside Spring MVC (a filter, the container)
 * answers like every other error. Only 5xx is {@link ProblemType#INTERNAL}.
 */
@RestController
class ProblemErrorController implements ErrorController {

  @RequestMapping("${server.error.path:${error.path:/error}}")
  ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    int status = code instanceof Integer i && i >= 400 && i < 600 ? i : 500;
    ProblemType type = ProblemType.forStatus(status);
    String detail = status >= 500 ? "internal error" : "the request cannot be served as sent";
    ResponseEntity<ProblemDetail> response = ProblemDetailsAdvice.of(type, status, detail);
    if (request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String uri
        && response.getBody() != null) {
      try {
        response.getBody().setInstance(java.net.URI.create(uri));
      } catch (IllegalArgumentException e) {
        // Not a URI reference (the container let it through undecoded): leave the instance out.
      }
    }
    return response;
  }
}
