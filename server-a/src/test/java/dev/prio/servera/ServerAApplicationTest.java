package dev.prio.servera;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.packet.ServerId;
import dev.prio.server.batch.BatchService;
import dev.prio.server.pair.Generated;
import dev.prio.server.pair.ServerPair;
import dev.prio.server.round.HelperRounds;
import dev.prio.server.round.LeaderRounds;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Server A starts from its own application.yaml (role, name and metrics tag come from there, not
 * from the test), and its context holds the round driver of its role and not the other's.
 */
class ServerAApplicationTest {
  @TempDir Path work;

  @Test
  void startsAsServerAFromItsOwnConfiguration() throws Exception {
    Map<String, String> props = new HashMap<>(ServerPair.properties(ServerId.A, Generated.newKeys(), work,
        "[{\"batch_id\": \"smoke\", \"n_data\": 4}]", 0, "http://127.0.0.1:9"));
    props.keySet().removeAll(List.of("spring.config.import", "spring.application.name", "prio.role",
        "management.metrics.tags.server"));
    try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(ServerAApplication.class)
        .run(ServerPair.args(props))) {
      assertThat(ctx.getEnvironment().getProperty("prio.role")).isEqualTo("A");
      assertThat(ctx.getEnvironment().getProperty("spring.application.name")).isEqualTo("prio-server-a");
      assertThat(ctx.getEnvironment().getProperty("management.metrics.tags.server")).isEqualTo("a");
      assertThat(ctx.getBeanProvider(BatchService.class).getIfAvailable()).isNotNull();
      assertThat(ctx.getBeanProvider(LeaderRounds.class).getIfAvailable()).isNotNull();
      assertThat(ctx.getBeanProvider(HelperRounds.class).getIfAvailable()).isNull();
      int port = ((WebServerApplicationContext) ctx).getWebServer().getPort();
      HttpResponse<String> health = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/liveness")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).contains("UP");
    }
  }
}
