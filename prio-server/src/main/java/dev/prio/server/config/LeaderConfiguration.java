package dev.prio.server.config;

import dev.prio.server.batch.BatchLifecycle;
import dev.prio.server.batch.BatchProgress;
import dev.prio.server.lease.Leases;
import dev.prio.server.logging.PeerRequestLog;
import dev.prio.server.metrics.PrioMetrics;
import dev.prio.server.peer.PeerClient;
import dev.prio.server.peer.RetryPolicy;
import dev.prio.server.publish.Publisher;
import dev.prio.server.round.LeaderRounds;
import dev.prio.server.round.PeerNotices;
import dev.prio.server.round.ProtocolSettings;
import dev.prio.server.round.RoundStore;
import dev.prio.server.round.Spill;
import dev.prio.server.settings.InvalidConfigurationException;
import dev.prio.server.settings.PrioProperties;
import dev.prio.server.signing.PeerAuth;
import dev.prio.server.storage.SubmissionReader;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.json.JsonMapper;

/** Server A's own beans: the only client of the other server, and the driver of A's rounds. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "prio", name = "role", havingValue = "A")
class LeaderConfiguration {
  @Bean
  PeerClient peerClient(
      PrioProperties props,
      JsonMapper json,
      PrioMetrics metrics,
      SslBundles sslBundles,
      PeerAuth peerAuth,
      ObjectProvider<ObservationRegistry> observations) {
    PrioProperties.Peer peer = props.peer();
    if (peer.url() == null || peer.url().isBlank()) {
      throw new InvalidConfigurationException(
          "prio.peer.url", "is required on server A", "server B's base URL, http(s)://host[:port]");
    }
    HttpClientSettings settings =
        HttpClientSettings.defaults()
            .withConnectTimeout(peer.connectTimeout())
            .withReadTimeout(peer.readTimeout());
    if (peer.sslBundle() != null && !peer.sslBundle().isBlank()) {
      settings = settings.withSslBundle(sslBundles.getBundle(peer.sslBundle()));
    }
    RestClient rest =
        RestClient.builder()
            .baseUrl(peer.url())
            .requestFactory(ClientHttpRequestFactoryBuilder.jdk().build(settings))
            .requestInterceptor(peerAuth.clientInterceptor())
            .requestInterceptor(new PeerRequestLog())
            // An observation per request: W3C traceparent on the wire, B's answer in A's trace.
            .observationRegistry(observations.getIfAvailable(() -> ObservationRegistry.NOOP))
            .build();
    RetryPolicy retry =
        new RetryPolicy(
            peer.maxAttempts(), peer.initialBackoff(), peer.maxBackoff(), peer.maxElapsed());
    return new PeerClient(rest, json, retry, metrics);
  }

  @Bean
  LeaderRounds leaderRounds(
      ProtocolSettings settings,
      PrioProperties props,
      BatchLifecycle lifecycle,
      BatchProgress progress,
      RoundStore rounds,
      SubmissionReader reader,
      PeerClient peer,
      Publisher publisher,
      PrioMetrics metrics,
      ExecutorService prioChunkPool,
      ExecutorService prioBatchPool,
      Leases leases,
      Clock clock) {
    lifecycle.noticeWith(new PeerNotices(peer, lifecycle, prioBatchPool));
    RetryPolicy storageRetry =
        new RetryPolicy(
            Integer.MAX_VALUE,
            props.peer().initialBackoff(),
            props.peer().maxBackoff(),
            props.storage().retryMaxElapsed());
    return new LeaderRounds(
        settings,
        props.batch(),
        lifecycle,
        progress,
        rounds,
        reader,
        peer,
        publisher,
        metrics,
        prioChunkPool,
        storageRetry,
        leases,
        Spill.defaults(),
        clock);
  }
}
