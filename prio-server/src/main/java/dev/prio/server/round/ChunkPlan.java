package dev.prio.server.round;

import java.util.List;
import java.util.zip.CRC32C;

/**
 * Where one chunk's lines are in A's input, as A's scan found them: byte ranges of whole lines (a
 * chunk may span files, and a duplicate id or a refused line in between splits a range), how many
 * submissions they hold, and two digests the verify pass checks when it reads them again — the id
 * checksum of the chunk's ids and a CRC32C over the lines' own CRC32Cs. Different bytes there mean
 * A's input changed since the handshake.
 */
public record ChunkPlan(
    int chunk, List<Range> ranges, int count, String idChecksum, long bytesDigest) {
  /**
   * {@code file} indexes {@link ScanResult#files()}; {@code lines} are the lengths of the range's
   * lines in order, each but the last followed by one newline (null in a plan written before they
   * were recorded: the range is then split at its newlines again).
   */
  public record Range(int file, long offset, long length, int[] lines) {}

  /** Folds one line's CRC32C into a chunk's {@code bytesDigest}. */
  static void addLine(CRC32C digest, int lineCrc) {
    digest.update(
        new byte[] {
          (byte) (lineCrc >>> 24), (byte) (lineCrc >>> 16), (byte) (lineCrc >>> 8), (byte) lineCrc
        });
  }

  /** A page of the plan, persisted as one sealed object so the plan is read a page at a time. */
  public record Page(int page, List<ChunkPlan> chunks) {}
}
