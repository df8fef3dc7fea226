package dev.prio.server.apps;

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
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * For server-a's and server-b's smoke tests: starts an app from its own application.yaml (role,
 * name and metrics tag come from there, not from here) and checks that its context holds the round
 * driver of its role and not the other's, and that it is live.
 */
public final class AppSmoke {
  private AppSmoke() {}

  public static void startsAs(Class<?> application, ServerId role, Path work) throws Exception {
    Map<String, String> props =
        new HashMap<>(
            ServerPair.properties(
                role,
                Generated.newKeys(),
                work,
                "[{\"batch_id\": \"smoke\", \"n_data\": 4}]",
                0,
                "http://127.0.0.1:9"));
    props
        .keySet()
        .removeAll(
            List.of(
                "spring.config.import",
                "spring.application.name",
                "prio.role",
                "management.metrics.tags.server"));
    String name = role.name().toLowerCase(Locale.ROOT);
    try (ConfigurableApplicationContext ctx =
        new SpringApplicationBuilder(application).run(ServerPair.args(props))) {
      assertThat(ctx.getEnvironment().getProperty("prio.role")).isEqualTo(role.name());
      assertThat(ctx.getEnvironment().getProperty("spring.application.name"))
          .isEqualTo("prio-server-" + name);
      assertThat(ctx.getEnvironment().getProperty("management.metrics.tags.server"))
          .isEqualTo(name);
      assertThat(ctx.getBeanProvider(BatchService.class).getIfAvailable()).isNotNull();
      Class<?> mine = role == ServerId.A ? LeaderRounds.class : HelperRounds.class;
      Class<?> other = role == ServerId.A ? HelperRounds.class : LeaderRounds.class;
      assertThat(ctx.getBeanProvider(mine).getIfAvailable()).as("its own round driver").isNotNull();
      assertThat(ctx.getBeanProvider(other).getIfAvailable())
          .as("the other role's round driver")
          .isNull();
      int port = ((WebServerApplicationContext) ctx).getWebServer().getPort();
      HttpResponse<String> health =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + port + "/actuator/health/liveness"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).contains("UP");
    }
  }
}
