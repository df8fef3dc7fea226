package dev.prio.cli;

import dev.prio.core.packet.PrioConfig;
import dev.prio.core.snip.PrioClient;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code prio generate}: synthetic submissions with known true sums, encoded with {@link
 * PrioClient} and written straight into each server's staging layout ({@code
 * <root>/prio/v1/submission_date=<D>/batch_id=<ID>/server_id=<a|b>/part-NNNNN.ndjson}, lines {@code
 * {"id": "<uuid4>", "payload": "<base64>"}}, the same id on both sides), or with {@code --format
 * parquet} {@code part-NNNNN.parquet} files with columns id and payload (raw bytes).
 *
 * <p>Valid submissions are 0/1 vectors; coordinate j is 1 with a probability p_j drawn from the
 * seed, so the true sums spread over 0..count instead of all sitting near count/2. Invalid ones are
 * such a vector with one coordinate set to 2: they encrypt and parse, and must fail the SNIP on
 * both servers. Their positions among the lines are drawn from the seed too.
 *
 * <p>Everything but the ciphertexts is a function of {@code --seed}: ids, vectors, which lines are
 * invalid, the line order and the truth file. Encoding runs on {@code --threads} threads in blocks;
 * a single writer takes the blocks in order, so the files never depend on scheduling, and only a
 * bounded number of blocks is in memory at once. Encryption uses fresh randomness per thread.
 */
final class Generate {
  static final String NAME = "generate";
  static final String DESCRIPTION =
      "Write synthetic submissions with known true sums into both servers' staging layout (test data).";

  /** Submissions per encoding task. */
  private static final int BLOCK = 32;

  private final PrintStream out;

  Generate(PrintStream out) {
    this.out = out;
  }

  /** One encoded block: ids, ciphertexts for A and B, the sums and count of its valid vectors. */
  private record Block(String[] ids, byte[][] forA, byte[][] forB, long[] sums, int valid) {}

