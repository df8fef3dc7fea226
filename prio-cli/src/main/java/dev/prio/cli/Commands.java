package dev.prio.cli;

import dev.prio.core.codec.PacketVerify1Codec;
import dev.prio.core.codec.PacketVerify2Codec;
import dev.prio.core.codec.TotalShareCodec;
import dev.prio.core.crypto.KeyPair;
import dev.prio.core.crypto.PrivateKey;
import dev.prio.core.crypto.PublicKey;
import dev.prio.core.crypto.SharedSeed;
import dev.prio.core.error.PrioException;
import dev.prio.core.packet.PacketVerify1;
import dev.prio.core.packet.PacketVerify2;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import dev.prio.core.packet.TotalShare;
import dev.prio.core.prg.PrgKeyMode;
import dev.prio.core.snip.Accumulator;
import dev.prio.core.snip.PrioClient;
import dev.prio.core.snip.PrioServer;
import dev.prio.core.snip.TotalShares;
import dev.prio.core.snip.Verifier;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The seven commands with prio-processor's semantics (prio_processor/prio/commands.py, spec §7):
 * one PrioServer per command, rows in file order, rows that fail dropped at verify1/verify2 and
 * counted at aggregate, "E errors out of T total" on stdout.
 */
final class Commands {
  private final PrintStream out;
  private final SecureRandom random;
  private final Clock clock;

  Commands(PrintStream out, SecureRandom random, Clock clock) {
    this.out = out;
    this.random = random;
    this.clock = clock;
  }

  // ---------------------------------------------------------------- key material

