package dev.prio.cli;

import dev.prio.core.crypto.KeyPair;
import dev.prio.core.crypto.PublicKey;
import dev.prio.core.crypto.SharedSeed;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.prg.PrgKeyMode;
import dev.prio.core.snip.PrioClient;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** prio-processor's key-material and test-client commands: shared-seed, keygen, encode-shares. */
final class ClientCommands {
  private ClientCommands() {}

  static void sharedSeed(CliCommand.Context ctx) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("shared_seed", SharedSeed.generate(ctx.random()).toBase64());
    ctx.out().println(PyJson.dumps(m));
  }

  static void keygen(CliCommand.Context ctx) {
    KeyPair pair = KeyPair.generate(ctx.random());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("private_key", pair.privateKey().toHex());
    m.put("public_key", pair.publicKey().toHex());
    ctx.out().println(PyJson.dumps(m));
  }

  // ---------------------------------------------------------------- client

  static void encodeShares(CliCommand.Context ctx, ProcessorCommands.EncodeShares a)
      throws CliException {
    PrioConfig config = a.data.config();
    PublicKey pubA = a.keys.internal();
    PublicKey pubB = a.keys.external();
    PrgKeyMode prgMode = a.modes.prgMode();
    Path input = a.input.input();
    Path outA = a.outputA();
    Path outB = a.outputB();
    SecureRandom random = ctx.random();
    PrioClient client = new PrioClient(config, pubA, pubB, prgMode, random);
    Path name = Rows.fileName(input);
    Files2.createDirectories(outA);
    Files2.createDirectories(outB);
    try (Files2.AtomicOutput wa = new Files2.AtomicOutput(outA.resolve(name));
        Files2.AtomicOutput wb = new Files2.AtomicOutput(outB.resolve(name))) {
      Files2.forEachRow(
          input,
          (line, row) -> {
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
  private static long[] clientValues(Path file, int line, Object row, int nData)
      throws CliException {
    if (!(row instanceof Map<?, ?> map) || !(map.get("payload") instanceof List<?> list)) {
      throw CliException.failure(
          file + ":" + line + ": expected an object with a \"payload\" list");
    }
    if (list.size() != nData) {
      throw CliException.failure(
          file + ":" + line + ": payload has " + list.size() + " values, n_data is " + nData);
    }
    long[] values = new long[nData];
    for (int i = 0; i < nData; i++) {
      Object v = list.get(i);
      if (v instanceof Boolean b) {
        values[i] = b ? 1 : 0;
      } else if (v instanceof BigInteger n && n.signum() >= 0 && n.bitLength() <= 8) {
        values[i] = n.longValue();
      } else {
        throw CliException.failure(
            file + ":" + line + ": payload values must be integers in 0..255");
      }
    }
    return values;
  }

  private static Map<String, Object> idPayload(String id, byte[] payload) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("payload", Rows.b64(payload));
    return m;
  }
}
