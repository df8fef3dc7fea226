package dev.prio.server.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class PeerConcurrencyLimitTest {
  @Test
  void answers429WithRetryAfterWhenFullAndAdmitsAgainAfterwards() throws Exception {
    PeerConcurrencyLimit limit = new PeerConcurrencyLimit(1, 2);
    AtomicReference<MockHttpServletResponse> inner = new AtomicReference<>();
    MockHttpServletResponse outer = new MockHttpServletResponse();
    // While the first round holds the only slot, a second one arrives.
    limit.doFilter(
        request(),
        outer,
        (req, res) -> {
          MockHttpServletResponse second = new MockHttpServletResponse();
          limit.doFilter(
              request(), second, (r2, s2) -> ((MockHttpServletResponse) s2).setStatus(200));
          inner.set(second);
        });
    assertThat(inner.get().getStatus()).isEqualTo(429);
    assertThat(inner.get().getHeader("Retry-After")).isEqualTo("2");
    assertThat(inner.get().getContentAsString()).contains("urn:prio:problem:busy");
    MockHttpServletResponse later = new MockHttpServletResponse();
    limit.doFilter(request(), later, (r, s) -> ((MockHttpServletResponse) s).setStatus(204));
    assertThat(later.getStatus()).isEqualTo(204);
  }

  @Test
  void leavesOtherPathsAlone() throws Exception {
    PeerConcurrencyLimit limit = new PeerConcurrencyLimit(1, 1);
    MockHttpServletRequest ops = new MockHttpServletRequest("GET", "/batches/x");
    MockHttpServletResponse res = new MockHttpServletResponse();
    limit.doFilter(
        request(),
        new MockHttpServletResponse(),
        (a, b) -> limit.doFilter(ops, res, (c, d) -> ((MockHttpServletResponse) d).setStatus(200)));
    assertThat(res.getStatus()).isEqualTo(200);
  }

  private static MockHttpServletRequest request() {
    return new MockHttpServletRequest("PUT", "/peer/v1/batches/2026-11-24/x/chunks/0/verify1");
  }
}
