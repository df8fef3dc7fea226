package dev.prio.server.pair;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.packet.ServerId;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API documents each server serves are the ones committed in {@code docs/openapi/}, on both
 * servers. After a deliberate API change, regenerate them with {@code ./mvnw -pl prio-server -am
 * verify -Dtest=OpenApiDocumentTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dprio.openapi.update=true}.
 */
class OpenApiDocumentTest {
  static final Path COMMITTED = Path.of("..", "docs", "openapi");

  @TempDir Path work;

  @Test
  void servedDocumentsEqualTheCommittedOnesOnBothServers() throws Exception {
    boolean update = Boolean.getBoolean("prio.openapi.update");
    try (ServerPair pair =
        new ServerPair(work, Generated.newKeys(), "[{\"batch_id\": \"doc-0\", \"n_data\": 4}]")
            .start()) {
      for (String api : List.of("operator", "peer")) {
        String a = pair.get(ServerId.A, "/v3/api-docs.yaml/" + api).body();
        String b = pair.get(ServerId.B, "/v3/api-docs.yaml/" + api).body();
        assertThat(b).as("server B's %s document", api).isEqualTo(a);
        Path file = COMMITTED.resolve(api + ".yaml");
        if (update) {
          Files.createDirectories(COMMITTED);
          Files.writeString(file, a);
        }
        assertThat(a)
            .as(
                "served %s document differs from %s; regenerate with -Dprio.openapi.update=true",
                api, file)
            .isEqualTo(Files.readString(file));
        assertThat(a).startsWith("openapi: 3.1");
      }
      String operator = pair.get(ServerId.A, "/v3/api-docs/operator").body();
      assertThat(operator)
          .contains("\"/batches/{batchId}\"")
          .contains("\"/batches/{batchId}/rerun\"")
          .contains("\"/batches/{batchId}/abandon\"")
          .contains("urn:prio:problem:unknown-batch-id");
      String peer = pair.get(ServerId.B, "/v3/api-docs/peer").body();
      assertThat(peer)
          .contains("\"/peer/v1/batches/{date}/{batchId}\"")
          .contains("/chunks/{chunk}/verify1")
          .contains("/chunks/{chunk}/verify2")
          .contains("/total")
          .contains("/publish");

      // Behind the operator token like the rest of the operator API.
      HttpResponse<String> anonymous =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(pair.url(ServerId.A) + "/v3/api-docs/operator"))
                      .GET()
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(pair.get(ServerId.A, "/v3/api-docs/no-such-group").statusCode()).isEqualTo(404);
    }
  }
}
