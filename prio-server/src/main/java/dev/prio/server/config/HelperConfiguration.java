package dev.prio.server.config;

import dev.prio.server.batch.BatchLifecycle;
import dev.prio.server.batch.BatchProgress;
import dev.prio.server.metrics.PrioMetrics;
import dev.prio.server.peer.PeerConcurrencyLimit;
import dev.prio.server.publish.Publisher;
import dev.prio.server.round.HelperRounds;
import dev.prio.server.round.ProtocolSettings;
import dev.prio.server.round.RoundStore;
import dev.prio.server.round.Spill;
import dev.prio.server.settings.PrioProperties;
import dev.prio.server.storage.SubmissionReader;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** Server B's own beans: its answers to A's rounds, and how many it works on at once. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "prio", name = "role", havingValue = "B")
class HelperConfiguration {
  @Bean
  HelperRounds helperRounds(
      ProtocolSettings settings,
      BatchLifecycle lifecycle,
      BatchProgress progress,
      RoundStore rounds,
      SubmissionReader reader,
      Publisher publisher,
      PrioMetrics metrics,
      JsonMapper json,
      Clock clock,
      PrioProperties props) {
    // B works on at most this many round requests at once, so it never needs more chunks pending
    return new HelperRounds(
        settings,
        lifecycle,
        progress,
        rounds,
        reader,
        publisher,
        metrics,
        json,
        Spill.defaults(),
        clock,
        props.peer().maxConcurrentRounds());
  }

  @Bean
  FilterRegistrationBean<PeerConcurrencyLimit> peerConcurrencyLimit(PrioProperties props) {
    FilterRegistrationBean<PeerConcurrencyLimit> reg =
        new FilterRegistrationBean<>(
            new PeerConcurrencyLimit(props.peer().maxConcurrentRounds(), 1));
    reg.addUrlPatterns("/peer/*");
    return reg;
  }
}
