package dev.prio.server.batch;

import dev.prio.core.packet.ServerId;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.web.ProblemException;
import dev.prio.server.web.ProblemType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of a batch's lifecycle on this server. Every phase change — by the rounds, the
 * operator, or a notice from the other server — is made here, as one compare-and-set checked
 * against {@link BatchStateMachine}, and here alone are its consequences: the phase-time and
 * outcome meters, the log line, and on server A the notice that tells B how an attempt ended.
 *
 * <p>Each change names the attempt it is for. A change for an attempt that is no longer current, or
 * for a batch that has already ended, leaves the state as it is and returns it, so a slow thread of
 * an old attempt can never move a new one.
 */
public final class BatchLifecycle {
  private static final Logger log = LoggerFactory.getLogger(BatchLifecycle.class);

  /** How the other server hears that an attempt ended here (A tells B; B tells nobody). */
  public interface PeerNotice {
    void attemptEnded(BatchState ended);
  }

  private final ServerId role;
  private final BatchRepository batches;
  private final BatchMeters metrics;
  private final Clock clock;
  private final PublishedStates published;
  private volatile PeerNotice notice = ended -> {};

  public BatchLifecycle(ServerId role, BatchRepository batches, BatchMeters metrics, Clock clock) {
    this.role = role;
    this.batches = batches;
    this.metrics = metrics;
    this.clock = clock;
    this.published = new PublishedStates(metrics);
  }

  public PublishedStates published() {
    return published;
  }

  /** Set once at wiring on server A (the notice needs the peer client, which needs this). */
  public void noticeWith(PeerNotice notice) {
    this.notice = notice;
  }

  public Optional<BatchState> find(BatchKey key) {
    return batches.find(key);
  }

  /** A's first attempt, unless the batch exists; returns whichever state is stored. */
  public BatchState received(BatchKey key, int nData) {
    return batches.createIfAbsent(BatchState.received(key, role, nData, clock.instant()));
  }

  /**
   * B starts the attempt A's handshake names, replacing whatever an earlier attempt left. A state
   * already of this attempt is kept: with several replicas of B, two may answer the same handshake
   * (A's retry reached the other one), and the later must not reset what the first has begun.
   */
  public BatchState helperAttempt(BatchKey key, BatchState started) {
    if (batches.find(key).isEmpty()) {
      batches.createIfAbsent(started);
    }
    return batches.update(key, s -> s.attempt() >= started.attempt() ? s : started);
  }

  /**
   * Moves the attempt to {@code to}, applying {@code also} on the way. Already there: nothing
   * changes (a repeated step is harmless).
   */
  public BatchState advance(
      BatchKey key, int attempt, BatchPhase to, UnaryOperator<BatchState> also) {
    Change c =
        change(
            key,
            (s, now) ->
                !isCurrent(s, attempt) || s.phase() == to ? s : also.apply(s).withPhase(to, now));
    if (c.happened() && c.after().phase() == to) {
      entered(key, c);
    }
    return c.after();
  }

  public BatchState advance(BatchKey key, int attempt, BatchPhase to) {
    return advance(key, attempt, to, UnaryOperator.identity());
  }

  /** A change within the current phase of the attempt (progress, counts, what the peer said). */
  public BatchState progress(BatchKey key, int attempt, UnaryOperator<BatchState> change) {
    return batches.update(key, s -> isCurrent(s, attempt) ? change.apply(s) : s);
  }

  /**
   * Ends the attempt as FAILED. Refused (the state is returned as it is) once the attempt has
   * committed to publish: from there it can only end PUBLISHED, or both servers would disagree.
   */
  public BatchState fail(BatchKey key, int attempt, BatchFailure failure, String detail) {
    Change c =
        change(
            key,
            (s, now) ->
                isCurrent(s, attempt) && !s.committed() ? s.failed(failure, detail, now) : s);
    BatchState after = c.after();
    if (c.happened()) {
      log.warn(
          "batch {} attempt {} failed: {} ({}) in {}",
          key,
          attempt,
          failure,
          detail,
          c.before().phase());
      entered(key, c);
    }
    return after;
  }

  /**
   * The operator's abandon: any phase up to, but not past, the point where A may have committed to
   * publish (on A: the commit itself; on B, which cannot know: once it holds the pending copy).
   */
  public BatchState abandon(BatchKey key) {
    Change c =
        change(
            key,
            (s, now) -> {
              boolean pastCommit =
                  s.committed() || (role == ServerId.B && s.phase() == BatchPhase.PUBLISHING);
              if (pastCommit && !s.phase().isTerminal()) {
                throw new ProblemException(
                    ProblemType.BATCH_CONFLICT,
                    "both servers hold this aggregate and server A may have committed to publish it; it will finish");
              }
              return s.phase().isTerminal() ? s : s.withPhase(BatchPhase.ABANDONED, now);
            });
    if (c.happened()) {
      log.info("batch {} attempt {} abandoned in {}", key, c.after().attempt(), c.before().phase());
      entered(key, c);
    }
    return c.after();
  }

