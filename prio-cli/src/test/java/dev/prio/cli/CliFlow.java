package dev.prio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.core.json.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * prio-processor's scripts/test-cli-integration, step for step, with {@code prio} replaced by a
 * {@link Runner}: bin/prio as a subprocess (the *IT tests) or {@link Main#run} in process (fast
 * unit tests of the same flow). Paths are those of the script, relative to a base directory that
 * holds {@code working/}.
 */
final class CliFlow {
  static final String FILENAME = "data.ndjson";
  static final String[] STAGES = {"verify1", "verify2", "aggregate"};

  record Result(int exit, String out, String err) {}

  /** Runs one {@code prio} command with {@code base} as its working directory. */
  interface Runner {
    Result run(Path base, Map<String, String> env, List<String> args);

    /** How the script's relative path is spelled for this runner. */
    String path(Path base, String relative);
  }

  /** bin/prio, exactly as a shell script would call it. */
  static final class ProcessRunner implements Runner {
    private final Path prio;

    ProcessRunner(Path prio) {
      this.prio = prio;
    }

    @Override
    public Result run(Path base, Map<String, String> env, List<String> args) {
      List<String> cmd = new ArrayList<>();
      cmd.add(prio.toString());
      cmd.addAll(args);
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(base.toFile());
      for (String name : ArgsTest.ENV_VARS) {
        pb.environment().remove(name); // nothing leaks in from the build's environment
      }
      pb.environment().putAll(env);
      try {
        Path out = Files.createTempFile("prio-out", ".txt");
        Path err = Files.createTempFile("prio-err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new AssertionError("prio " + args + " did not finish in 180 s");
        }
        // A JVM started with JAVA_TOOL_OPTIONS announces it on stderr; that line is not ours.
        String stderr = Files.readString(err).replaceAll("(?m)^Picked up [A-Z_]+: .*\\R", "");
        Result r = new Result(p.exitValue(), Files.readString(out), stderr);
        Files.delete(out);
        Files.delete(err);
        return r;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    @Override
    public String path(Path base, String relative) {
      return relative;
    }
  }

  /** Main.run in this JVM; paths made absolute since the JVM's working directory is fixed. */
  static final class InProcessRunner implements Runner {
    @Override
    public Result run(Path base, Map<String, String> env, List<String> args) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code =
          Main.run(
              args.toArray(String[]::new),
              env,
              new PrintStream(out, true, StandardCharsets.UTF_8),
              new PrintStream(err, true, StandardCharsets.UTF_8),
              new SecureRandom(),
              Clock.systemUTC());
      return new Result(
          code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Override
    public String path(Path base, String relative) {
      return base.resolve(relative).toString();
    }
  }

  /** scripts/create-folder: the bucket layout under working/. */
  static void createFolders(Path base) throws IOException {
    Files.createDirectories(base.resolve("working/client"));
    for (String server : new String[] {"server_a", "server_b"}) {
      Path s = base.resolve("working").resolve(server);
      Files.createDirectories(s.resolve("raw"));
      Files.createDirectories(s.resolve("processed"));
      for (String side : new String[] {"internal", "external"}) {
        for (String stage : STAGES) {
          Files.createDirectories(s.resolve("intermediate").resolve(side).resolve(stage));
        }
      }
    }
  }

  /** What the script reads with jq from working/*.json. */
  record Config(
      String nData,
      String batchId,
      String seed,
      String aPriv,
      String aPub,
      String bPriv,
      String bPub) {
    static Config read(Path base) throws Exception {
      Path w = base.resolve("working");
      Map<?, ?> config = (Map<?, ?>) JsonParser.parse(Files.readString(w.resolve("config.json")));
      Map<?, ?> seed =
          (Map<?, ?>) JsonParser.parse(Files.readString(w.resolve("shared_seed.json")));
      Map<?, ?> a = (Map<?, ?>) JsonParser.parse(Files.readString(w.resolve("server_a_keys.json")));
      Map<?, ?> b = (Map<?, ?>) JsonParser.parse(Files.readString(w.resolve("server_b_keys.json")));
      return new Config(
          config.get("n_data").toString(),
          (String) config.get("batch_id"),
          (String) seed.get("shared_seed"),
          (String) a.get("private_key"),
          (String) a.get("public_key"),
          (String) b.get("private_key"),
          (String) b.get("public_key"));
    }
  }

  private final Runner runner;
  private final Path base;
  private final List<String> modeFlags;
  private final Map<String, String> env;

  /** stdout of every successful command, by "command server". */
  final Map<String, String> stdout = new HashMap<>();

  CliFlow(Runner runner, Path base, List<String> modeFlags, Map<String, String> env) {
    this.runner = runner;
    this.base = base;
    this.modeFlags = modeFlags;
    this.env = env;
  }

  String p(String relative) {
    return runner.path(base, relative);
  }

  Result prio(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    Result r = runner.run(base, env, all);
    assertThat(r.exit())
        .as("prio %s\nstdout: %s\nstderr: %s", String.join(" ", args), r.out(), r.err())
        .isZero();
    assertThat(r.err()).as("stderr of prio %s", args[0]).isEmpty();
    return r;
  }

  /** `cp working/<from> working/<toDir>/`. */
  void cp(String from, String toDir) throws IOException {
    Path src = base.resolve("working").resolve(from);
    Files.copy(
        src,
        base.resolve("working").resolve(toDir).resolve(src.getFileName()),
        StandardCopyOption.REPLACE_EXISTING);
  }

  /** The generate half of the script: keygen, shared-seed, config, client data, encode-shares. */
  void generate(String nData, String batchId, List<String> clientLines, List<String> encodeFlags)
      throws Exception {
    String keyA = prio("keygen").out().strip();
    String keyB = prio("keygen").out().strip();
    String shared = prio("shared-seed").out().strip();
    Path w = base.resolve("working");
    Files.writeString(w.resolve("server_a_keys.json"), keyA + "\n");
    Files.writeString(w.resolve("server_b_keys.json"), keyB + "\n");
    Files.writeString(w.resolve("shared_seed.json"), shared + "\n");
    Files.writeString(
        w.resolve("config.json"),
        "{\n    \"n_data\": " + nData + ",\n    \"batch_id\": \"" + batchId + "\"\n}\n");
    Files.write(w.resolve("client").resolve(FILENAME), clientLines);
    Config c = Config.read(base);
    List<String> args =
        new ArrayList<>(
            List.of(
                "encode-shares",
                "--n-data",
                c.nData(),
                "--batch-id",
                c.batchId(),
                "--public-key-hex-internal",
                c.aPub(),
                "--public-key-hex-external",
                c.bPub(),
                "--input",
                p("working/client/" + FILENAME),
                "--output-A",
                p("working/server_a/raw/"),
                "--output-B",
                p("working/server_b/raw/")));
    args.addAll(encodeFlags);
    prio(args.toArray(String[]::new));
  }

  /** verify1, verify2, aggregate, publish on A and B with the copies in between. */
  void process() throws Exception {
    Config c = Config.read(base);
    for (String stage : STAGES) {
      for (String server : new String[] {"A", "B"}) {
        String own = server.equals("A") ? "server_a" : "server_b";
        String peer = server.equals("A") ? "server_b" : "server_a";
        List<String> args = new ArrayList<>(List.of(stage));
        args.addAll(serverFlags(c, server));
        args.addAll(List.of("--input", p("working/" + own + "/raw/" + FILENAME)));
        if (!stage.equals("verify1")) {
          String previous = stage.equals("verify2") ? "verify1" : "verify2";
          args.addAll(
              List.of(
                  "--input-internal",
                      p("working/" + own + "/intermediate/internal/" + previous + "/" + FILENAME),
                  "--input-external",
                      p("working/" + own + "/intermediate/external/" + previous + "/" + FILENAME)));
        }
        args.addAll(
            List.of(
                "--output",
                p(
                    "working/"
                        + own
                        + "/intermediate/internal/"
                        + stage
                        + (stage.equals("verify1") ? "" : "/"))));
        args.addAll(modeFlags);
        stdout.put(stage + " " + server, prio(args.toArray(String[]::new)).out());
        cp(
            own + "/intermediate/internal/" + stage + "/" + FILENAME,
            peer + "/intermediate/external/" + stage + "/");
      }
    }
    for (String server : new String[] {"A", "B"}) {
      String own = server.equals("A") ? "server_a" : "server_b";
      List<String> args = new ArrayList<>(List.of("publish"));
      args.addAll(serverFlags(c, server));
      args.addAll(
          List.of(
              "--input-internal",
                  p("working/" + own + "/intermediate/internal/aggregate/" + FILENAME),
              "--input-external",
                  p("working/" + own + "/intermediate/external/aggregate/" + FILENAME),
              "--output", p("working/" + own + "/processed/")));
      args.addAll(modeFlags);
      stdout.put("publish " + server, prio(args.toArray(String[]::new)).out());
    }
  }

  private static List<String> serverFlags(Config c, String server) {
    boolean a = server.equals("A");
    return List.of(
        "--n-data",
        c.nData(),
        "--batch-id",
        c.batchId(),
        "--server-id",
        server,
        "--private-key-hex",
        a ? c.aPriv() : c.bPriv(),
        "--shared-secret",
        c.seed(),
        "--public-key-hex-internal",
        a ? c.aPub() : c.bPub(),
        "--public-key-hex-external",
        a ? c.bPub() : c.aPub());
  }

  String read(String relative) throws IOException {
    return Files.readString(base.resolve("working").resolve(relative));
  }

  /** processed/data.ndjson: fresh uuid4 and timestamp, the payload, no trailing newline. */
  static final String PUBLISHED =
      "\\{\"id\": \"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\", "
          + "\"timestamp\": \"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{6})?\", \"payload\": \\[[0-9, ]*\\]\\}";
}
