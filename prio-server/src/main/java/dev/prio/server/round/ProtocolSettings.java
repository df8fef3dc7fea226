package dev.prio.server.round;

import dev.prio.core.packet.PrioConfig;
import dev.prio.core.prg.PrgKeyMode;
import dev.prio.core.snip.PrioServer;
import dev.prio.core.snip.RMode;
import dev.prio.server.settings.DataConfig;
import dev.prio.server.settings.ServerKeys;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The protocol parameters this server runs with, and the per-batch {@link PrioServer}s built from
 * them. In CONSTANT r mode a PrioServer is immutable, so one per (batch id, n_data) is cached and
 * its evaluation weights at r are computed once.
 */
public final class ProtocolSettings {
  private final ServerKeys keys;
  private final DataConfig dataConfig;
  private final PrgKeyMode prgMode;
  private final RMode rMode;
  private final Map<PrioConfig, PrioServer> servers = new ConcurrentHashMap<>();

  public ProtocolSettings(ServerKeys keys, DataConfig dataConfig, PrgKeyMode prgMode, RMode rMode) {
    if (rMode != RMode.CONSTANT) {
      // SEQUENTIAL ties r to the order packets are parsed, which parallel chunks and restarts
      // cannot keep identical on both servers; it exists for the CLI only.
      throw new IllegalArgumentException(
          "the server pair runs in CONSTANT r mode only; SEQUENTIAL is for prio-cli");
    }
    this.keys = keys;
    this.dataConfig = dataConfig;
    this.prgMode = prgMode;
    this.rMode = rMode;
  }

  public ServerKeys keys() {
    return keys;
  }

  public PrgKeyMode prgMode() {
    return prgMode;
  }

  public RMode rMode() {
    return rMode;
  }

  public Optional<Integer> nData(String batchId) {
    return dataConfig.nData(batchId);
  }

  public PrioServer server(PrioConfig config) {
    return servers.computeIfAbsent(
        config,
        c -> new PrioServer(c, keys.role(), keys.privateKey(), keys.sharedSeed(), prgMode, rMode));
  }
}
