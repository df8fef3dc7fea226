package dev.prio.server.config;

import dev.prio.core.packet.ServerId;
import dev.prio.server.batch.BatchRepository;
import dev.prio.server.batch.BatchService;
import dev.prio.server.batch.BatchesEndpoint;
import dev.prio.server.metrics.PrioMetrics;
import dev.prio.server.peer.PeerClient;
import dev.prio.server.peer.PeerConcurrencyLimit;
import dev.prio.server.peer.RetryPolicy;
import dev.prio.server.publish.Publisher;
import dev.prio.server.round.HelperRounds;
import dev.prio.server.round.LeaderRounds;
import dev.prio.server.round.ProtocolSettings;
import dev.prio.server.round.RoundStore;
import dev.prio.server.signing.PeerAuth;
import dev.prio.server.signing.PeerAuthConfiguration;
import dev.prio.server.storage.ObjectStore;
import dev.prio.server.storage.ObjectStores;
import dev.prio.server.storage.SubmissionReader;
import dev.prio.server.canary.CanaryCheck;
import dev.prio.server.logging.ContextExecutors;
import dev.prio.server.logging.PeerRequestLog;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Wires one server from {@link PrioProperties}. Both roles get the same beans except the round
 * drivers: A gets {@link LeaderRounds} and a {@link PeerClient}, B gets {@link HelperRounds}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PrioProperties.class)
