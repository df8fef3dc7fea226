package dev.prio.cli;

import dev.prio.core.codec.PacketVerify1Codec;
import dev.prio.core.codec.PacketVerify2Codec;
import dev.prio.core.codec.TotalShareCodec;
import dev.prio.core.crypto.PrivateKey;
import dev.prio.core.crypto.SharedSeed;
import dev.prio.core.error.PrioException;
import dev.prio.core.packet.PacketVerify1;
import dev.prio.core.packet.PacketVerify2;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.packet.ServerId;
import dev.prio.core.packet.TotalShare;
import dev.prio.core.snip.Accumulator;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server commands with prio-processor's semantics (prio_processor/prio/commands.py, spec §7):
 * one PrioServer per command, rows in file order, rows that fail dropped at verify1/verify2 and
 * counted at aggregate, "E errors out of T total" on stdout.
 */
final class Commands {
  private final PrintStream out;
  private final SecureRandom random;
  private final Clock clock;

  Commands(CliCommand.Context ctx) {
    this.out = ctx.out();
    this.random = ctx.random();
    this.clock = ctx.clock();
  }

  /** What every server command needs, validated in prio-processor's order (keys, config, seed). */
  private record Setup(PrioConfig config, ServerId serverId, PrioServer server) {}

  private static Setup setup(ProcessorCommands.ServerCommand a) throws CliException {
    PrivateKey priv = a.server.privateKey();
    a.keys.internal();
    a.keys.external();
    PrioConfig config = a.data.config();
    ServerId id = a.server.serverId();
    SharedSeed seed = a.server.seed();
    return new Setup(
        config, id, new PrioServer(config, id, priv, seed, a.modes().prgMode(), a.modes().rMode()));
  }

  void verify1(ProcessorCommands.Verify1 a) throws CliException {
    out.println("Running verify1");
    Setup s = setup(a);
    Path input = a.input.input();
    Path output = a.output.output();
    int[] counts = new int[2]; // error, total
    Files2.createDirectories(output);
    try (Files2.AtomicOutput w = new Files2.AtomicOutput(output.resolve(Rows.fileName(input)))) {
      Files2.forEachRow(
          input,
          (line, row) -> {
            counts[1]++;
            Map<String, Object> datum = Rows.object(input, line, row);
            byte[] share = Rows.base64(datum.get("payload"));
            if (share == null) {
              counts[0]++;
              return;
            }
            try {
              Verifier v = s.server().setData(share);
              datum.put("payload", Rows.b64(PacketVerify1Codec.write(v.verify1())));
              w.write(PyJson.dumps(datum) + "\n");
            } catch (PrioException e) {
              counts[0]++;
            }
          });
      w.commit();
    }
    out.println(counts[0] + " errors out of " + counts[1] + " total");
  }

  /**
   * What verify2 and aggregate both read: own raw shares and both servers' previous-stage files by
   * id.
   */
  private record RoundInputs(
      Path input,
      Path internalFile,
      Path output,
      Map<String, String> internal,
      Map<String, String> external) {
    static RoundInputs of(ProcessorCommands.RoundCommand a) throws CliException {
      Path internalFile = a.peers.internal();
      Path externalFile = a.peers.external();
      return new RoundInputs(
          a.input.input(),
          internalFile,
          a.output.output(),
          Rows.index(internalFile),
          Rows.index(externalFile));
    }
  }

  void verify2(ProcessorCommands.Verify2 a) throws CliException {
    out.println("Running verify2");
    Setup s = setup(a);
    RoundInputs in = RoundInputs.of(a);
    int[] counts = new int[2];
    Files2.createDirectories(in.output());
    try (Files2.AtomicOutput w =
        new Files2.AtomicOutput(in.output().resolve(Rows.fileName(in.internalFile())))) {
      Files2.forEachRow(
          in.input(),
          (line, row) -> {
            counts[1]++;
            Map<String, Object> datum = Rows.object(in.input(), line, row);
            byte[][] peers = Rows.lookup(datum, in.internal(), in.external());
            byte[] share = Rows.base64(datum.get("payload"));
            if (peers == null || share == null) {
              counts[0]++; // as the KeyError in commands.py: no set_data, so no verification point
              // used
              return;
            }
            try {
              Verifier v = s.server().setData(share);
              PacketVerify1 mine = PacketVerify1Codec.read(peers[0]);
              PacketVerify1 theirs = PacketVerify1Codec.read(peers[1]);
              datum.put("payload", Rows.b64(PacketVerify2Codec.write(v.verify2(mine, theirs))));
              w.write(PyJson.dumps(datum) + "\n");
            } catch (PrioException e) {
              counts[0]++;
            }
          });
      w.commit();
    }
    out.println(counts[0] + " errors out of " + counts[1] + " total");
  }

