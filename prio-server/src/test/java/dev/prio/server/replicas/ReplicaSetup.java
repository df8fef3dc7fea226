package dev.prio.server.replicas;

import dev.prio.core.packet.ServerId;
import dev.prio.server.pair.ServerPair;
import java.util.Map;

/**
 * What every replica of a set shares: the pair's keys, DATA_CONFIG and one storage root per role
 * (all replicas of a role on one root, as pods of one Deployment share a bucket). Builds each
 * replica's properties, the same whether it runs as a context ({@link ReplicaSet}) or as its own
 * process ({@link ProcessReplicaSet}).
 */
record ReplicaSetup(ServerPair.Keys keys, String dataConfig, Map<ServerId, String> roots) {
  ReplicaSetup {
    roots = Map.copyOf(roots);
  }

  /**
   * A test server's properties ({@link ServerPair#properties}) on its role's root, named and
   * holding leases as the replica {@code name}, with a backoff short enough that A's retry finds
   * another replica of B at once. {@code releaseLeasesOnShutdown} false leaves leases to expire on
   * a graceful stop, as a crash does. Mutable, for extras.
   */
  Map<String, String> properties(
      ServerId role, String name, int port, String peerUrl, boolean releaseLeasesOnShutdown) {
    Map<String, String> props =
        ServerPair.properties(role, keys, roots.get(role), dataConfig, port, peerUrl);
    props.put("spring.application.name", "prio-server-" + name);
    props.put("prio.peer.max-backoff", "300ms");
    props.put("prio.lease.holder", name);
    props.put("prio.lease.release-on-shutdown", String.valueOf(releaseLeasesOnShutdown));
    return props;
  }
}
