package dev.prio.server.config;

import dev.prio.core.packet.ServerId;
import dev.prio.server.batch.BatchLifecycle;
import dev.prio.server.batch.BatchProgress;
import dev.prio.server.batch.BatchRepository;
import dev.prio.server.batch.BatchService;
import dev.prio.server.batch.BatchesEndpoint;
import dev.prio.server.canary.CanaryCheck;
import dev.prio.server.lease.LeaseProperties;
import dev.prio.server.lease.Leases;
import dev.prio.server.logging.ContextExecutors;
import dev.prio.server.metrics.PrioMetrics;
import dev.prio.server.publish.Publisher;
import dev.prio.server.round.LeaderRounds;
import dev.prio.server.round.ProtocolSettings;
import dev.prio.server.round.RoundStore;
import dev.prio.server.settings.DataConfig;
import dev.prio.server.settings.InvalidConfigurationException;
import dev.prio.server.settings.PrioProperties;
import dev.prio.server.settings.ServerKeys;
import dev.prio.server.signing.PeerAuthConfiguration;
import dev.prio.server.storage.ObjectStore;
import dev.prio.server.storage.ObjectStores;
import dev.prio.server.storage.SealedObjectStore;
import dev.prio.server.storage.StorageLayout;
import dev.prio.server.storage.SubmissionReader;
import dev.prio.server.stream.NotificationProperties;
import dev.prio.server.stream.StreamProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.annotation.EnableScheduling;
import tools.jackson.databind.json.JsonMapper;