  void generate(GenerateOptions o) throws CliException {
    long started = System.nanoTime();
    PrioConfig config = PrioConfig.of(o.nData(), o.batchId());
    int total = (int) o.total();
    boolean[] invalidAt = SyntheticData.invalidPositions(total, (int) o.invalid(), o.seed());
    double[] p = SyntheticData.probabilities(o.nData(), o.seed());
    Path dirA = inputDir(o.rootA(), o, "a");
    Path dirB = inputDir(o.rootB(), o, "b");
    if (dirA.toAbsolutePath().normalize().equals(dirB.toAbsolutePath().normalize())) {
      throw CliException.usage("--output-a and --output-b must be different roots");
    }
    refuseStaged(dirA);
    refuseStaged(dirB);
    Files2.createDirectories(dirA);
    Files2.createDirectories(dirB);

    ThreadLocal<PrioClient> clients =
        ThreadLocal.withInitial(
            () ->
                new PrioClient(
                    config, o.publicKeyA(), o.publicKeyB(), o.prgMode(), new SecureRandom()));
    ExecutorService pool =
        Executors.newFixedThreadPool(
            o.threads(),
            r -> {
              Thread t = new Thread(r, "prio-generate");
              t.setDaemon(true);
              return t;
            });
    long[] sums = new long[o.nData()];
    long valid = 0;
    int files = Math.min(o.files(), total);
    List<String> names = new ArrayList<>();
    try {
      ArrayDeque<Future<Block>> inFlight = new ArrayDeque<>();
      int nextBlock = 0;
      int blocks = (total + BLOCK - 1) / BLOCK;
      int window = 4 * o.threads();
      Block current = null;
      int posInBlock = 0;
      for (int f = 0; f < files; f++) {
        int from = (int) ((long) total * f / files);
        int to = (int) ((long) total * (f + 1) / files);
        String name = String.format(Locale.ROOT, "part-%05d", f) + o.format().extension();
        names.add(name);
        try (StagedFile wa = o.format().create(dirA.resolve(name));
            StagedFile wb = o.format().create(dirB.resolve(name))) {
          for (int i = from; i < to; i++) {
            if (current == null || posInBlock == current.ids().length) {
              while (nextBlock < blocks && inFlight.size() < window) {
                int start = nextBlock * BLOCK;
                int end = Math.min(total, start + BLOCK);
                inFlight.add(pool.submit(() -> encode(clients.get(), start, end, o, p, invalidAt)));
                nextBlock++;
              }
              current = await(inFlight.poll());
              posInBlock = 0;
              for (int j = 0; j < sums.length; j++) {
                sums[j] += current.sums()[j];
              }
              valid += current.valid();
            }
            wa.write(current.ids()[posInBlock], current.forA()[posInBlock]);
            wb.write(current.ids()[posInBlock], current.forB()[posInBlock]);
            posInBlock++;
          }
          wa.commit();
          wb.commit();
        }
      }
    } finally {
      pool.shutdownNow();
    }
    if (valid != o.count()) {
      throw new IllegalStateException(
          "generated " + valid + " valid submissions, expected " + o.count());
    }
    if (o.truth() != null) {
      writeTruth(o, sums, files);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    out.printf(
        Locale.ROOT,
        "generated %d valid + %d invalid submissions for batch %s (n_data %d, %s) in %.1f s (%.0f/s, %d threads)%n",
        o.count(),
        o.invalid(),
        o.batchId(),
        o.nData(),
        o.submissionDate(),
        seconds,
        total / seconds,
        o.threads());
    out.println("  A: " + dirA + "/" + summary(names, o));
    out.println("  B: " + dirB + "/" + summary(names, o));
    if (o.truth() != null) {
      out.println("  truth: " + o.truth());
    }
    out.println("  seed: " + o.seed());
  }

  private static String summary(List<String> names, GenerateOptions o) {
    return names.size() == 1
        ? names.get(0)
        : "part-*" + o.format().extension() + " (" + names.size() + " files)";
  }

  private static Block await(Future<Block> f) throws CliException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CliException.failure("interrupted");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r) {
        throw r;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(c);
    }
  }

  /** Encodes submissions [start, end): each from its own seeded stream, so in any thread alike. */
  private static Block encode(
      PrioClient client, int start, int end, GenerateOptions o, double[] p, boolean[] invalidAt) {
    int n = end - start;
    String[] ids = new String[n];
    byte[][] a = new byte[n][];
    byte[][] b = new byte[n][];
    long[] sums = new long[o.nData()];
    int valid = 0;
    for (int k = 0; k < n; k++) {
      int index = start + k;
      SplittableRandom r = new SplittableRandom(SyntheticData.mix(o.seed(), index));
      ids[k] =
          new UUID((r.nextLong() & ~0xf000L) | 0x4000L, (r.nextLong() & ~(3L << 62)) | (1L << 63))
              .toString();
      long[] v = SyntheticData.vector(r, p, invalidAt[index]);
      if (!invalidAt[index]) {
        for (int j = 0; j < v.length; j++) {
          sums[j] += v[j];
        }
        valid++;
      }
      PrioClient.Submission s = client.encode(v);
      a[k] = s.forA();
      b[k] = s.forB();
    }
    return new Block(ids, a, b, sums, valid);
  }

  static Path inputDir(Path root, GenerateOptions o, String server) {
    return root.resolve("prio")
        .resolve("v1")
        .resolve("submission_date=" + o.submissionDate())
        .resolve("batch_id=" + o.batchId())
        .resolve("server_id=" + server);
  }

  /**
   * A server reads every *.ndjson and *.parquet of the directory: refuse to mix with files already
   * staged there.
   */
  private static void refuseStaged(Path dir) throws CliException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.{ndjson,parquet}")) {
      if (s.iterator().hasNext()) {
        throw CliException.failure(
            dir
                + ": already holds staged .ndjson files or .parquet files; remove them or use"
                + " another root or date");
      }
    } catch (IOException e) {
      throw Files2.ioError(dir, e);
    }
  }

  private static void writeTruth(GenerateOptions o, long[] sums, int files) throws CliException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("batch_id", o.batchId());
    m.put("n_data", o.nData());
    m.put("valid", o.count());
    m.put("invalid", o.invalid());
    m.put("submission_date", o.submissionDate().toString());
    m.put("prg_mode", o.prgMode().name().toLowerCase(Locale.ROOT));
    m.put("seed", o.seed());
    m.put("files", files);
    List<Object> s = new ArrayList<>(sums.length);
    for (long x : sums) {
      s.add(BigInteger.valueOf(x));
    }
    m.put("sums", s);
    Path parent = o.truth().toAbsolutePath().getParent();
    if (parent != null) {
      Files2.createDirectories(parent);
    }
    try (Files2.AtomicOutput w = new Files2.AtomicOutput(o.truth())) {
      w.write(PyJson.dumps(m) + "\n");
      w.commit();
    }
  }
}