  void sharedSeed() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("shared_seed", SharedSeed.generate(random).toBase64());
    out.println(PyJson.dumps(m));
  }

  void keygen() {
    KeyPair pair = KeyPair.generate(random);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("private_key", pair.privateKey().toHex());
    m.put("public_key", pair.publicKey().toHex());
    out.println(PyJson.dumps(m));
  }

  // ---------------------------------------------------------------- client

  void encodeShares(Args a) throws CliException {
    PrioConfig config = config(a);
    PublicKey pubA = publicKey(a, Opt.PUBLIC_KEY_HEX_INTERNAL);
    PublicKey pubB = publicKey(a, Opt.PUBLIC_KEY_HEX_EXTERNAL);
    PrgKeyMode prgMode = a.prgMode();
    Path input = Files2.path(a.require(Opt.INPUT), Opt.INPUT);
    Path outA = Files2.path(a.require(Opt.OUTPUT_A), Opt.OUTPUT_A);
    Path outB = Files2.path(a.require(Opt.OUTPUT_B), Opt.OUTPUT_B);
    PrioClient client = new PrioClient(config, pubA, pubB, prgMode, random);
    Path name = fileName(input);
    Files2.createDirectories(outA);
    Files2.createDirectories(outB);
    try (Files2.AtomicOutput wa = new Files2.AtomicOutput(outA.resolve(name));
        Files2.AtomicOutput wb = new Files2.AtomicOutput(outB.resolve(name))) {
      Files2.forEachRow(input, (line, row) -> {
        long[] values = clientValues(input, line, row, config.nData());
        PrioClient.Submission s = client.encode(values);
        String id = Uuids.random(random);
        wa.write(PyJson.dumps(idPayload(id, s.forA())) + "\n");
        wb.write(PyJson.dumps(idPayload(id, s.forB())) + "\n");
      });
      wa.commit();
      wb.commit();
    }
  }

  /** Python: bytes(datum["payload"]), so a list of integers 0..255 (booleans count as 0/1). */
  private static long[] clientValues(Path file, int line, Object row, int nData) throws CliException {
    if (!(row instanceof Map<?, ?> map) || !(map.get("payload") instanceof List<?> list)) {
      throw CliException.failure(file + ":" + line + ": expected an object with a \"payload\" list");
    }
    if (list.size() != nData) {
      throw CliException.failure(file + ":" + line + ": payload has " + list.size() + " values, n_data is " + nData);
    }
    long[] values = new long[nData];
    for (int i = 0; i < nData; i++) {
      Object v = list.get(i);
      if (v instanceof Boolean b) {
        values[i] = b ? 1 : 0;
      } else if (v instanceof BigInteger n && n.signum() >= 0 && n.bitLength() <= 8) {
        values[i] = n.longValue();
      } else {
        throw CliException.failure(file + ":" + line + ": payload values must be integers in 0..255");
      }
    }
    return values;
  }

  private static Map<String, Object> idPayload(String id, byte[] payload) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("payload", b64(payload));
    return m;
  }

  // ---------------------------------------------------------------- servers

  /** What every server command needs, validated in prio-processor's order (keys, config, seed). */
  private record Setup(PrioConfig config, ServerId serverId, PrioServer server) {}

  private Setup setup(Args a) throws CliException {
    PrivateKey priv = privateKey(a);
    publicKey(a, Opt.PUBLIC_KEY_HEX_INTERNAL);
    publicKey(a, Opt.PUBLIC_KEY_HEX_EXTERNAL);
    PrioConfig config = config(a);
    ServerId id = a.serverId();
    SharedSeed seed;
    try {
      seed = SharedSeed.fromBase64(a.require(Opt.SHARED_SECRET));
    } catch (IllegalArgumentException e) {
      throw CliException.failure("invalid " + Opt.SHARED_SECRET.flag() + ": " + e.getMessage());
    }
    return new Setup(config, id, new PrioServer(config, id, priv, seed, a.prgMode(), a.rMode()));
  }

  void verify1(Args a) throws CliException {
    out.println("Running verify1");
    Setup s = setup(a);
    Path input = Files2.path(a.require(Opt.INPUT), Opt.INPUT);
    Path output = Files2.path(a.require(Opt.OUTPUT), Opt.OUTPUT);
    int[] counts = new int[2]; // error, total
    Files2.createDirectories(output);
    try (Files2.AtomicOutput w = new Files2.AtomicOutput(output.resolve(fileName(input)))) {
      Files2.forEachRow(input, (line, row) -> {
        counts[1]++;
        Map<String, Object> datum = object(input, line, row);
        byte[] share = base64(datum.get("payload"));
        if (share == null) {
          counts[0]++;
          return;
        }
        try {
          Verifier v = s.server().setData(share);
          datum.put("payload", b64(PacketVerify1Codec.write(v.verify1())));
          w.write(PyJson.dumps(datum) + "\n");
        } catch (PrioException e) {
          counts[0]++;
        }
      });
      w.commit();
    }
    out.println(counts[0] + " errors out of " + counts[1] + " total");
  }

  /** What verify2 and aggregate both read: own raw shares and both servers' previous-stage files by id. */
  private record RoundInputs(Path input, Path internalFile, Path output, Map<String, String> internal, Map<String, String> external) {
    static RoundInputs of(Args a) throws CliException {
      Path internalFile = Files2.path(a.require(Opt.INPUT_INTERNAL), Opt.INPUT_INTERNAL);
      Path externalFile = Files2.path(a.require(Opt.INPUT_EXTERNAL), Opt.INPUT_EXTERNAL);
      return new RoundInputs(Files2.path(a.require(Opt.INPUT), Opt.INPUT), internalFile,
          Files2.path(a.require(Opt.OUTPUT), Opt.OUTPUT), index(internalFile), index(externalFile));
    }
  }

  void verify2(Args a) throws CliException {
    out.println("Running verify2");
    Setup s = setup(a);
    RoundInputs in = RoundInputs.of(a);
    int[] counts = new int[2];
    Files2.createDirectories(in.output());
    try (Files2.AtomicOutput w = new Files2.AtomicOutput(in.output().resolve(fileName(in.internalFile())))) {
      Files2.forEachRow(in.input(), (line, row) -> {
        counts[1]++;
        Map<String, Object> datum = object(in.input(), line, row);
        byte[][] peers = lookup(datum, in.internal(), in.external());
        byte[] share = base64(datum.get("payload"));
        if (peers == null || share == null) {
          counts[0]++; // as the KeyError in commands.py: no set_data, so no verification point used
          return;
        }
        try {
          Verifier v = s.server().setData(share);
          PacketVerify1 mine = PacketVerify1Codec.read(peers[0]);
          PacketVerify1 theirs = PacketVerify1Codec.read(peers[1]);
          datum.put("payload", b64(PacketVerify2Codec.write(v.verify2(mine, theirs))));
          w.write(PyJson.dumps(datum) + "\n");
        } catch (PrioException e) {
          counts[0]++;
        }
      });
      w.commit();
    }
    out.println(counts[0] + " errors out of " + counts[1] + " total");
  }

  void aggregate(Args a) throws CliException {
    out.println("Running aggregate");
    Setup s = setup(a);
    RoundInputs in = RoundInputs.of(a);
    Accumulator acc = new Accumulator(s.config(), s.serverId());
    int[] counts = new int[2];
    Files2.forEachRow(in.input(), (line, row) -> {
      counts[1]++;
      Map<String, Object> datum = object(in.input(), line, row);
      byte[][] peers = lookup(datum, in.internal(), in.external());
      byte[] share = base64(datum.get("payload"));
      if (peers == null || share == null) {
        counts[0]++;
        return;
      }
      try {
        Verifier v = s.server().setData(share);
        PacketVerify2 mine = PacketVerify2Codec.read(peers[0]);
        PacketVerify2 theirs = PacketVerify2Codec.read(peers[1]);
        acc.aggregate(v, mine, theirs);
      } catch (PrioException e) {
        counts[0]++;
      }
    });
    out.println(counts[0] + " errors out of " + counts[1] + " total");
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("payload", b64(TotalShareCodec.write(acc.totalShare())));
    result.put("error", counts[0]);
    result.put("total", counts[1]);
    writeWhole(in.output(), fileName(in.internalFile()), PyJson.dumps(result));
  }

  void publish(Args a) throws CliException {
    out.println("Running publish");
    privateKey(a);
    publicKey(a, Opt.PUBLIC_KEY_HEX_INTERNAL);
    publicKey(a, Opt.PUBLIC_KEY_HEX_EXTERNAL);
    PrioConfig config = config(a);
    ServerId id = a.serverId();
    a.require(Opt.SHARED_SECRET); // required, as in prio-processor, though publish does not use it
    a.rMode();
    a.prgMode();
    Path internalFile = Files2.path(a.require(Opt.INPUT_INTERNAL), Opt.INPUT_INTERNAL);
    Path externalFile = Files2.path(a.require(Opt.INPUT_EXTERNAL), Opt.INPUT_EXTERNAL);
    Path output = Files2.path(a.require(Opt.OUTPUT), Opt.OUTPUT);
    TotalShare internal = totalShare(internalFile, config.nData());
    TotalShare external = totalShare(externalFile, config.nData());
    // ordering matters: A's share first
    TotalShare first = id == ServerId.B ? external : internal;
    TotalShare second = id == ServerId.B ? internal : external;
    long[] counts;
    try {
      counts = TotalShares.combine(first, second, config.nData());
    } catch (PrioException e) {
      throw CliException.failure("cannot combine " + internalFile + " and " + externalFile + ": " + e.getMessage());
    }
    List<Object> payload = new ArrayList<>(counts.length);
    for (long c : counts) {
      payload.add(new BigInteger(Long.toUnsignedString(c)));
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("id", Uuids.random(random));
    result.put("timestamp", isoTimestamp(LocalDateTime.now(clock.withZone(ZoneOffset.UTC))));
    result.put("payload", payload);
    writeWhole(output, fileName(internalFile), PyJson.dumps(result));
  }

  private static TotalShare totalShare(Path file, int nData) throws CliException {
    Object doc = Files2.readJson(file);
    if (!(doc instanceof Map<?, ?> map) || !(map.get("payload") instanceof String)) {
      throw CliException.failure(file + ": expected an object with a \"payload\" string");
    }
    byte[] bytes = base64(map.get("payload"));
    if (bytes == null) {
      throw CliException.failure(file + ": payload is not standard base64");
    }
    try {
      return TotalShareCodec.read(bytes, nData);
    } catch (PrioException e) {
      throw CliException.failure(file + ": not a total share for n_data " + nData + ": " + e.getMessage());
    }
  }

  /** Python's datetime.isoformat(): microseconds, left out when they are zero. */
  static String isoTimestamp(LocalDateTime t) {
    String base = String.format("%04d-%02d-%02dT%02d:%02d:%02d",
        t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond());
    int micros = t.getNano() / 1000;
    return micros == 0 ? base : base + String.format(".%06d", micros);
  }

  // ---------------------------------------------------------------- helpers

  private static void writeWhole(Path dir, Path name, String content) throws CliException {
    Files2.createDirectories(dir);
    try (Files2.AtomicOutput w = new Files2.AtomicOutput(dir.resolve(name))) {
      w.write(content);
      w.commit();
    }
  }

  private static PrioConfig config(Args a) throws CliException {
    int nData = a.nData();
    String batchId = a.require(Opt.BATCH_ID);
    try {
      return PrioConfig.of(nData, batchId);
    } catch (IllegalArgumentException e) {
      throw CliException.failure("invalid " + Opt.BATCH_ID.flag() + " or " + Opt.N_DATA.flag() + ": " + e.getMessage());
    }
  }

  private static PrivateKey privateKey(Args a) throws CliException {
    try {
      return PrivateKey.fromHex(a.require(Opt.PRIVATE_KEY_HEX));
    } catch (IllegalArgumentException e) {
      throw CliException.failure("invalid " + Opt.PRIVATE_KEY_HEX.flag() + ": " + e.getMessage());
    }
  }

  private static PublicKey publicKey(Args a, Opt opt) throws CliException {
    try {
      return PublicKey.fromHex(a.require(opt));
    } catch (IllegalArgumentException e) {
      throw CliException.failure("invalid " + opt.flag() + ": " + e.getMessage());
    }
  }

  private static Path fileName(Path input) throws CliException {
    Path name = input.getFileName();
    if (name == null) {
      throw CliException.failure(input + ": not a file name");
    }
    return name;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Path file, int line, Object row) throws CliException {
    if (!(row instanceof Map<?, ?>)) {
      throw CliException.failure(file + ":" + line + ": expected a JSON object");
    }
    return (Map<String, Object>) row;
  }

  /**
   * id → payload of a peer file, as commands.py's dict: a repeated id keeps its last payload. Ids
   * are told apart by their JSON text, so "1" and 1 are different ids, as in Python.
   */
  private static Map<String, String> index(Path file) throws CliException {
    Map<String, String> index = new HashMap<>();
    Files2.forEachRow(file, (line, row) -> {
      if (!(row instanceof Map<?, ?> m) || !m.containsKey("id") || !isScalar(m.get("id"))
          || !(m.get("payload") instanceof String p)) {
        throw CliException.failure(file + ":" + line + ": expected an object with an \"id\" and a \"payload\" string");
      }
      index.put(PyJson.dumps(m.get("id")), p);
    });
    return index;
  }

  private static boolean isScalar(Object v) {
    return !(v instanceof Map<?, ?>) && !(v instanceof List<?>);
  }

  /** Both peers' packets for this row's id, or null when either is missing or not base64. */
  private static byte[][] lookup(Map<String, Object> datum, Map<String, String> internal, Map<String, String> external) {
    if (!datum.containsKey("id") || !isScalar(datum.get("id"))) {
      return null;
    }
    String key = PyJson.dumps(datum.get("id"));
    byte[] mine = base64(internal.get(key));
    byte[] theirs = base64(external.get(key));
    return mine == null || theirs == null ? null : new byte[][] {mine, theirs};
  }

  /** Standard base64 with padding (RFC 4648), or null for anything else. */
  private static byte[] base64(Object value) {
    if (!(value instanceof String s)) {
      return null;
    }
    try {
      return Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }
}
