package dev.prio.server.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static dev.prio.server.faults.FaultFixture.BATCH;
import static dev.prio.server.faults.FaultFixture.DATE;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.prio.core.packet.ServerId;
import dev.prio.server.pair.ServerPair;
import dev.prio.server.pair.SignedAsB;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The publish is a two-sided commit: with WireMock between A and B, B's publish round failing, an
 * abandon while B prepares, and a rerun right after a failure whose notice to B is slow.
 */
class PublishFaultTest {
  private static final String PUBLISH = "/peer/v1/batches/" + DATE + "/" + BATCH + "/publish";

  @TempDir Path work;
  private final FaultFixture f = new FaultFixture(40, 41);
  private WireMockServer proxy;
  private ServerPair pair;

  @BeforeEach
  void start() throws Exception {
    pair =
        f.pair(work)
            .with("prio.batch.chunk-size", "10")
            .with("prio.peer.initial-backoff", "20ms")
            .with("prio.peer.max-elapsed", "3s")
            .with("prio.peer.read-timeout", "2s");
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
    f.stage(pair);
  }

  @AfterEach
  void stop() {
    pair.close();
    proxy.stop();
  }

  @Test
  void publishRoundFailingLeavesNothingFinalAndARerunPublishesOnce() throws Exception {
    proxy.stubFor(
        put(urlPathEqualTo(PUBLISH)).atPriority(1).willReturn(aResponse().withStatus(503)));
    pair.startA();
    pair.startBatch(BATCH, DATE);
    String a = pair.awaitTerminal(ServerId.A, BATCH, DATE, Duration.ofSeconds(60));
    assertThat(a).contains("\"phase\":\"FAILED\"").contains("\"failure\":\"PEER_UNAVAILABLE\"");
    FaultFixture.assertNothingPublished(pair);

    proxy.resetMappings();
    proxy.stubFor(any(anyUrl()).willReturn(aResponse().proxiedFrom(pair.url(ServerId.B))));
    assertThat(
            pair.post(
                    ServerId.A,
                    "/batches/" + BATCH + "/rerun",
                    "{\"submissionDate\":\"" + DATE + "\"}")
                .statusCode())
        .isEqualTo(202);
    f.assertPublishedOnce(pair);
    assertThat(pair.get(ServerId.A, "/batches/" + BATCH + "?submissionDate=" + DATE).body())
        .contains("\"attempt\":2");
  }

  @Test
  void abandonWhileBPreparesLeavesNothingFinalOnEitherSide() throws Exception {
    proxy.stubFor(
        put(urlPathEqualTo(PUBLISH))
            .atPriority(1)
            .willReturn(aResponse().proxiedFrom(pair.url(ServerId.B)).withFixedDelay(1500)));
    pair.startA();
    pair.startBatch(BATCH, DATE);
    FaultFixture.awaitPhase(pair, ServerId.A, "PUBLISHING");
    String abandoned =
        pair.post(
                ServerId.A,
                "/batches/" + BATCH + "/abandon",
                "{\"submissionDate\":\"" + DATE + "\"}")
            .body();
    assertThat(abandoned).contains("\"phase\":\"ABANDONED\"");
    FaultFixture.awaitPhase(pair, ServerId.B, "ABANDONED");
    Thread.sleep(3000); // whatever A had in flight has long been answered
    assertThat(
            ServerPair.phase(
                pair.get(ServerId.A, "/batches/" + BATCH + "?submissionDate=" + DATE).body()))
        .isEqualTo("ABANDONED");
    FaultFixture.assertNothingPublished(pair);
  }

  @Test
  void aRerunRightAfterAFailureRunsEvenWhileTheNoticeToBIsSlow() throws Exception {
    proxy.stubFor(
        put(urlPathMatching(".*/chunks/0/verify1"))
            .atPriority(1)
            .willReturn(
                aResponse()
                    .withStatus(422)
                    .withHeader("Content-Type", "application/problem+json")
                    .withBody("{\"type\":\"urn:prio:problem:peer-protocol\",\"status\":422}")
                    .withTransformers(SignedAsB.NAME)));
    proxy.stubFor(
        put(urlPathEqualTo(PUBLISH))
            .atPriority(2)
            .willReturn(aResponse().proxiedFrom(pair.url(ServerId.B)).withFixedDelay(1500)));
    pair.startA();
    pair.startBatch(BATCH, DATE);
    assertThat(pair.awaitTerminal(ServerId.A, BATCH, DATE, Duration.ofSeconds(30)))
        .contains("\"failure\":\"PEER_REJECTED\"");
    proxy.resetMappings();
    proxy.stubFor(any(anyUrl()).willReturn(aResponse().proxiedFrom(pair.url(ServerId.B))));
    assertThat(
            pair.post(
                    ServerId.A,
                    "/batches/" + BATCH + "/rerun",
                    "{\"submissionDate\":\"" + DATE + "\"}")
                .statusCode())
        .isEqualTo(202);
    f.assertPublishedOnce(pair);
  }
}
