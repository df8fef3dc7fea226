package dev.prio.cli.origin;

import dev.prio.cli.Main;
import dev.prio.core.vectors.VectorSet;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;

/** Runs {@code prio} in process, as bin/prio would, and the shared fixture paths. */
final class OriginCli {
  private OriginCli() {}

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            args,
            Map.of(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            new SecureRandom(),
            Clock.systemUTC());
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static Path upstream(String path) {
    return VectorSet.vectorsDir("prio-processor").resolve(path);
  }
}
