package dev.prio.server.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.catalina.Host;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** Puts {@link ContainerErrorValve} in place of Tomcat's (and Boot's) HTML error report valve. */
@Configuration(proxyBeanMethods = false)
class WebErrorConfiguration {
  /** Responses the container made itself, by status; never reaches {@code http.server.requests}. */
  static final String CONTAINER_ERRORS = "prio_http_container_errors";

  @Bean
  WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> problemErrorValve(
      ObjectProvider<MeterRegistry> registry) {
    return new ValveCustomizer(registry.getIfAvailable());
  }

  /** Runs after Boot's own Tomcat customizer, which adds a plain (HTML) ErrorReportValve. */
  static final class ValveCustomizer
      implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory>, Ordered {
    private final MeterRegistry registry;

    ValveCustomizer(MeterRegistry registry) {
      this.registry = registry;
    }

    @Override
    public void customize(ConfigurableTomcatWebServerFactory factory) {
      if (registry != null) {
        Counter.builder(CONTAINER_ERRORS)
            .tag("status", "400")
            .register(registry); // a zero from the start, not a gap
      }
      ContainerErrorValve valve =
          new ContainerErrorValve(
              status -> {
                if (registry != null) {
                  Counter.builder(CONTAINER_ERRORS)
                      .tag("status", String.valueOf(status))
                      .register(registry)
                      .increment();
                }
              });
      factory.addContextCustomizers(
          context -> {
            Host host = (Host) context.getParent();
            for (Valve v : host.getPipeline().getValves()) {
              if (v instanceof ErrorReportValve) {
                host.getPipeline().removeValve(v);
              }
            }
            host.getPipeline().addValve(valve);
            // The host adds a valve of its configured class at start unless one is there already.
            if (host instanceof StandardHost standard) {
              standard.setErrorReportValveClass(ContainerErrorValve.class.getName());
            }
          });
    }

    @Override
    public int getOrder() {
      return Ordered.LOWEST_PRECEDENCE;
    }
  }
}
