package dev.prio.server.storage;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One of the repository's emulator scripts ({@code bin/fake-gcs}, {@code bin/pubsub-emulator}):
 * installs it and starts one instance per test JVM on a free loopback port, stopped when the JVM
 * exits (and by the script's watchdog if the JVM is killed).
 *
 * @param script the script, e.g. {@code bin/fake-gcs}
 * @param watchVariable the script's environment variable for the pid to watch
 */
public record EmulatorScript(String script, String watchVariable) {

  /** Installs, then starts on a free port with {@code start <port> <dir> extraArgs…}. */
  public int start(List<String> extraArgs) {
    return start(extraArgs, Map.of());
  }

  /** As {@link #start(List)}, with extra environment variables for the emulator. */
  public int start(List<String> extraArgs, Map<String, String> env) {
    try {
      Path dir = Files.createTempDirectory(Path.of(script).getFileName() + "-");
      run(List.of("install"), TimeUnit.MINUTES.toSeconds(10), Map.of());
      int port = 0;
      for (int attempt = 1; port == 0; attempt++) {
        int candidate = freePort();
        List<String> args =
            new ArrayList<>(List.of("start", String.valueOf(candidate), dir.toString()));
        args.addAll(extraArgs);
        try {
          run(args, 60, env);
          port = candidate;
        } catch (IOException e) {
          // another process may have taken the port between probing and binding
          if (attempt == 3) {
            throw e;
          }
        }
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(dir), script + "-stop"));
      return port;
    } catch (IOException e) {
      throw new IllegalStateException("could not start " + script + ": " + e.getMessage(), e);
    }
  }

  private void stop(Path dir) {
    try {
      run(List.of("stop", dir.toString()), 30, Map.of());
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // the watchdog stops it once this JVM is gone
    }
  }

  private void run(List<String> args, long timeoutSeconds, Map<String, String> env)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add("bash");
    command.add(repoDir().resolve(script).toString());
    command.addAll(args);
    Path out = Files.createTempFile("emulator-", ".out");
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
    pb.environment().put(watchVariable, String.valueOf(ProcessHandle.current().pid()));
    pb.environment().putAll(env);
    Process p = pb.start();
    try {
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(script + " " + String.join(" ", args) + " timed out");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    String output = Files.readString(out, StandardCharsets.UTF_8);
    Files.deleteIfExists(out);
    if (p.exitValue() != 0) {
      throw new IOException(
          script + " " + String.join(" ", args) + " exited " + p.exitValue() + ":\n" + output);
    }
  }

  private Path repoDir() {
    String configured = System.getProperty("prio.repo.dir");
    if (configured != null && Files.isRegularFile(Path.of(configured, script))) {
      return Path.of(configured);
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve(script))) {
        return p;
      }
    }
    throw new IllegalStateException(script + " not found above " + Path.of("").toAbsolutePath());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }
}
