package dev.prio.server.replicas;

import dev.prio.core.packet.ServerId;
import dev.prio.server.pair.ServerPair;
import dev.prio.server.pair.TestServerApplication;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Replicas of A and of B, each a real Spring context with real HTTP, all of one role on the same
 * storage root, as pods of one Deployment share a bucket. A's replicas reach B's through one {@link
 * RoundRobinProxy}, as through a Service. Any replica can be stopped (gracefully, or as a crash:
 * its leases left to expire) and started again; B's replicas come back on their port.
 */
final class ReplicaSet implements AutoCloseable {
  /**
   * One replica: its role, index (1-based), holder name, port (kept over restarts for B), context.
   */
  static final class Replica {
    final ServerId role;
    final String name;

    /** Stopping it leaves its leases to expire, as kill -9 does (instead of giving them up). */
    boolean leaveLeasesOnStop;

    int port;
    ConfigurableApplicationContext context;

    Replica(ServerId role, int index) {
      this.role = role;
      this.name = role.name().toLowerCase() + index;
    }

    boolean isUp() {
      return context != null;
    }

    String url() {
      return "http://127.0.0.1:" + port;
    }
  }

  private final ReplicaSetup setup;
  private final Map<String, String> extra = new HashMap<>();
  private final Map<ServerId, Map<String, String>> extraByRole = new HashMap<>();
  private final List<Replica> as = new ArrayList<>();
  private final List<Replica> bs = new ArrayList<>();
  private final RoundRobinProxy proxy;

  ReplicaSet(ReplicaSetup setup, int replicasA, int replicasB) throws IOException {
    this.setup = setup;
    for (int i = 1; i <= replicasA; i++) {
      as.add(new Replica(ServerId.A, i));
    }
    List<Supplier<String>> backends = new ArrayList<>();
    for (int i = 1; i <= replicasB; i++) {
      Replica b = new Replica(ServerId.B, i);
      bs.add(b);
      backends.add(b::url);
    }
    this.proxy = new RoundRobinProxy(backends);
  }

  ReplicaSet with(String property, String value) {
    extra.put(property, value);
    return this;
  }

  /** An extra property for every replica of one role (e.g. its own stream subscription). */
  ReplicaSet withRole(ServerId role, String property, String value) {
    extraByRole.computeIfAbsent(role, k -> new HashMap<>()).put(property, value);
    return this;
  }

  ReplicaSet start() {
    bs.forEach(this::start);
    as.forEach(this::start);
    return this;
  }

  Replica a(int index) {
    return as.get(index - 1);
  }

  Replica b(int index) {
    return bs.get(index - 1);
  }

  List<Replica> all() {
    List<Replica> out = new ArrayList<>(bs);
    out.addAll(as);
    return out;
  }

  RoundRobinProxy proxy() {
    return proxy;
  }

  /** Starts (or restarts) a replica. */
  void start(Replica r) {
    Map<String, String> props =
        setup.properties(r.role, r.name, r.port, proxy.url(), !r.leaveLeasesOnStop);
    props.putAll(extra);
    props.putAll(extraByRole.getOrDefault(r.role, Map.of()));
    r.context =
        new SpringApplicationBuilder(TestServerApplication.class).run(ServerPair.args(props));
    r.port = ((WebServerApplicationContext) r.context).getWebServer().getPort();
  }

  /** Closes the replica's context; B's replica keeps its port for its restart. */
  void stop(Replica r) {
    if (r.context != null) {
      r.context.close();
      r.context = null;
      if (r.role == ServerId.A) {
        r.port = 0;
      }
    }
  }

  /** A replica of A that is up, for the operator API. */
  Replica anyA() {
    return as.stream().filter(Replica::isUp).findFirst().orElseThrow();
  }

  @Override
  public void close() {
    as.forEach(this::stop);
    bs.forEach(this::stop);
    proxy.close();
  }
}
