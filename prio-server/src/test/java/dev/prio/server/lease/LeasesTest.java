package dev.prio.server.lease;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prio.server.storage.FakeGcs;
import dev.prio.server.storage.ObjectStore;
import dev.prio.server.storage.ObjectStores;
import dev.prio.server.testing.ManualClock;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The lease protocol on local files and on fake-gcs-server alike: one holder at a time, a live
 * lease is refused to others, an expired one is taken over, the old holder can then neither renew
 * nor commit, and a released lease is free at once. The clock is the test's, so expiry needs no
 * waiting; the keeper's own renewals are pushed out of the way by a long duration.
 */
class LeasesTest {
  private static final Duration DURATION = Duration.ofHours(1);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path dir;

  private ObjectStore store(String kind) throws Exception {
    return kind.equals("file")
        ? ObjectStores.open("file:" + dir)
        : ObjectStores.open(
            "gs://" + FakeGcs.get().newBucket("leases") + "/x/", FakeGcs.get().host());
  }

  private static Leases leases(ObjectStore store, Clock clock, String holder) {
    return new Leases(store, JSON, clock, new LeaseProperties(DURATION, holder, true));
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "gcs"})
  void oneHolderAtATimeAndAnExpiredLeaseIsTakenOver(String kind) throws Exception {
    ObjectStore store = store(kind);
    ManualClock clock = new ManualClock(Instant.parse("2026-12-01T00:00:00Z"));
    try (Leases a = leases(store, clock, "a");
        Leases b = leases(store, clock, "b")) {
      Lease held = a.acquire("l/chunk-1.json").orElseThrow();
      assertThat(b.acquire("l/chunk-1.json")).as("live lease refused").isEmpty();
      assertThat(a.renew(held)).isTrue();

      clock.advance(DURATION.plusSeconds(1)); // a stopped renewing: paused, or dead
      Lease taken = b.acquire("l/chunk-1.json").orElseThrow();
      assertThat(b.peek("l/chunk-1.json").orElseThrow().holder()).isEqualTo("b");
      assertThat(a.renew(held)).as("the old holder cannot renew (so cannot commit)").isFalse();
      assertThat(held.isHeld(clock.instant())).isFalse();
      assertThat(b.renew(taken)).isTrue();

      b.release(taken);
      assertThat(a.acquire("l/chunk-1.json")).as("released: free at once").isPresent();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "gcs"})
  void ofManyRacingForOneFreeLeaseExactlyOneWins(String kind) throws Exception {
    ObjectStore store = store(kind);
    ManualClock clock = new ManualClock(Instant.parse("2026-12-01T00:00:00Z"));
    List<Leases> holders = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      holders.add(leases(store, clock, "h" + i));
    }
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      for (String path : List.of("race/new.json", "race/expired.json")) {
        if (path.contains("expired")) {
          holders.get(0).acquire(path).orElseThrow();
          clock.advance(DURATION.plusSeconds(1));
        }
        List<Future<Optional<Lease>>> tries = new ArrayList<>();
        for (Leases l : holders) {
          tries.add(pool.submit((Callable<Optional<Lease>>) () -> l.acquire(path)));
        }
        int won = 0;
        for (Future<Optional<Lease>> f : tries) {
          won += f.get().isPresent() ? 1 : 0;
        }
        assertThat(won).as(path).isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
      holders.forEach(Leases::close);
    }
  }
}
