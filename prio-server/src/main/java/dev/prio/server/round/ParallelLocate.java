package dev.prio.server.round;

import dev.prio.core.error.RejectReason;
import dev.prio.server.storage.SubmissionReader;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A's input files located side by side on the chunk pool (idle while A scans), each file's lines
 * spooled to local temp disk as small records, then replayed to the scan's sink in file order, line
 * by line, as a sequential {@link SubmissionReader#locate(List, SubmissionReader.Locator)} would
 * report them: the sink's order decides which of two repeated ids comes first. Reading, parsing and
 * the CRC of each ~63 KB line are the scan's cost; the replay of ~50 bytes a line is not.
 */
final class ParallelLocate {
  private static final int BUFFER = 1 << 16;
  private static final RejectReason[] REASONS = RejectReason.values();

  private final SubmissionReader reader;
  private final ExecutorService pool;

  ParallelLocate(SubmissionReader reader, ExecutorService pool) {
    this.reader = reader;
    this.pool = pool;
  }

  void locate(List<String> files, Path dir, SubmissionReader.Locator sink) throws IOException {
    if (files.size() < 2) {
      reader.locate(files, sink);
      return;
    }
    AtomicBoolean stop = new AtomicBoolean();
    List<Future<Path>> spools = new ArrayList<>(files.size());
    try {
      for (int f = 0; f < files.size(); f++) {
        int index = f;
        spools.add(pool.submit(() -> spool(index, files.get(index), dir, stop)));
      }
      for (int f = 0; f < spools.size(); f++) {
        Path done = await(spools.get(f));
        replay(f, done, sink);
        Files.delete(done);
      }
    } finally {
      // After a failure the other files stop at their next line and are waited for, so nothing
      // is still writing into the directory the scan is about to delete.
      stop.set(true);
      for (Future<Path> spool : spools) {
        if (!settled(spool)) {
          break; // interrupted, or the pool is gone: nothing more will run
        }
      }
    }
  }

  private Path spool(int index, String file, Path dir, AtomicBoolean stop) throws IOException {
    Path out = dir.resolve("locate-" + index);
    if (stop.get()) {
      return out;
    }
    try (DataOutputStream o =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(out), BUFFER))) {
      reader.locate(
          index,
          file,
          (f, offset, length, id, reject, crc) -> {
            if (stop.get()) {
              throw new InterruptedIOException("the scan stopped");
            }
            o.writeBoolean(true);
            o.writeLong(offset);
            o.writeInt(length);
            o.writeInt(crc);
            o.writeByte(reject == null ? 0 : reject.ordinal() + 1);
            o.writeBoolean(id != null);
            if (id != null) {
              o.writeUTF(id);
            }
          });
      o.writeBoolean(false);
    }
    return out;
  }

  private static void replay(int file, Path spool, SubmissionReader.Locator sink)
      throws IOException {
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(spool), BUFFER))) {
      while (in.readBoolean()) {
        long offset = in.readLong();
        int length = in.readInt();
        int crc = in.readInt();
        int reason = in.readByte();
        String id = in.readBoolean() ? in.readUTF() : null;
        sink.accept(file, offset, length, id, reason == 0 ? null : REASONS[reason - 1], crc);
      }
    }
  }

  /** Waits for the spool to end however it ends; false if this thread or the pool stopped. */
  private boolean settled(Future<Path> spool) {
    while (!spool.isDone()) {
      if (Thread.currentThread().isInterrupted() || pool.isTerminated()) {
        return false;
      }
      try {
        spool.get(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } catch (ExecutionException | CancellationException | TimeoutException e) {
        // ended (its failure, if it is the first, is the one being thrown) or still running
      }
    }
    return true;
  }

  /**
   * The spool's path once its file is read. A pool stopped with shutdownNow drops the files it had
   * not started: their futures never complete, so a terminated pool ends the wait ({@link
   * #settled}).
   */
  private Path await(Future<Path> spool) throws IOException {
    if (!settled(spool)) {
      throw new InterruptedIOException("the scan was interrupted or the chunk pool stopped");
    }
    try {
      return spool.get();
    } catch (CancellationException | InterruptedException e) {
      throw new InterruptedIOException("the scan of a file was cancelled");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof UncheckedIOException io) {
        throw io.getCause();
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(cause);
    }
  }
}
