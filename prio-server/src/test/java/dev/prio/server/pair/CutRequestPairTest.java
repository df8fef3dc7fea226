package dev.prio.server.pair;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.packet.ServerId;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Why A cannot take an unsigned answer for B's word, on a real B: a correctly signed request whose
 * body ends early (the sender's side closed mid-body, as a proxy or a pod going away can leave it)
 * is answered 400 by Tomcat itself — the connector fails the body read, and its error report
 * answers after B's signing filter has given up — so the 400 carries no signature. A retries such
 * an answer as lost (PeerFaultPairTest); it must never end the batch as a refusal.
 */
class CutRequestPairTest {
  @TempDir Path work;

  @Test
  void aRequestCutMidBodyIsAnsweredWithAnUnsigned400() throws Exception {
    try (ServerPair pair =
        new ServerPair(work, Generated.newKeys(), "[{\"batch_id\": \"b\", \"n_data\": 6}]")) {
      pair.startB();
      URI target =
          URI.create(pair.url(ServerId.B) + "/peer/v1/batches/2026-11-24/b/chunks/0/verify1");
      byte[] body = "{\"attempt\":1}".repeat(100).getBytes(StandardCharsets.UTF_8);
      Map<String, String> signature = new LinkedHashMap<>();
      ServerPair.PEER_AUTH.signAsA("PUT", target, body, signature::put);
      StringBuilder head =
          new StringBuilder("PUT " + target.getRawPath() + " HTTP/1.1\r\n")
              .append("Host: 127.0.0.1\r\nContent-Type: application/json\r\n")
              .append("Content-Length: ")
              .append(body.length)
              .append("\r\n");
      signature.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
      String answer;
      try (Socket s = new Socket("127.0.0.1", target.getPort())) {
        OutputStream out = s.getOutputStream();
        out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(body, 0, body.length / 2);
        out.flush();
        s.shutdownOutput();
        answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      }
      assertThat(answer).startsWith("HTTP/1.1 400");
      assertThat(answer.toLowerCase(java.util.Locale.ROOT))
          .doesNotContain("\r\nsignature:")
          .doesNotContain("\r\nsignature-input:");
      // Tomcat answered it itself, so it is counted as a container error.
      assertThat(pair.get(ServerId.B, "/actuator/prometheus").body())
          .contains("prio_http_container_errors_total{server=\"b\",status=\"400\"} 1.0");
    }
  }
}