  void aggregate(ProcessorCommands.Aggregate a) throws CliException {
    out.println("Running aggregate");
    Setup s = setup(a);
    RoundInputs in = RoundInputs.of(a);
    Accumulator acc = new Accumulator(s.config(), s.serverId());
    int[] counts = new int[2];
    Files2.forEachRow(
        in.input(),
        (line, row) -> {
          counts[1]++;
          Map<String, Object> datum = Rows.object(in.input(), line, row);
          byte[][] peers = Rows.lookup(datum, in.internal(), in.external());
          byte[] share = Rows.base64(datum.get("payload"));
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
    result.put("payload", Rows.b64(TotalShareCodec.write(acc.totalShare())));
    result.put("error", counts[0]);
    result.put("total", counts[1]);
    Rows.writeWhole(in.output(), Rows.fileName(in.internalFile()), PyJson.dumps(result));
  }

  void publish(ProcessorCommands.Publish a) throws CliException {
    out.println("Running publish");
    a.server.privateKey();
    a.keys.internal();
    a.keys.external();
    PrioConfig config = a.data.config();
    ServerId id = a.server.serverId();
    // --shared-secret is required, as in prio-processor, though publish does not use it
    Path internalFile = a.peers.internal();
    Path externalFile = a.peers.external();
    Path output = a.output.output();
    TotalShare internal = totalShare(internalFile, config.nData());
    TotalShare external = totalShare(externalFile, config.nData());
    // ordering matters: A's share first
    TotalShare first = id == ServerId.B ? external : internal;
    TotalShare second = id == ServerId.B ? internal : external;
    long[] counts;
    try {
      counts = TotalShares.combine(first, second, config.nData());
    } catch (PrioException e) {
      throw CliException.failure(
          "cannot combine " + internalFile + " and " + externalFile + ": " + e.getMessage());
    }
    List<Object> payload = new ArrayList<>(counts.length);
    for (long c : counts) {
      payload.add(new BigInteger(Long.toUnsignedString(c)));
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("id", Uuids.random(random));
    result.put("timestamp", isoTimestamp(LocalDateTime.now(clock.withZone(ZoneOffset.UTC))));
    result.put("payload", payload);
    Rows.writeWhole(output, Rows.fileName(internalFile), PyJson.dumps(result));
  }

  private static TotalShare totalShare(Path file, int nData) throws CliException {
    Object doc = Files2.readJson(file);
    if (!(doc instanceof Map<?, ?> map) || !(map.get("payload") instanceof String)) {
      throw CliException.failure(file + ": expected an object with a \"payload\" string");
    }
    byte[] bytes = Rows.base64(map.get("payload"));
    if (bytes == null) {
      throw CliException.failure(file + ": payload is not standard base64");
    }
    try {
      return TotalShareCodec.read(bytes, nData);
    } catch (PrioException e) {
      throw CliException.failure(
          file + ": not a total share for n_data " + nData + ": " + e.getMessage());
    }
  }

  /** Python's datetime.isoformat(): microseconds, left out when they are zero. */
  static String isoTimestamp(LocalDateTime t) {
    String base =
        String.format(
            "%04d-%02d-%02dT%02d:%02d:%02d",
            t.getYear(),
            t.getMonthValue(),
            t.getDayOfMonth(),
            t.getHour(),
            t.getMinute(),
            t.getSecond());
    int micros = t.getNano() / 1000;
    return micros == 0 ? base : base + String.format(".%06d", micros);
  }
}
