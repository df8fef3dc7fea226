package dev.prio.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import dev.prio.server.pair.Generated;
import dev.prio.server.pair.ServerPair;
import dev.prio.server.pair.Staging;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * B serves its rounds over TLS from PEM files (a Spring SSL bundle) and demands A's client
 * certificate; A trusts only B's certificate. A full batch runs over https on loopback; an A that
 * trusts another certificate cannot reach B and the batch fails unpublished.
 */
class MutualTlsPairTest {
  private static final String DATE = "2026-11-16";
  private static final String BATCH = "tls-0";

  @TempDir Path work;

  @Test
  void aBatchRunsOverMutualTls() throws Exception {
    assertThat(runBatch(false)).contains("\"phase\":\"PUBLISHED\"");
  }

  @Test
  void anUntrustedPeerCertificateStopsTheBatch() throws Exception {
    assertThat(runBatch(true)).contains("\"phase\":\"FAILED\"").contains("PEER_UNAVAILABLE");
  }

  private String runBatch(boolean trustWrongCertificate) throws Exception {
    Path certs = Files.createDirectories(work.resolve("certs"));
    TestCertificates b = TestCertificates.create(certs, "server-b");
    TestCertificates a = TestCertificates.create(certs, "server-a");
    TestCertificates other = TestCertificates.create(certs, "someone-else");
    ServerPair.Keys keys = Generated.newKeys();
    Generated gen = new Generated(keys, PrioConfig.of(7, BATCH), 23);
    gen.addValid(9);
    try (ServerPair pair =
        new ServerPair(work, keys, "[{\"batch_id\": \"" + BATCH + "\", \"n_data\": 7}]")) {
      pair.with("server.ssl.bundle", "peer")
          .with("server.ssl.client-auth", "need")
          .with("spring.ssl.bundle.pem.peer.keystore.certificate", "file:" + b.certificate())
          .with("spring.ssl.bundle.pem.peer.keystore.private-key", "file:" + b.privateKey())
          .with("spring.ssl.bundle.pem.peer.truststore.certificate", "file:" + a.certificate());
      pair.startB();
      int portB =
          Integer.parseInt(
              pair.url(ServerId.B).substring(pair.url(ServerId.B).lastIndexOf(':') + 1));
      pair.with("server.ssl.enabled", "false")
          .with("prio.peer.url", "https://127.0.0.1:" + portB)
          .with("prio.peer.ssl-bundle", "peer")
          .with("prio.peer.max-attempts", "2")
          .with("spring.ssl.bundle.pem.peer.keystore.certificate", "file:" + a.certificate())
          .with("spring.ssl.bundle.pem.peer.keystore.private-key", "file:" + a.privateKey())
          .with(
              "spring.ssl.bundle.pem.peer.truststore.certificate",
              "file:" + (trustWrongCertificate ? other.certificate() : b.certificate()));
      pair.startA();
      Staging.write(
          pair.root(ServerId.A), DATE, BATCH, ServerId.A, "in.ndjson", gen.forA.toString());
      Staging.write(
          pair.root(ServerId.B), DATE, BATCH, ServerId.B, "in.ndjson", gen.forB.toString());
      pair.startBatch(BATCH, DATE);
      String state = pair.awaitTerminal(ServerId.A, BATCH, DATE, Duration.ofSeconds(60));
      if (!trustWrongCertificate) {
        assertThat(Staging.published(pair.root(ServerId.A), DATE, BATCH))
            .contains("\"payload\":" + gen.expectedPayload())
            .isEqualTo(Staging.published(pair.root(ServerId.B), DATE, BATCH));
      } else {
        assertThat(pair.root(ServerId.A).resolve("prio/v1/published")).doesNotExist();
      }
      return state;
    }
  }
}
