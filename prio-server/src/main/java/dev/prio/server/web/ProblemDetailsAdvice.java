package dev.prio.server.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import tools.jackson.core.JacksonException;

/**
 * One place that turns failures into RFC 9457 problem details. Unexpected errors become a generic
 * 500 whose body names nothing internal; the log gets the exception class only, never request
 * bodies (they carry shares).
 */
@RestControllerAdvice
class ProblemDetailsAdvice {
  private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

  @ExceptionHandler(ProblemException.class)
  ResponseEntity<ProblemDetail> problem(ProblemException e) {
    return of(e.type(), e.getMessage());
  }

  @ExceptionHandler({
    HttpMessageNotReadableException.class,
    JacksonException.class,
    MethodArgumentTypeMismatchException.class,
    MissingServletRequestParameterException.class,
    IllegalArgumentException.class
  })
  ResponseEntity<ProblemDetail> badRequest(Exception e) {
    return of(ProblemType.BAD_REQUEST, "the request is malformed");
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ProblemDetail> unexpected(Exception e) {
    log.error("unexpected {} while handling a request", e.getClass().getName());
    return of(ProblemType.INTERNAL, "internal error");
  }

  static ResponseEntity<ProblemDetail> of(ProblemType type, String detail) {
    ProblemDetail pd = ProblemDetail.forStatusAndDetail(type.status(), detail);
    pd.setType(type.type());
    pd.setTitle(type.name().toLowerCase().replace('_', ' '));
    return ResponseEntity.status(type.status()).body(pd);
  }
}
