package dev.prio.server.round;

import dev.prio.server.batch.BatchLifecycle;
import dev.prio.server.batch.BatchRepository;
import dev.prio.server.batch.BatchState;
import dev.prio.server.peer.PeerClient;
import dev.prio.server.peer.PeerException;
import dev.prio.server.peer.Publish;
import dev.prio.server.storage.BatchKey;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tells B that an attempt ended on A (FAILED or ABANDONED), in the background: the notice may
 * take the peer client's whole retry budget when B is down, and the batch's own state change must
 * not wait for it. B's acknowledgement is recorded as the peer phase; a notice B never acknowledged
 * is sent again by the next sweep ({@link BatchLifecycle#renotify}).
 */
public final class PeerNotices implements BatchLifecycle.PeerNotice {
  private static final Logger log = LoggerFactory.getLogger(PeerNotices.class);

  private final PeerClient peer;
  private final BatchLifecycle lifecycle;
  private final ExecutorService pool;

  public PeerNotices(PeerClient peer, BatchLifecycle lifecycle, ExecutorService pool) {
    this.peer = peer;
    this.lifecycle = lifecycle;
    this.pool = pool;
  }

  @Override
  public void attemptEnded(BatchState ended) {
    BatchKey key = BatchRepository.key(ended);
    pool.submit(
        () -> {
          try {
            Publish.Response res =
                peer.publish(
                    key,
                    Publish.Request.ended(
                        ended.attempt(), ended.phase(), ended.failure(), ended.funnel()));
            lifecycle.peerSaid(key, ended.attempt(), res.phase(), null);
          } catch (PeerException e) {
            if (e.kind() == PeerException.Kind.REJECTED) {
              // B has nothing to end (it never saw the attempt, or runs a later one): stop telling
              // it.
              log.info(
                  "server B refused the end of batch {} attempt {}: {}",
                  key,
                  ended.attempt(),
                  e.getMessage());
              lifecycle.peerSaid(key, ended.attempt(), ended.phase(), null);
              return;
            }
            log.warn(
                "could not tell server B that batch {} attempt {} ended as {}: {}",
                key,
                ended.attempt(),
                ended.phase(),
                e.kind());
          } catch (RuntimeException e) {
            log.warn(
                "recording B's answer to the end of batch {} failed: {}",
                key,
                e.getClass().getSimpleName());
          }
        });
  }
}
