package dev.prio.server.config;

import dev.prio.core.packet.ServerId;
import dev.prio.server.batch.BatchLifecycle;
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
import dev.prio.server.round.Spill;
import dev.prio.server.round.PeerNotices;
import dev.prio.server.round.ProtocolSettings;
import dev.prio.server.round.RoundStore;
import dev.prio.server.signing.PeerAuth;
import dev.prio.server.signing.PeerAuthConfiguration;
import dev.prio.server.storage.ObjectStore;
import dev.prio.server.storage.ObjectStores;
import dev.prio.server.storage.SealedObjectStore;
import dev.prio.server.storage.StorageLayout;
import dev.prio.server.storage.SubmissionReader;
import io.micrometer.core.instrument.MeterRegistry;
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
      throw new IllegalStateException("prio.role (SERVER_ID) must be A or B");
    }
    String seedVariable = env.getProperty("SERVER_ID");
    if (seedVariable != null && !seedVariable.isBlank() && !seedVariable.trim().equalsIgnoreCase(role.name())) {
      throw new IllegalStateException("SERVER_ID=" + seedVariable + " but this application is server " + role);
    }
    return role;
  }

  @Bean
  ServerKeys serverKeys(ServerId role, PrioProperties props) {
    return ServerKeys.from(role, props.keys());
  }

  @Bean
  DataConfig dataConfig(PrioProperties props) {
    return DataConfig.from(props.batch());
  }

  @Bean
  ProtocolSettings protocolSettings(ServerKeys keys, DataConfig data, PrioProperties props) {
    return new ProtocolSettings(keys, data, props.batch().prgMode(), props.batch().rMode());
  }

  /** The server's own store; engine state under it is sealed with a key derived from the server's private key. */
  @Bean
  ObjectStore objectStore(PrioProperties props, ServerKeys keys) throws IOException {
    return new SealedObjectStore(ObjectStores.open(props.storage().root(), props.storage().gcsHost()), keys.stateMacKey(),
        StorageLayout::isState);
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
  BatchLifecycle batchLifecycle(ServerId role, BatchRepository batches, PrioMetrics metrics, Clock clock) {
    return new BatchLifecycle(role, batches, metrics, clock);
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

  @Bean(destroyMethod = "shutdownNow")
  ExecutorService prioChunkPool(PrioProperties props) {
    return Executors.newFixedThreadPool(Math.max(1, props.batch().parallelChunks()));
  }

  @Bean(destroyMethod = "shutdownNow")
  ExecutorService prioBatchPool() {
    return Executors.newFixedThreadPool(4);
  }

  @Bean
  PeerClient peerClient(ServerId role, PrioProperties props, JsonMapper json, PrioMetrics metrics, SslBundles sslBundles,
      PeerAuth peerAuth) {
    if (role != ServerId.A) {
      return null;
    }
    PrioProperties.Peer peer = props.peer();
    if (peer.url() == null || peer.url().isBlank()) {
      throw new IllegalStateException("prio.peer.url (server B's base URL) is required on server A");
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
        .build();
    RetryPolicy retry = new RetryPolicy(peer.maxAttempts(), peer.initialBackoff(), peer.maxBackoff(), peer.maxElapsed());
    return new PeerClient(rest, json, retry, metrics);
  }

  @Bean
  LeaderRounds leaderRounds(ServerId role, ProtocolSettings settings, PrioProperties props, BatchLifecycle lifecycle,
      RoundStore rounds, SubmissionReader reader, ObjectProvider<PeerClient> peer, Publisher publisher, PrioMetrics metrics,
      ExecutorService prioChunkPool, ExecutorService prioBatchPool, Clock clock) {
    if (role != ServerId.A) {
      return null;
    }
    lifecycle.noticeWith(new PeerNotices(peer.getObject(), lifecycle, prioBatchPool));
    RetryPolicy storageRetry = new RetryPolicy(Integer.MAX_VALUE, props.peer().initialBackoff(), props.peer().maxBackoff(),
        props.storage().retryMaxElapsed());
    return new LeaderRounds(settings, props.batch(), lifecycle, rounds, reader, peer.getObject(), publisher, metrics,
        prioChunkPool, storageRetry, Spill.defaults(), clock);
  }

  @Bean
  HelperRounds helperRounds(ServerId role, ProtocolSettings settings, BatchLifecycle lifecycle, RoundStore rounds,
      SubmissionReader reader, Publisher publisher, PrioMetrics metrics, JsonMapper json, Clock clock) {
    if (role != ServerId.B) {
      return null;
    }
    return new HelperRounds(settings, lifecycle, rounds, reader, publisher, metrics, json, Spill.defaults(), clock);
  }

  @Bean
  BatchService batchService(ServerId role, BatchRepository batches, BatchLifecycle lifecycle, ProtocolSettings settings,
      ObjectProvider<LeaderRounds> leader, ExecutorService prioBatchPool, PrioMetrics metrics, Clock clock) {
    return new BatchService(role, batches, lifecycle, settings::nData, leader.getIfAvailable(), prioBatchPool, metrics, clock);
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
  BatchScheduler batchScheduler(BatchService service) {
    return new BatchScheduler(service);
  }
}
