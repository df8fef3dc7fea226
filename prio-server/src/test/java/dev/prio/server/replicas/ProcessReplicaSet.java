package dev.prio.server.replicas;

import dev.prio.core.packet.ServerId;
import dev.prio.server.faults.ProcessServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * {@link ReplicaSet}'s layout with every replica its own JVM ({@link ProcessServer}), so a test can
 * kill one with SIGKILL: no shutdown hook runs, its leases are neither given up nor renewed again,
 * its requests in flight are cut off. Leases are left to release on shutdown (the default), as in
 * production, since only a kill is a crash here. Every port is fixed up front, so the {@link
 * RoundRobinProxy} in front of B's replicas keeps pointing at them. Logs go to {@code logs/} under
 * the test's directory; {@link #close()} kills every process and the proxy, whatever state the test
 * left them in.
 */
final class ProcessReplicaSet implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  private final Path logDir;
  private final ReplicaSetup setup;
  private final Map<String, String> extra = new HashMap<>();
  private final Map<ServerId, List<Integer>> ports = new HashMap<>();
  private final Map<ServerId, List<ProcessServer>> servers = new HashMap<>();
  private final RoundRobinProxy proxy;

  ProcessReplicaSet(Path work, ReplicaSetup setup, int replicasA, int replicasB)
      throws IOException {
    this.logDir = work.resolve("logs");
    this.setup = setup;
    List<Supplier<String>> backends = new ArrayList<>();
    for (ServerId role : ServerId.values()) {
      List<Integer> rolePorts = new ArrayList<>();
      for (int i = 0; i < (role == ServerId.A ? replicasA : replicasB); i++) {
        int port = ProcessServer.freePort();
        rolePorts.add(port);
        if (role == ServerId.B) {
          backends.add(() -> "http://127.0.0.1:" + port);
        }
      }
      ports.put(role, rolePorts);
      servers.put(role, new ArrayList<>());
    }
    this.proxy = new RoundRobinProxy(backends);
  }

  ProcessReplicaSet with(String property, String value) {
    extra.put(property, value);
    return this;
  }

  /** Starts B's replicas, then A's, each role's side by side (JVM start-up is most of the time). */
  ProcessReplicaSet start() throws InterruptedException {
    for (ServerId role : List.of(ServerId.B, ServerId.A)) {
      List<Integer> rolePorts = ports.get(role);
      for (int i = 0; i < rolePorts.size(); i++) {
        String name = role.name().toLowerCase() + (i + 1);
        Map<String, String> props =
            setup.properties(role, name, rolePorts.get(i), proxy.url(), true);
        props.putAll(extra);
        servers.get(role).add(new ProcessServer(name, rolePorts.get(i), props, logDir));
      }
      startAll(servers.get(role));
    }
    return this;
  }

  /** Replica {@code index} (1-based) of A, once started. */
  ProcessServer a(int index) {
    return servers.get(ServerId.A).get(index - 1);
  }

  /** Replica {@code index} (1-based) of B, once started; backend {@code index - 1} of the proxy. */
  ProcessServer b(int index) {
    return servers.get(ServerId.B).get(index - 1);
  }

  RoundRobinProxy proxy() {
    return proxy;
  }

  private static void startAll(List<ProcessServer> replicas) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(replicas.size());
    try {
      List<Future<?>> started = new ArrayList<>();
      for (ProcessServer s : replicas) {
        started.add(
            pool.submit(
                () -> {
                  s.start(START_TIMEOUT);
                  return null;
                }));
      }
      for (Future<?> f : started) {
        try {
          f.get();
        } catch (ExecutionException e) {
          throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Override
  public void close() {
    try {
      servers.values().stream().flatMap(List::stream).forEach(ProcessServer::close);
    } finally {
      proxy.close();
    }
  }
}
