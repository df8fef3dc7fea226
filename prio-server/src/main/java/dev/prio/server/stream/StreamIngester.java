package dev.prio.server.stream;

import dev.prio.core.packet.ServerId;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.BatchWindow;
import dev.prio.server.storage.ObjectStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stages streamed submissions: holds each window's received messages unacknowledged until they are
 * written as one segment, then acknowledges them. A message whose id is already in the window's
 * input is acknowledged without being written again, so a redelivered or republished submission is
 * staged exactly once: the window's id set is loaded from its stored input (the only durable record
 * of what was staged) and grows with every segment written. On server A it also closes windows and
 * starts each as a batch.
 *
 * <p>One lock guards everything: writes are bounded by the segment size, and closing a window under
 * the same lock as flushing means no segment can slip into a window after its batch has started.
 */
public final class StreamIngester {
  private static final Logger log = LoggerFactory.getLogger(StreamIngester.class);

  /** A received message, acknowledged or returned through these once its fate is stored. */
  public interface Ack {
    void ack();

    void nack();
  }

  private record Pending(StreamMessage message, Ack ack) {}

  private static final class Window {
    Set<String> staged; // null: not loaded (or to be reloaded after a failed write)
    final List<Pending> pending = new ArrayList<>();
    Instant lastMessage;
    Instant oldestPending;
  }

  private final Segments segments;
  private final ServerId role;
  private final JsonMapper json;
  private final StreamProperties props;
  private final Predicate<BatchKey> started;
  private final Consumer<BatchKey> startBatch;
  private final BooleanSupplier mayWrite;
  private final Clock clock;
  private Instant since;
  private final Map<BatchKey, Window> windows = new HashMap<>();
  // Windows this process has seen started and still listed (their marker not yet deleted): not
  // looked up again on every tick.
  private final Set<BatchKey> closed = new HashSet<>();

  /**
   * @param started whether this server already has a batch for the window
   * @param startBatch server A: starts a closed window as a batch; null on server B
   * @param mayWrite asked right before each segment write and batch start: false once this replica
   *     no longer holds the subscription ({@link IngestLease}), and what it holds goes back
   *     unwritten
   */
  public StreamIngester(
      ObjectStore store,
      ServerId role,
      JsonMapper json,
      StreamProperties props,
      Predicate<BatchKey> started,
      Consumer<BatchKey> startBatch,
      BooleanSupplier mayWrite,
      Clock clock) {
    this.segments = new Segments(store, role, json);
    this.role = role;
    this.json = json;
    this.props = props;
    this.started = started;
    this.startBatch = startBatch;
    this.mayWrite = mayWrite;
    this.clock = clock;
    this.since = clock.instant();
  }

  /** One message from the subscription. */
  public void receive(byte[] data, Map<String, String> attributes, Instant publishTime, Ack ack) {
    StreamMessage m;
    try {
      m = StreamMessage.parse(data, attributes, publishTime, role, json, props.window());
    } catch (StreamMessage.Malformed e) {
      // Redelivery could never fix it: acknowledge, and say so.
      log.warn("dropping a stream message that cannot be staged: {}", e.getMessage());
      ack.ack();
      return;
    }
    synchronized (this) {
      Window w = windows.computeIfAbsent(m.window(), k -> new Window());
      Instant now = clock.instant();
      w.lastMessage = now;
      if (w.pending.isEmpty()) {
        w.oldestPending = now;
      }
      w.pending.add(new Pending(m, ack));
      if (w.pending.size() >= props.segmentMaxSubmissions()) {
        flush(m.window(), w);
      }
    }
  }

  /**
   * Writes every window whose oldest message has waited a flush interval; A then closes windows.
   */
  public synchronized void tick() {
    Instant now = clock.instant();
    for (Map.Entry<BatchKey, Window> e : windows.entrySet()) {
      Window w = e.getValue();
      if (!w.pending.isEmpty() && !w.oldestPending.plus(props.flushInterval()).isAfter(now)) {
        flush(e.getKey(), w);
      }
    }
    if (startBatch != null) {
      closeWindows(now);
    }
    // A quiet window's id set goes (B never closes windows, so they would pile up); its next
    // message reloads it from storage.
    windows
        .values()
        .removeIf(
            w -> w.pending.isEmpty() && !w.lastMessage.plus(props.quietPeriod()).isAfter(now));
  }