/**
 * Wires one server from {@link PrioProperties}: what both roles run. The role's own beans are in
 * {@link LeaderConfiguration} (A: the peer client and the round driver) and {@link
 * HelperConfiguration} (B: the round answers and their concurrency limit), each present only in its
 * role's context.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({
  PrioProperties.class,
  LeaseProperties.class,
  StreamProperties.class,
  NotificationProperties.class
})
@Import({
  PeerAuthConfiguration.class,
  LeaderConfiguration.class,
  HelperConfiguration.class,
  StreamConfiguration.class,
  NotificationConfiguration.class
})
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
    if (seedVariable != null
        && !seedVariable.isBlank()
        && !seedVariable.trim().equalsIgnoreCase(role.name())) {
      throw new InvalidConfigurationException(
          "prio.role",
          "is " + role + " (this application) but SERVER_ID=" + seedVariable,
          "SERVER_ID unset or " + role + " for this application");
    }
    return role;
  }

  @Bean
  ServerKeys serverKeys(ServerId role, PrioProperties props) {
    return ServerKeys.from(role, props.keys());
  }

  @Bean
  DataConfig dataConfig(PrioProperties props) {
    try {
      return DataConfig.from(props.batch());
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      throw new InvalidConfigurationException(
          "prio.batch.data-config",
          "cannot be read (" + e.getMessage() + ")",
          "a path to, or the inline text of, [{\"batch_id\": \"...\", \"n_data\": N}, ...]");
    }
  }

  @Bean
  ProtocolSettings protocolSettings(ServerKeys keys, DataConfig data, PrioProperties props) {
    return new ProtocolSettings(keys, data, props.batch().prgMode(), props.batch().rMode());
  }

  /**
   * The server's own store; engine state under it is sealed with a key derived from the server's
   * private key.
   */
  @Bean
  ObjectStore objectStore(PrioProperties props, ServerKeys keys) throws IOException {
    return new SealedObjectStore(
        ObjectStores.open(props.storage().root(), props.storage().gcsHost()),
        keys.stateMacKey(),
        StorageLayout::isState);
  }

  @Bean
  SubmissionReader submissionReader(ObjectStore store, JsonMapper json) {
    return new SubmissionReader(store, json, MAX_LINE_BYTES);
  }

  @Bean
  BatchRepository batchRepository(
      ObjectStore store, JsonMapper json, Clock clock, MeterRegistry registry) {
    BatchRepository repository = new BatchRepository(store, json, clock);
    Gauge.builder(PrioMetrics.UNREADABLE_STATES, repository, BatchRepository::unreadableStates)
        .register(registry);
    return repository;
  }

  @Bean
  BatchLifecycle batchLifecycle(
      ServerId role, BatchRepository batches, PrioMetrics metrics, Clock clock) {
    return new BatchLifecycle(role, batches, metrics, clock);
  }

  /**
   * Finished chunks' counts, written once per interval instead of once per chunk; closed (what it
   * holds written) at a graceful stop, before the store it writes to.
   */
  @Bean
  BatchProgress batchProgress(BatchLifecycle lifecycle, Clock clock, PrioProperties props) {
    return new BatchProgress(lifecycle, clock, props.batch().progressInterval());
  }

  /**
   * Leases in the server's own store: how replicas of A share a batch (docs/scale-out.md), and how
   * the replicas of either server take turns on its stream subscription.
   */
  @Bean
  Leases leases(ObjectStore store, JsonMapper json, Clock clock, LeaseProperties props) {
    return new Leases(store, json, clock, props);
  }

  @Bean
  RoundStore roundStore(ObjectStore store, JsonMapper json) {
    return new RoundStore(store, json);
  }

  @Bean
  Publisher publisher(PrioProperties props, ProtocolSettings settings, JsonMapper json)
      throws IOException {
    String version = PrioServerConfiguration.class.getPackage().getImplementationVersion();
    Map<String, String> protocol =
        Map.of(
            "prgMode", settings.prgMode().name(),
            "rMode", settings.rMode().name(),
            "keyFingerprint", settings.keys().keyFingerprint(),
            "seedFingerprint", settings.keys().seedFingerprint());
    return new Publisher(
        ObjectStores.open(props.storage().effectivePublishRoot(), props.storage().gcsHost()),
        json,
        version == null ? "dev" : version,
        protocol);
  }

  @Bean
  PrioMetrics prioMetrics(MeterRegistry registry) {
    return new PrioMetrics(registry);
  }

  /** Chunk tasks run in the submitting batch run's trace and with its batch MDC keys. */
  @Bean(destroyMethod = "shutdownNow")
  ExecutorService prioChunkPool(PrioProperties props) {
    return ContextExecutors.propagating(
        Executors.newFixedThreadPool(Math.max(1, props.batch().parallelChunks())));
  }

  /**
   * Each batch run (and each late notice to B) is one observation: one trace across both servers.
   */
  @Bean(destroyMethod = "shutdownNow")
  ExecutorService prioBatchPool(ObjectProvider<ObservationRegistry> observations) {
    return ContextExecutors.observed(
        Executors.newFixedThreadPool(4),
        observations.getIfAvailable(() -> ObservationRegistry.NOOP),
        "prio.batch.run");
  }

  @Bean
  BatchService batchService(
      ServerId role,
      BatchRepository batches,
      BatchLifecycle lifecycle,
      ProtocolSettings settings,
      ObjectProvider<LeaderRounds> leader,
      ExecutorService prioBatchPool,
      PrioMetrics metrics,
      Clock clock) {
    return new BatchService(
        role,
        batches,
        lifecycle,
        settings::nData,
        leader.getIfAvailable(),
        prioBatchPool,
        metrics,
        clock);
  }

  /**
   * Compares the latest published canary with its known answer (docs/operations.md "Canary"); it
   * learns of published canaries from the states this process writes and its sweep reads.
   */
  @Bean
  CanaryCheck canaryCheck(
      BatchLifecycle lifecycle,
      Publisher publisher,
      ObjectStore objectStore,
      JsonMapper json,
      MeterRegistry registry) {
    CanaryCheck check = new CanaryCheck(publisher, objectStore, json, registry);
    lifecycle.published().subscribe(check::observe);
    return check;
  }

  @Bean
  BatchesEndpoint batchesEndpoint(BatchService service) {
    return new BatchesEndpoint(service);
  }

  @Bean
  BatchScheduler batchScheduler(BatchService service) {
    return new BatchScheduler(service);
  }
}
