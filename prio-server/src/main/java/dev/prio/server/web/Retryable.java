package dev.prio.server.web;

/**
 * The one answer to "is a request that got this status worth repeating?": 408, 429 and 5xx are
 * transient, every other status is final. The peer client's retries and the signing interceptor's
 * handling of unsigned answers (a proxy's 502, a 429 before the filter) both ask here.
 */
public final class Retryable {
  private Retryable() {}

  public static boolean status(int status) {
    return status == 408 || status == 429 || status >= 500;
  }
}
