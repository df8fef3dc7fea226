package dev.prio.server.pair;

import dev.prio.core.packet.ServerId;

/** Server properties of a test pair, in-JVM or process, so helpers can configure either. */
public interface PairSettings<P extends PairSettings<P>> {
  P with(String property, String value);

  /** A property for one server only. */
  P withRole(ServerId role, String property, String value);
}
