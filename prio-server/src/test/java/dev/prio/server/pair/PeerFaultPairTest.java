package dev.prio.server.pair;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WireMock between A and B injects the network's failures: 5xx and 429 are retried with backoff
 * (429 after its Retry-After), a response that never arrives in time is re-sent and B answers it
 * from its stored response, an unsigned answer of any status (not B's word) is retried like a lost
 * one, and a peer that keeps failing ends the batch FAILED, unpublished. Only a refusal signed by B
 * ({@link SignedAsB}) is final at once.
 */
class PeerFaultPairTest {
  private static final String DATE = "2026-11-18";
  private static final String BATCH = "faults-0";
  private static final String CHUNK0 = "/peer/v1/batches/" + DATE + "/" + BATCH + "/chunks/0/";

  @TempDir Path work;
  private WireMockServer proxy;
  private ServerPair pair;
  private Generated gen;

  @BeforeEach
  void start() throws Exception {
    ServerPair.Keys keys = Generated.newKeys();
    gen = new Generated(keys, PrioConfig.of(6, BATCH), 13);
    gen.addValid(12);
    pair =
        new ServerPair(work, keys, "[{\"batch_id\": \"" + BATCH + "\", \"n_data\": 6}]")
            .with("prio.batch.chunk-size", "5")
            .with("prio.peer.read-timeout", "1s")
            .with("prio.peer.initial-backoff", "20ms");
    pair.startB();
    proxy =
        new WireMockServer(
            WireMockConfiguration.options()
                .dynamicPort()
                .bindAddress("127.0.0.1")
                .extensions(new SignedAsB()));
    proxy.start();
    proxy.stubFor(
        any(anyUrl()).atPriority(10).willReturn(aResponse().proxiedFrom(pair.url(ServerId.B))));
    pair.with("prio.peer.url", "http://127.0.0.1:" + proxy.port());
    Staging.write(pair.root(ServerId.A), DATE, BATCH, ServerId.A, "in.ndjson", gen.forA.toString());
    Staging.write(pair.root(ServerId.B), DATE, BATCH, ServerId.B, "in.ndjson", gen.forB.toString());
  }

  @AfterEach
  void stop() {
    pair.close();
    proxy.stop();
  }

  @Test
  void serverErrorsAndTooManyRequestsAreRetried() throws Exception {
    failOnce("verify1", aResponse().withStatus(503));
    failOnce("verify2", aResponse().withStatus(429).withHeader("Retry-After", "1"));
    pair.startA();
    pair.startBatch(BATCH, DATE);
    assertPublished();
    assertThat(requests("verify1")).hasSize(2);
    List<LoggedRequest> verify2 = requests("verify2");
    assertThat(verify2).hasSize(2);
    assertThat(verify2.get(1).getLoggedDate().getTime() - verify2.get(0).getLoggedDate().getTime())
        .as("waited for Retry-After")
        .isGreaterThanOrEqualTo(1000);
    assertThat(pair.get(ServerId.A, "/actuator/prometheus").body())
        .contains(
            "prio_peer_request_seconds_count{outcome=\"server_error\",round=\"verify1\",server=\"a\"} 1")
        .contains(
            "prio_peer_request_seconds_count{outcome=\"client_error\",round=\"verify2\",server=\"a\"} 1");
  }

  @Test
  void aLostResponseIsResentAndAnsweredFromTheStoredResponse() throws Exception {
    // B gets and answers the request, but the answer reaches A only after A gave up on it.
    failOnce("verify2", aResponse().proxiedFrom(pair.url(ServerId.B)).withFixedDelay(2500));
    pair.startA();
    pair.startBatch(BATCH, DATE);
    assertPublished();
    assertThat(requests("verify2")).hasSize(2);
    assertThat(pair.get(ServerId.A, "/actuator/prometheus").body())
        .contains(
            "prio_peer_request_seconds_count{outcome=\"timeout\",round=\"verify2\",server=\"a\"} 1");
  }

  @Test
  void aPeerThatKeepsFailingEndsTheBatchUnpublished() throws Exception {
    // Retries stop at max-elapsed (10 min by default); here the attempt cap, the safety net, ends
    // them.
    pair.with("prio.peer.max-attempts", "6");
    proxy.stubFor(
        put(urlPathMatching(CHUNK0 + "verify1"))
            .atPriority(1)
            .willReturn(aResponse().withStatus(500)));
    pair.startA();
    pair.startBatch(BATCH, DATE);
    String a = pair.awaitTerminal(ServerId.A, BATCH, DATE, Duration.ofSeconds(60));
    assertThat(a)
        .contains("\"phase\":\"FAILED\"")
        .contains("\"failure\":\"PEER_UNAVAILABLE\"")
        .contains("\"failureRetryable\":true");
    assertThat(requests("verify1")).hasSize(6);
    assertThat(pair.awaitTerminal(ServerId.B, BATCH, DATE, Duration.ofSeconds(10)))
        .contains("\"phase\":\"FAILED\"");
    assertThat(Files.exists(pair.root(ServerId.A).resolve("prio/v1/published"))).isFalse();
    assertThat(Files.exists(pair.root(ServerId.B).resolve("prio/v1/published"))).isFalse();
  }

  @Test
  void aPermanentRefusalIsNotRetried() throws Exception {
    proxy.stubFor(
        put(urlPathMatching(CHUNK0 + "verify1"))
            .atPriority(1)
            .willReturn(
                aResponse()
                    .withStatus(422)
                    .withHeader("Content-Type", "application/problem+json")
                    .withBody("{\"type\":\"urn:prio:problem:peer-protocol\",\"status\":422}")
                    .withTransformers(SignedAsB.NAME)));
    pair.startA();
    pair.startBatch(BATCH, DATE);
    String a = pair.awaitTerminal(ServerId.A, BATCH, DATE, Duration.ofSeconds(30));
    assertThat(a).contains("\"failure\":\"PEER_REJECTED\"");
    assertThat(requests("verify1")).hasSize(1);
  }

  @Test
  void unsignedClientErrorsAreRetriedAsLostAnswers() throws Exception {
    // What a proxy or a B pod shutting down answers for B: not B's word, so not a refusal.
    for (int i = 0; i < 3; i++) {
      proxy.stubFor(
          put(urlPathMatching(CHUNK0 + "verify1"))
              .atPriority(1)
              .inScenario("unsigned")
              .whenScenarioStateIs(i == 0 ? STARTED : "failed-" + i)
              .willReturn(
                  aResponse()
                      .withStatus(400)
                      .withHeader("Content-Type", "application/json")
                      .withBody("{\"status\":400,\"error\":\"Bad Request\"}"))
              .willSetStateTo(i == 2 ? "passed" : "failed-" + (i + 1)));
    }
    pair.startA();
    pair.startBatch(BATCH, DATE);
    assertPublished();
    assertThat(requests("verify1")).hasSize(4);
    assertThat(pair.get(ServerId.A, "/actuator/prometheus").body())
        .contains("prio_peer_auth_failures_total{reason=\"missing_signature\",server=\"a\"} 3.0")
        .contains(
            "prio_peer_request_seconds_count{outcome=\"auth_failed\",round=\"verify1\",server=\"a\"} 3");
  }

  @Test
  void unsignedAnswersUntilTheBudgetRunsOutEndTheBatchUnavailable() throws Exception {
    pair.with("prio.peer.max-attempts", "4");
    proxy.stubFor(
        put(urlPathMatching(CHUNK0 + "verify1"))
            .atPriority(1)
            .willReturn(aResponse().withStatus(400).withBody("Bad Request")));
    pair.startA();
    pair.startBatch(BATCH, DATE);
    String a = pair.awaitTerminal(ServerId.A, BATCH, DATE, Duration.ofSeconds(60));
    assertThat(a)
        .contains("\"phase\":\"FAILED\"")
        .contains("\"failure\":\"PEER_UNAVAILABLE\"")
        .contains("\"failureRetryable\":true")
        .contains("no signed answer")
        .contains("unsigned 400 response");
    assertThat(requests("verify1")).hasSize(4);
    assertThat(pair.awaitTerminal(ServerId.B, BATCH, DATE, Duration.ofSeconds(10)))
        .contains("\"phase\":\"FAILED\"");
    assertThat(Files.exists(pair.root(ServerId.A).resolve("prio/v1/published"))).isFalse();
    assertThat(Files.exists(pair.root(ServerId.B).resolve("prio/v1/published"))).isFalse();
  }

  private void failOnce(
      String round, com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder response) {
    proxy.stubFor(
        put(urlPathMatching(CHUNK0 + round))
            .atPriority(1)
            .inScenario(round)
            .whenScenarioStateIs(STARTED)
            .willReturn(response)
            .willSetStateTo("passed"));
  }

  private List<LoggedRequest> requests(String round) {
    return proxy.findAll(putRequestedFor(urlPathMatching(CHUNK0 + round)));
  }

  private void assertPublished() throws Exception {
    String a = pair.awaitTerminal(ServerId.A, BATCH, DATE, Duration.ofSeconds(60));
    assertThat(ServerPair.phase(a)).as(a).isEqualTo("PUBLISHED");
    String published = Staging.published(pair.root(ServerId.A), DATE, BATCH);
    assertThat(published).contains("\"payload\":" + gen.expectedPayload());
    assertThat(Staging.published(pair.root(ServerId.B), DATE, BATCH)).isEqualTo(published);
  }
}
