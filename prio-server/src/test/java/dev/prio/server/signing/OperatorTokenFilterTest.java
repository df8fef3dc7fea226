package dev.prio.server.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

/** The operator token filter in front of stand-in operator, actuator and peer endpoints. */
class OperatorTokenFilterTest {
  static final String TOKEN = "s3cr3t-operator-token";

  /** Functional routes, not a @Controller: the pair tests component-scan dev.prio.server. */
  static RouterFunction<ServerResponse> routes() {
    return RouterFunctions.route()
        .POST("/batches/{id}", req -> ServerResponse.ok().body("started"))
        .GET("/batches/{id}", req -> ServerResponse.ok().body("view"))
        .GET("/actuator/batches", req -> ServerResponse.ok().body("list"))
        .GET("/actuator/health", req -> ServerResponse.ok().body("UP"))
        .GET("/actuator/prometheus", req -> ServerResponse.ok().body("# metrics"))
        .GET("/peer/v1/ping", req -> ServerResponse.ok().body("peer"))
        .build();
  }

  final MockMvc mvc =
      MockMvcBuilders.routerFunctions(routes())
          .addFilters(new OperatorTokenFilter(OperatorTokenFilter.hash(TOKEN)))
          .build();

  MockHttpServletResponse call(MockHttpServletRequestBuilder req) throws Exception {
    return mvc.perform(req).andReturn().getResponse();
  }

  static void assert401(MockHttpServletResponse res) throws Exception {
    assertThat(res.getStatus()).isEqualTo(401);
    assertThat(res.getContentType()).isEqualTo("application/problem+json");
    assertThat(res.getContentAsString())
        .startsWith(
            "{\"type\":\"urn:prio:problem:unauthorized\",\"title\":\"unauthorized\","
                + "\"status\":401,\"detail\":");
    assertThat(res.getHeader("WWW-Authenticate")).startsWith("Bearer realm=\"prio\"");
    assertThat(res.getContentAsString()).doesNotContain(TOKEN);
  }

  @Test
  void the_right_token_opens_the_operator_api() throws Exception {
    assertThat(
            call(post("/batches/b1").header("Authorization", "Bearer " + TOKEN))
                .getContentAsString())
        .isEqualTo("started");
    assertThat(
            call(get("/batches/b1").header("Authorization", "bearer " + TOKEN))
                .getContentAsString())
        .isEqualTo("view");
    assertThat(
            call(get("/actuator/batches").header("Authorization", "Bearer " + TOKEN))
                .getContentAsString())
        .isEqualTo("list");
  }

  @Test
  void no_token_or_a_wrong_one_is_401() throws Exception {
    MockHttpServletResponse none = call(post("/batches/b1"));
    assert401(none);
    assertThat(none.getHeader("WWW-Authenticate")).isEqualTo("Bearer realm=\"prio\"");
    MockHttpServletResponse wrong =
        call(post("/batches/b1").header("Authorization", "Bearer " + TOKEN + "x"));
    assert401(wrong);
    assertThat(wrong.getHeader("WWW-Authenticate")).contains("error=\"invalid_token\"");
    assert401(call(get("/actuator/batches")));
    assert401(call(get("/actuator/batches").header("Authorization", "Basic " + TOKEN)));
    assert401(call(get("/actuator/batches").header("Authorization", "Bearer ")));
  }

  @Test
  void path_tricks_stay_protected() throws Exception {
    assert401(call(get(URI.create("http://localhost/%62atches/b1"))));
    assert401(call(get(URI.create("http://localhost//batches/b1"))));
    assert401(call(get(URI.create("http://localhost/batches;x=1/b1"))));
    assert401(call(get(URI.create("http://localhost/actuator/health/../batches"))));
    // Fail-closed: anything not public needs the token, even unknown paths.
    assert401(call(get("/somewhere-new")));
  }

  @Test
  void health_prometheus_and_peer_paths_are_public() throws Exception {
    assertThat(call(get("/actuator/health")).getContentAsString()).isEqualTo("UP");
    assertThat(call(get("/actuator/prometheus")).getContentAsString()).isEqualTo("# metrics");
    assertThat(call(get("/peer/v1/ping")).getContentAsString()).isEqualTo("peer");
  }

  @Test
  void hash_must_be_64_hex_digits() {
    assertThatThrownBy(() -> new OperatorTokenFilter("abc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("abc");
    assertThat(OperatorTokenFilter.hash("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(new OperatorTokenFilter(OperatorTokenFilter.hash("x").toUpperCase()).toString())
        .contains("redacted");
  }
}
