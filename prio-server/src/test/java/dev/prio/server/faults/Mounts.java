package dev.prio.server.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real filesystem that can be made read-only or full under a running server: a small tmpfs
 * mounted over a server's storage root. Needs root (CI and the developer machines run as root).
 */
final class Mounts {
  private Mounts() {}

  static void tmpfs(Path dir, String size) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString());
  }

  static void readOnly(Path dir, boolean ro) throws IOException, InterruptedException {
    run("mount", "-o", "remount," + (ro ? "ro" : "rw"), dir.toString());
  }

  static void unmount(Path dir) {
    try {
      run("umount", "-l", dir.toString());
    } catch (IOException | InterruptedException | AssertionError e) {
      // best effort in cleanup; the assertion that matters has been made
    }
  }

  /** Fills the filesystem until a write fails for want of space; returns the filler to delete. */
  static Path fill(Path dir) throws IOException {
    Path filler = dir.resolve("filler.bin");
    byte[] block = new byte[1 << 20];
    try (var out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(block);
      }
    } catch (IOException e) {
      if (!String.valueOf(e.getMessage()).contains("No space left")) {
        throw e;
      }
    }
    return filler;
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError(
          String.join(" ", command) + " failed: " + new String(p.getInputStream().readAllBytes()));
    }
  }
}
