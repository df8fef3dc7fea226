package dev.prio.core.vectors;

import dev.prio.core.crypto.PrivateKey;
import dev.prio.core.crypto.PublicKey;
import dev.prio.core.crypto.SharedSeed;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import dev.prio.core.prg.PrgKeyMode;
import dev.prio.core.snip.RMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One libprio-made vector set in prio-processor's CLI layout, read in place from the repository's
 * {@code testdata/vectors}. The PRG key mode and r mode come from the set's name as the vectors'
 * README states them: "hashed" → HASHED, otherwise LEGACY; "constant-r" → CONSTANT, otherwise
 * SEQUENTIAL (CLI).
 */
public record VectorSet(String name, Path dir, PrgKeyMode prgMode, RMode rMode) {
  private static final Pattern STRING_FIELD = Pattern.compile("\"%s\"\\s*:\\s*\"([^\"]*)\"");
  private static final Pattern N_DATA = Pattern.compile("\"n_data\"\\s*:\\s*(\\d+)");
  private static final Pattern PAYLOAD_ARRAY =
      Pattern.compile("\"payload\"\\s*:\\s*\\[([^\\]]*)\\]");

  /** The sets under libprio-generated that the README lists; each must be present. */
  static final List<String> LIBPRIO_GENERATED =
      List.of(
          "fixture-constant-r",
          "hashed-n5-cli",
          "legacy-n1-cli",
          "legacy-n3-cli",
          "legacy-wrong-ndata-cli",
          "legacy-wrong-ndata-constant-r");

  public VectorSet {
    if (!Files.isRegularFile(dir.resolve("config.json"))) {
      throw new IllegalStateException("vector set " + name + " missing: no config.json in " + dir);
    }
  }

  /**
   * The repository root: {@code prio.repo.dir} when Maven sets it, else the first directory at or
   * above the working directory that holds both {@code mvnw} and {@code testdata}.
   */
  public static Path repoDir() {
    String prop = System.getProperty("prio.repo.dir");
    Path dir =
        prop != null ? Path.of(prop).toAbsolutePath().normalize() : Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("mvnw")) && Files.isDirectory(d.resolve("testdata"))) {
        return d;
      }
    }
    throw new IllegalStateException(
        "no repository root (a directory with mvnw and testdata/) at or above " + dir);
  }

  /** {@code testdata/vectors} in the repository; fails when it is missing. */
  public static Path vectorsDir() {
    Path vectors = repoDir().resolve("testdata/vectors");
    if (!Files.isDirectory(vectors)) {
      throw new IllegalStateException("test vectors missing: " + vectors);
    }
    return vectors;
  }

  /** A folder under {@code testdata/vectors}; fails when it is missing. */
  public static Path vectorsDir(String relative) {
    Path dir = vectorsDir().resolve(relative);
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("test vector folder missing: " + dir);
    }
    return dir;
  }

  /** Every set: the upstream prio-processor fixture plus each directory under libprio-generated. */
  public static List<VectorSet> all() {
    List<VectorSet> sets = new ArrayList<>();
    sets.add(
        new VectorSet(
            "prio-processor-cli",
            vectorsDir("prio-processor/tests/resources/cli"),
            PrgKeyMode.LEGACY,
            RMode.SEQUENTIAL));
    Path generated = vectorsDir("libprio-generated");
    for (String expected : LIBPRIO_GENERATED) {
      vectorsDir("libprio-generated/" + expected);
    }
    try (Stream<Path> dirs = Files.list(generated)) {
      dirs.filter(d -> Files.isRegularFile(d.resolve("config.json")))
          .sorted()
          .forEach(
              d -> {
                String n = d.getFileName().toString();
                sets.add(
                    new VectorSet(
                        n,
                        d,
                        n.contains("hashed") ? PrgKeyMode.HASHED : PrgKeyMode.LEGACY,
                        n.contains("constant-r") ? RMode.CONSTANT : RMode.SEQUENTIAL));
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sets;
  }

  public PrioConfig config() {
    String json = read("config.json");
    Matcher m = N_DATA.matcher(json);
    if (!m.find()) {
      throw new IllegalStateException("no n_data in " + dir);
    }
    return PrioConfig.of(Integer.parseInt(m.group(1)), stringField(json, "batch_id"));
  }

  public SharedSeed seed() {
    return SharedSeed.fromBase64(stringField(read("shared_seed.json"), "shared_seed"));
  }

  public PrivateKey privateKey(ServerId s) {
    return PrivateKey.fromHex(stringField(read(keysFile(s)), "private_key"));
  }

  public PublicKey publicKey(ServerId s) {
    return PublicKey.fromHex(stringField(read(keysFile(s)), "public_key"));
  }

  private static String keysFile(ServerId s) {
    return "server_" + s.name().toLowerCase() + "_keys.json";
  }

  /** A file under server_a/ or server_b/, e.g. "raw/data.ndjson". */
  public String serverFile(ServerId s, String relative) {
    return read("server_" + s.name().toLowerCase() + "/" + relative);
  }

  public Path serverPath(ServerId s, String relative) {
    return dir.resolve("server_" + s.name().toLowerCase() + "/" + relative);
  }

  public String read(String relative) {
    try {
      return Files.readString(dir.resolve(relative), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code (id, payload)} pairs of an ndjson file in prio-processor's line format. */
  public static List<String[]> rows(String ndjson) {
    List<String[]> out = new ArrayList<>();
    for (String line : ndjson.split("\n")) {
      if (!line.isBlank()) {
        out.add(new String[] {stringField(line, "id"), stringField(line, "payload")});
      }
    }
    return out;
  }

  /** The integer list of a processed/data.ndjson object. */
  public static String publishedPayload(String json) {
    Matcher m = PAYLOAD_ARRAY.matcher(json);
    if (!m.find()) {
      throw new IllegalStateException("no payload array");
    }
    return "[" + m.group(1) + "]";
  }

  public static String stringField(String json, String field) {
    Matcher m =
        Pattern.compile(String.format(STRING_FIELD.pattern(), Pattern.quote(field))).matcher(json);
    if (!m.find()) {
      throw new IllegalStateException("no string field " + field);
    }
    return m.group(1);
  }

  @Override
  public String toString() {
    return name + " (" + prgMode + ", " + rMode + ")";
  }
}