  /** On B: A's notice that the attempt ended there as FAILED or ABANDONED. */
  public BatchState endedByPeer(
      BatchKey key, int attempt, BatchPhase outcome, BatchFailure failure) {
    Change c =
        change(
            key,
            (s, now) -> {
              if (!isCurrent(s, attempt)) {
                return s;
              }
              BatchState ended =
                  outcome == BatchPhase.FAILED
                      ? s.failed(failure, "reported by server A", now)
                      : s.withPhase(BatchPhase.ABANDONED, now);
              return ended.withPeer(outcome, null, now);
            });
    if (c.happened()) {
      log.info("batch {} attempt {} ended on server A as {}", key, attempt, outcome);
      entered(key, c);
    }
    return c.after();
  }

  /** A new attempt on A, from an ended one only; a published batch only with {@code force}. */
  public BatchState rerun(BatchKey key, boolean force) {
    Instant now = clock.instant();
    BatchState next =
        batches.update(
            key,
            s -> {
              if (!s.phase().isTerminal()) {
                throw new ProblemException(
                    ProblemType.BATCH_CONFLICT, "the batch is still running (" + s.phase() + ")");
              }
              if (s.phase() == BatchPhase.PUBLISHED && !force) {
                throw new ProblemException(
                    ProblemType.BATCH_CONFLICT,
                    "the batch is published; rerun with force=true to publish a new version");
              }
              return s.rerun(force || s.phase() == BatchPhase.PUBLISHED, now);
            });
    log.info("batch {} attempt {} starts", key, next.attempt());
    return next;
  }

  /**
   * A's decision to publish the aggregate both servers hold pending; false if the attempt ended
   * first.
   */
  public boolean commit(BatchKey key, int attempt) {
    Instant now = clock.instant();
    BatchState after =
        batches.update(
            key,
            s ->
                isCurrent(s, attempt) && s.phase() == BatchPhase.PUBLISHING && !s.committed()
                    ? s.committed(now)
                    : s);
    return isCurrent(after, attempt) && after.committed();
  }

  public BatchState published(
      BatchKey key, int attempt, int version, Map<String, Long> peerFunnel) {
    return advance(
        key,
        attempt,
        BatchPhase.PUBLISHED,
        s ->
            s.withPublishedVersion(version, clock.instant())
                .withPeer(BatchPhase.PUBLISHED, peerFunnel, clock.instant()));
  }

  /** What the other server said about an attempt, recorded even after the attempt ended here. */
  public BatchState peerSaid(
      BatchKey key, int attempt, BatchPhase peerPhase, Map<String, Long> peerFunnel) {
    return batches.update(
        key, s -> s.attempt() == attempt ? s.withPeer(peerPhase, peerFunnel, clock.instant()) : s);
  }

  /**
   * On A: tells B again about an attempt that ended here as FAILED or ABANDONED after B took part,
   * when B has not acknowledged it (the notice was lost with a restart, or B was down too long).
   */
  public void renotify(BatchState s) {
    if (role == ServerId.A && s.peerUntold()) {
      notice.attemptEnded(s);
    }
  }

  private static boolean isCurrent(BatchState s, int attempt) {
    return s.attempt() == attempt && !s.phase().isTerminal();
  }

  /** One compare-and-set: the state it was made on (the last read, after any retries) and after. */
  private record Change(BatchState before, BatchState after, Instant at) {
    boolean happened() {
      return after != before;
    }
  }

  private Change change(BatchKey key, BiFunction<BatchState, Instant, BatchState> next) {
    Instant now = clock.instant();
    BatchState[] read = new BatchState[1];
    BatchState after =
        batches.update(
            key,
            s -> {
              read[0] = s;
              return next.apply(s, now);
            });
    return new Change(read[0], after, now);
  }

  private void entered(BatchKey key, Change c) {
    BatchState before = c.before();
    BatchState after = c.after();
    Instant since = before.phaseEnteredAt().get(before.phase().label());
    if (since != null) {
      metrics.phaseTime(before.phase(), Duration.between(since, c.at()));
    }
    if (after.phase().isTerminal()) {
      metrics.batchFinished(after.phase(), after.failure());
      if (after.phase() == BatchPhase.PUBLISHED) {
        published.seen(after);
        log.info(
            "batch {} attempt {} published as version {}",
            key,
            after.attempt(),
            after.publishedVersion());
      }
      if (role == ServerId.A
          && after.phase() != BatchPhase.PUBLISHED
          && before.phase() != BatchPhase.RECEIVED) {
        notice.attemptEnded(after);
      }
    } else {
      log.debug(
          "batch {} attempt {}: {} -> {}", key, after.attempt(), before.phase(), after.phase());
    }
  }
}
