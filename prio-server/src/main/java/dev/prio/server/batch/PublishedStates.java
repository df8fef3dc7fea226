package dev.prio.server.batch;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Where the published states this process sees meet: its own publishes ({@link BatchLifecycle}) and
 * the states its sweep reads ({@link BatchService#sweep()}: every state on the first sweep, then
 * each batch that settles, once, before its marker goes). What follows the latest publication
 * learns it here, so nothing has to list every state again to find it: the last-success gauge, and
 * whoever subscribes (the canary check).
 */
public final class PublishedStates {
  private final BatchMeters metrics;
  private final List<Consumer<BatchState>> subscribers = new CopyOnWriteArrayList<>();

  PublishedStates(BatchMeters metrics) {
    this.metrics = metrics;
  }

  /**
   * Told of every published state seen from now on; subscribe at wiring, before the first sweep.
   */
  public void subscribe(Consumer<BatchState> subscriber) {
    subscribers.add(subscriber);
  }

  /** A state this process wrote or read; only published ones go further. */
  void seen(BatchState s) {
    if (s.phase() != BatchPhase.PUBLISHED) {
      return;
    }
    metrics.lastSuccessAt(s.updatedAt());
    subscribers.forEach(c -> c.accept(s));
  }
}
