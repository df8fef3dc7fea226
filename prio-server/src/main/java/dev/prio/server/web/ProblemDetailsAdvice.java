package dev.prio.server.web;

import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springdoc.api.OpenApiResourceNotFoundException;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;

/**
 * One place that turns failures into RFC 9457 problem details. The framework's own client errors
 * (no such path, wrong method, unacceptable {@code Accept}, unsupported {@code Content-Type},
 * unreadable body, bad parameters) keep their status; only what nobody expected is a 500, whose
 * body names nothing internal. The log gets the exception class only, never request bodies (they
 * carry shares).
 */
@RestControllerAdvice
public class ProblemDetailsAdvice {
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
    IllegalArgumentException.class,
    MultipartException.class,
    InvalidParameterException.class
  })
  ResponseEntity<ProblemDetail> badRequest(Exception e) {
    return of(ProblemType.BAD_REQUEST, "the request is malformed");
  }

  @ExceptionHandler({NoResourceFoundException.class, OpenApiResourceNotFoundException.class})
  ResponseEntity<ProblemDetail> notFound(Exception e) {
    return of(ProblemType.NOT_FOUND, "no endpoint at this path");
  }

  @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
  ResponseEntity<ProblemDetail> methodNotAllowed(HttpRequestMethodNotSupportedException e) {
    return withHeaders(
        of(ProblemType.METHOD_NOT_ALLOWED, "this path does not answer " + e.getMethod()),
        e.getHeaders());
  }

  @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
  ResponseEntity<ProblemDetail> notAcceptable(HttpMediaTypeNotAcceptableException e) {
    return of(ProblemType.NOT_ACCEPTABLE, "this endpoint answers application/json only");
  }

  @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
  ResponseEntity<ProblemDetail> unsupportedMediaType(HttpMediaTypeNotSupportedException e) {
    return withHeaders(
        of(ProblemType.UNSUPPORTED_MEDIA_TYPE, "the request body must be application/json"),
        e.getHeaders());
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ProblemDetail> unexpected(Exception e) {
    ResponseStatus annotated =
        AnnotatedElementUtils.findMergedAnnotation(e.getClass(), ResponseStatus.class);
    if (annotated != null && annotated.code().is4xxClientError()) {
      return of(
          ProblemType.forStatus(annotated.code().value()),
          annotated.code().value(),
          "the request cannot be served as sent");
    }
    if (e instanceof ErrorResponse framework && framework.getStatusCode().is4xxClientError()) {
      // Any other client error Spring raises (e.g. a missing path variable or header): its own
      // status.
      HttpStatusCode status = framework.getStatusCode();
      return withHeaders(
          of(
              ProblemType.forStatus(status.value()),
              status.value(),
              "the request cannot be served as sent"),
          framework.getHeaders());
    }
    log.error("unexpected {} while handling a request", e.getClass().getName());
    return of(ProblemType.INTERNAL, "internal error");
  }

  static ResponseEntity<ProblemDetail> of(ProblemType type, String detail) {
    return of(type, type.status().value(), detail);
  }

  static ResponseEntity<ProblemDetail> of(ProblemType type, int status, String detail) {
    return ResponseEntity.status(status).body(Problems.detail(type, status, detail));
  }

  private static ResponseEntity<ProblemDetail> withHeaders(
      ResponseEntity<ProblemDetail> response, HttpHeaders headers) {
    return headers.isEmpty()
        ? response
        : ResponseEntity.status(response.getStatusCode()).headers(headers).body(response.getBody());
  }
}