@Import(PeerAuthConfiguration.class)
@EnableScheduling
public class PrioServerConfiguration {
  /** Longest input line read: an n_data 262143 A share in base64, with room for the id. */
  private static final int MAX_LINE_BYTES = 16 << 20;

  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }

  @Bean
  ServerId role(PrioProperties props, Environment env) {
    ServerId role = props.role();
    if (role == null) {
      throw new InvalidConfigurationException("prio.role", "is not set", "A or B");
    }
    String seedVariable = env.getProperty("SERVER_ID");
    if (seedVariable != null && !seedVariable.isBlank() && !seedVariable.trim().equalsIgnoreCase(role.name())) {
      throw new InvalidConfigurationException("prio.role", "is " + role + " (this application) but SERVER_ID=" + seedVariable,
          "SERVER_ID unset or " + role + " for this application");
    }
    return role;
  }

  @Bean
  ServerKeys serverKeys(ServerId role, PrioProperties props) {
    return ServerKeys.from(role, props.keys());
  }

  @Bean
  DataConfig dataConfig(PrioProperties props, JsonMapper json) {
    try {
      return DataConfig.from(props.batch(), json);
    } catch (IllegalArgumentException | java.io.UncheckedIOException | tools.jackson.core.JacksonException e) {
      throw new InvalidConfigurationException("prio.batch.data-config", "cannot be read (" + e.getMessage() + ")",
          "a path to, or the inline text of, [{\"batch_id\": \"...\", \"n_data\": N}, ...]");
    }
  }

  @Bean
  ProtocolSettings protocolSettings(ServerKeys keys, DataConfig data, PrioProperties props) {
    return new ProtocolSettings(keys, data, props.batch().prgMode(), props.batch().rMode());
  }

  @Bean
  ObjectStore objectStore(PrioProperties props) throws IOException {
    return ObjectStores.open(props.storage().root(), props.storage().gcsHost());
  }

  @Bean
  SubmissionReader submissionReader(ObjectStore store, JsonMapper json) {
    return new SubmissionReader(store, json, MAX_LINE_BYTES);
  }

  @Bean
  BatchRepository batchRepository(ObjectStore store, JsonMapper json) {
    return new BatchRepository(store, json);
  }

  @Bean
  RoundStore roundStore(ObjectStore store, JsonMapper json) {
    return new RoundStore(store, json);
  }

  @Bean
  Publisher publisher(PrioProperties props, ProtocolSettings settings, JsonMapper json) throws IOException {
    String version = PrioServerConfiguration.class.getPackage().getImplementationVersion();
    Map<String, String> protocol = Map.of(
        "prgMode", settings.prgMode().name(),
        "rMode", settings.rMode().name(),
        "keyFingerprint", settings.keys().keyFingerprint(),
        "seedFingerprint", settings.keys().seedFingerprint());
    return new Publisher(ObjectStores.open(props.storage().effectivePublishRoot(), props.storage().gcsHost()), json, version == null ? "dev" : version,
        protocol);
  }

  @Bean
  PrioMetrics prioMetrics(MeterRegistry registry) {
    return new PrioMetrics(registry);
  }

  /** Chunk tasks run in the submitting batch run's trace and with its batch MDC keys. */
  @Bean(destroyMethod = "shutdownNow")
  ExecutorService prioChunkPool(PrioProperties props) {
    return ContextExecutors.propagating(Executors.newFixedThreadPool(Math.max(1, props.batch().parallelChunks())));
  }

  /** Each batch run (and each late notice to B) is one observation: one trace across both servers. */
  @Bean(destroyMethod = "shutdownNow")
  ExecutorService prioBatchPool(ObjectProvider<ObservationRegistry> observations) {
    return ContextExecutors.observed(Executors.newFixedThreadPool(4), observations.getIfAvailable(() -> ObservationRegistry.NOOP),
        "prio.batch.run");
  }

  @Bean
  PeerClient peerClient(ServerId role, PrioProperties props, JsonMapper json, PrioMetrics metrics, SslBundles sslBundles,
      PeerAuth peerAuth, ObjectProvider<ObservationRegistry> observations) {
    if (role != ServerId.A) {
      return null;
    }
    PrioProperties.Peer peer = props.peer();
    if (peer.url() == null || peer.url().isBlank()) {
      throw new InvalidConfigurationException("prio.peer.url", "is required on server A", "server B's base URL, http(s)://host[:port]");
    }
    HttpClientSettings settings = HttpClientSettings.defaults()
        .withConnectTimeout(peer.connectTimeout()).withReadTimeout(peer.readTimeout());
    if (peer.sslBundle() != null && !peer.sslBundle().isBlank()) {
      settings = settings.withSslBundle(sslBundles.getBundle(peer.sslBundle()));
    }
    RestClient rest = RestClient.builder()
        .baseUrl(peer.url())
        .requestFactory(ClientHttpRequestFactoryBuilder.jdk().build(settings))
        .requestInterceptor(peerAuth.clientInterceptor())
        .requestInterceptor(new PeerRequestLog())
        // An observation per request: W3C traceparent on the wire, B's answer in A's trace.
        .observationRegistry(observations.getIfAvailable(() -> ObservationRegistry.NOOP))
        .build();
    RetryPolicy retry = new RetryPolicy(peer.maxAttempts(), peer.initialBackoff(), Duration.ofSeconds(30), peer.maxElapsed());
    return new PeerClient(rest, json, retry, metrics);
  }

  @Bean
  LeaderRounds leaderRounds(ServerId role, ProtocolSettings settings, PrioProperties props, BatchRepository batches,
      RoundStore rounds, SubmissionReader reader, ObjectProvider<PeerClient> peer, Publisher publisher, PrioMetrics metrics,
      ExecutorService prioChunkPool, Clock clock) {
    if (role != ServerId.A) {
      return null;
    }
    return new LeaderRounds(settings, props.batch(), batches, rounds, reader, peer.getObject(), publisher, metrics,
        prioChunkPool, clock);
  }

  @Bean
  HelperRounds helperRounds(ServerId role, ProtocolSettings settings, BatchRepository batches, RoundStore rounds,
      SubmissionReader reader, Publisher publisher, PrioMetrics metrics, JsonMapper json, Clock clock) {
    if (role != ServerId.B) {
      return null;
    }
    return new HelperRounds(settings, batches, rounds, reader, publisher, metrics, json, clock);
  }

  @Bean
  BatchService batchService(ServerId role, BatchRepository batches, ProtocolSettings settings,
      ObjectProvider<LeaderRounds> leader, ExecutorService prioBatchPool, PrioMetrics metrics, Clock clock) {
    return new BatchService(role, batches, settings, leader.getIfAvailable(), prioBatchPool, metrics, clock);
  }

  /** Compares the latest published canary with its known answer (docs/operations.md "Canary"). */
  @Bean
  CanaryCheck canaryCheck(BatchService service, Publisher publisher, ObjectStore objectStore, JsonMapper json,
      MeterRegistry registry) {
    return new CanaryCheck(service, publisher, objectStore, json, registry);
  }

  @Bean
  BatchesEndpoint batchesEndpoint(BatchService service) {
    return new BatchesEndpoint(service);
  }

  @Bean
  FilterRegistrationBean<PeerConcurrencyLimit> peerConcurrencyLimit(ServerId role, PrioProperties props) {
    FilterRegistrationBean<PeerConcurrencyLimit> reg =
        new FilterRegistrationBean<>(new PeerConcurrencyLimit(props.peer().maxConcurrentRounds(), 1));
    reg.addUrlPatterns("/peer/*");
    reg.setEnabled(role == ServerId.B);
    return reg;
  }

  @Bean
  BatchLifecycle batchLifecycle(BatchService service) {
    return new BatchLifecycle(service);
  }
}
