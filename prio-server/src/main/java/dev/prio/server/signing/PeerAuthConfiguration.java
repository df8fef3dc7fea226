package dev.prio.server.signing;

import dev.prio.server.metrics.PrioMetrics;
import dev.prio.server.settings.DataConfig;
import dev.prio.server.settings.PrioProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.Filter;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

/**
 * Peer signatures and the operator token, wired into a server. Deliberately <em>not</em> a
 * {@code @Configuration} (the apps component-scan {@code dev.prio.server}): it takes effect only
 * where it is imported, with {@code @Import(PeerAuthConfiguration.class)}. Provides the {@link
 * PeerAuth} bean (for A's RestClient: {@code .requestInterceptor(peerAuth.clientInterceptor())})
 * and registers both servlet filters on every path; each decides for itself what it guards.
 */
@EnableConfigurationProperties(PeerAuthProperties.class)
public class PeerAuthConfiguration {
  /** After the observation filter, so refused requests still show up in http.server.requests. */
  public static final int OPERATOR_FILTER_ORDER = Ordered.HIGHEST_PRECEDENCE + 20;

  public static final int PEER_FILTER_ORDER = Ordered.HIGHEST_PRECEDENCE + 21;

  /**
   * Stands in for a switched-off filter (a registration needs one); the registration is disabled
   * too.
   */
  private static final Filter PASS =
      (request, response, chain) -> chain.doFilter(request, response);

  @Bean
  PeerAuth peerAuth(
      PeerAuthProperties props,
      ObjectProvider<Clock> clock,
      ObjectProvider<PrioMetrics> metrics,
      ObjectProvider<MeterRegistry> registry,
      ObjectProvider<PrioProperties> prio,
      ObjectProvider<DataConfig> data) {
    MeterRegistry r = registry.getIfAvailable();
    if (r != null) {
      // Every reason from the start, so dashboards see zeros rather than gaps.
      for (AuthFailureReason reason : AuthFailureReason.values()) {
        Counter.builder(PrioMetrics.PEER_AUTH_FAILURES).tag("reason", reason.label()).register(r);
      }
    }
    PrioMetrics m = metrics.getIfAvailable();
    return PeerAuth.from(
        props,
        clock.getIfAvailable(Clock::systemUTC),
        m == null ? reason -> {} : m::peerAuthFailure,
        derivedMaxBodyBytes(prio.getIfAvailable(), data.getIfAvailable()));
  }

  /**
   * The largest legitimate round for this server's chunk size and DATA_CONFIG ({@link
   * BoundedBody#derivedLimit}).
   */
  static long derivedMaxBodyBytes(PrioProperties prio, DataConfig data) {
    int chunkSize = prio == null ? 250 : prio.batch().chunkSize();
    int maxNData =
        data == null
            ? 1
            : data.nDataByBatchId().values().stream().mapToInt(Integer::intValue).max().orElse(1);
    return BoundedBody.derivedLimit(chunkSize, maxNData);
  }

  @Bean
  FilterRegistrationBean<Filter> operatorTokenFilter(PeerAuth auth) {
    return registration("prioOperatorTokenFilter", OPERATOR_FILTER_ORDER, auth.operatorFilter());
  }

  @Bean
  FilterRegistrationBean<Filter> peerSignatureFilter(PeerAuth auth) {
    return registration("prioPeerSignatureFilter", PEER_FILTER_ORDER, auth.peerFilter());
  }

  /**
   * On every path, in the given order; disabled (a pass-through) when the filter is switched off.
   */
  private static FilterRegistrationBean<Filter> registration(
      String name, int order, Filter filter) {
    FilterRegistrationBean<Filter> reg =
        new FilterRegistrationBean<>(filter == null ? PASS : filter);
    reg.setName(name);
    reg.setOrder(order);
    reg.addUrlPatterns("/*");
    reg.setEnabled(filter != null);
    return reg;
  }
}
