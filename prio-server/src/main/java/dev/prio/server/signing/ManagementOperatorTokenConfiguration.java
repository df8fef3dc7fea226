package dev.prio.server.signing;

import jakarta.servlet.Filter;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * The operator token on the actuator's own port. With {@code management.server.port} set (the k8s
 * deployment uses 8081), actuator endpoints run in a child context with its own servlet container,
 * and filters registered in the main context do not apply there — {@code /actuator/batches} would
 * be open. Listed in {@code
 * META-INF/spring/org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration.imports},
 * this class is imported into the management context; in the child it registers the operator filter
 * (the {@link PeerAuth} bean comes from the parent). When management shares the main port it
 * registers nothing: {@link PeerAuthConfiguration}'s filter already covers it. Not a
 * {@code @Configuration}, so component scanning leaves it alone.
 */
public class ManagementOperatorTokenConfiguration {
  private static final Filter PASS =
      (request, response, chain) -> chain.doFilter(request, response);

  @Bean
  FilterRegistrationBean<Filter> prioManagementOperatorTokenFilter(
      ApplicationContext context, ObjectProvider<PeerAuth> peerAuth) {
    PeerAuth auth = context.getParent() == null ? null : peerAuth.getIfAvailable();
    Filter f = auth == null ? null : auth.operatorFilter();
    FilterRegistrationBean<Filter> reg = new FilterRegistrationBean<>(f == null ? PASS : f);
    reg.setName("prioManagementOperatorTokenFilter");
    reg.setOrder(PeerAuthConfiguration.OPERATOR_FILTER_ORDER);
    reg.addUrlPatterns("/*");
    reg.setEnabled(f != null);
    return reg;
  }
}
