package dev.prio.server.pair;

import dev.prio.core.crypto.KeyPair;
import dev.prio.core.crypto.SharedSeed;
import dev.prio.core.packet.PrioConfig;
import dev.prio.core.prg.PrgKeyMode;
import dev.prio.core.snip.PrioClient;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/** Synthetic submissions with known true sums, as ndjson lines for A and B. */
public final class Generated {
  public final long[] trueSums;
  public final StringBuilder forA = new StringBuilder();
  public final StringBuilder forB = new StringBuilder();

  /** What {@link #add} staged, in order: the same submissions for another input format. */
  public final List<Added> added = new ArrayList<>();

  public record Added(String id, PrioClient.Submission submission) {}

  private long validCount;
  private final PrioClient client;
  private final Random random;

  public Generated(ServerPair.Keys keys, PrioConfig config, long seed) {
    this.random = new Random(seed);
    this.client =
        new PrioClient(
            config,
            keys.a().publicKey(),
            keys.b().publicKey(),
            PrgKeyMode.LEGACY,
            new SecureRandom());
    this.trueSums = new long[config.nData()];
  }

  public static ServerPair.Keys newKeys() {
    SecureRandom r = new SecureRandom();
    return new ServerPair.Keys(KeyPair.generate(r), KeyPair.generate(r), SharedSeed.generate(r));
  }

  /** Random bits; counted in the true sums. Returns the two ciphertexts. */
  public PrioClient.Submission valid(String id) {
    long[] bits = new long[trueSums.length];
    for (int i = 0; i < bits.length; i++) {
      bits[i] = random.nextInt(2);
      trueSums[i] += bits[i];
    }
    PrioClient.Submission s = client.encode(bits);
    add(id, s);
    validCount++;
    return s;
  }

  /** Valid submissions added so far. */
  public long validCount() {
    return validCount;
  }

  public void addValid(int count) {
    for (int i = 0; i < count; i++) {
      valid(UUID.randomUUID().toString());
    }
  }

  /** A vector with a 2 in it: encrypts fine, must fail the SNIP on both servers. */
  public void invalidProof(String id) {
    long[] v = new long[trueSums.length];
    v[random.nextInt(v.length)] = 2;
    add(id, client.encode(v));
  }

  public void add(String id, PrioClient.Submission s) {
    added.add(new Added(id, s));
    line(forA, id, Base64.getEncoder().encodeToString(s.forA()));
    line(forB, id, Base64.getEncoder().encodeToString(s.forB()));
  }

  public static void line(StringBuilder out, String id, String payload) {
    out.append("{\"id\": \"")
        .append(id)
        .append("\", \"payload\": \"")
        .append(payload)
        .append("\"}\n");
  }

  public String expectedPayload() {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < trueSums.length; i++) {
      sb.append(i == 0 ? "" : ",").append(trueSums[i]);
    }
    return sb.append("]").toString();
  }
}