  /**
   * Returns every held message unwritten and forgets every window: when this replica starts pulling
   * (another replica may have staged since it last did, so its id sets are reloaded, and a window's
   * quiet period counts from now) and when it stops because it lost the subscription.
   */
  public synchronized void forgetAll() {
    windows.values().forEach(w -> w.pending.forEach(p -> p.ack().nack()));
    windows.clear();
    closed.clear();
    since = clock.instant();
  }

  /** Writes everything held, whatever its age (shutdown). */
  public synchronized void flushAll() {
    windows.forEach(this::flush);
  }

  private void flush(BatchKey key, Window w) {
    if (w.pending.isEmpty()) {
      return;
    }
    List<Pending> batch = List.copyOf(w.pending);
    w.pending.clear();
    try {
      if (w.staged == null) {
        w.staged = segments.stagedIds(key);
      }
      Set<String> fresh = new HashSet<>();
      List<byte[]> lines = new ArrayList<>();
      for (Pending p : batch) {
        String id = p.message().id();
        if (!w.staged.contains(id) && fresh.add(id)) {
          lines.add(p.message().line());
        }
      }
      if (!lines.isEmpty() && !mayWrite.getAsBoolean()) {
        // Another replica pulls the subscription now; it gets these again and decides.
        w.staged = null;
        log.info(
            "no longer the ingester: {} messages for {} returned unwritten", batch.size(), key);
        batch.forEach(p -> p.ack().nack());
        return;
      }
      if (!lines.isEmpty()) {
        boolean late = started.test(key);
        String segment = segments.write(key, lines, late);
        if (late) {
          log.warn(
              "{} submissions for {} arrived after its batch started: kept in {}, not counted",
              lines.size(),
              key,
              segment);
        }
        w.staged.addAll(fresh);
      }
      batch.forEach(p -> p.ack().ack());
      log.debug("{}: {} messages, {} new submissions staged", key, batch.size(), lines.size());
    } catch (IOException | RuntimeException e) {
      // Not stored, or not known to be: let Pub/Sub redeliver, and reload the ids before the next
      // write, so a segment that did land is seen and its submissions are not written twice.
      w.staged = null;
      log.warn(
          "could not stage {} messages for {}: {}; they will be redelivered",
          batch.size(),
          key,
          e.toString());
      batch.forEach(p -> p.ack().nack());
    }
  }

  private void closeWindows(Instant now) {
    List<BatchKey> candidates;
    try {
      candidates = segments.windows();
    } catch (IOException e) {
      log.warn("could not list stream windows: {}", e.toString());
      return;
    }
    // A closed window leaves the listing once its marker is gone; remembering it longer would grow
    // the set by every window this process ever closed.
    closed.retainAll(new HashSet<>(candidates));
    for (BatchKey key : candidates) {
      if (closed.contains(key)) {
        continue;
      }
      Window w = windows.get(key);
      Instant last = w == null || w.lastMessage == null ? since : w.lastMessage;
      Instant end = BatchWindow.end(key.submissionDate(), key.window(), props.window());
      boolean ready =
          (w == null || w.pending.isEmpty())
              && !end.plus(props.closeAfter()).isAfter(now)
              && !last.plus(props.quietPeriod()).isAfter(now);
      if (!ready) {
        continue;
      }
      if (!mayWrite.getAsBoolean()) {
        return; // the replica that pulls now closes it, once quiet by its own clock
      }
      closed.add(key);
      windows.remove(key);
      if (!started.test(key)) {
        log.info("closing stream window {}: starting it as a batch", key);
        try {
          startBatch.accept(key);
        } catch (RuntimeException e) {
          // e.g. a batch id DATA_CONFIG does not name: retried by the next process, not every tick
          log.warn("could not start stream window {} as a batch: {}", key, e.getMessage());
          continue;
        }
      }
      forget(key);
    }
  }

  /** The window's batch exists: its marker goes, so later ticks do not list it again. */
  private void forget(BatchKey key) {
    try {
      segments.forget(key);
    } catch (IOException e) {
      log.debug("marker of {} not deleted ({}); the next process tries again", key, e.toString());
    }
  }
}
