package dev.prio.server.round;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DistinctIds} agrees with a HashSet whatever its memory bound, and leaves no spill files
 * behind.
 */
class DistinctIdsTest {
  @TempDir Path tmp;

  @Test
  void manyDuplicatesWithATinyMemoryBoundFlagExactlyTheFirstOccurrences() throws Exception {
    Random random = new Random(3);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      // a few hot ids repeated thousands of times, and a long tail repeated now and then
      ids.add(random.nextInt(4) == 0 ? "hot-" + random.nextInt(3) : "id-" + random.nextInt(6_000));
    }
    for (int bound : new int[] {16, 1_000_000}) {
      assertAgreesWithAHashSet(ids, bound);
    }
  }

  @Test
  void visitsInAscendingUnsignedHashOrder() throws Exception {
    List<long[]> seen = new ArrayList<>();
    try (DistinctIds d = new DistinctIds(tmp, 5)) {
      for (int i = 0; i < 500; i++) {
        add(d, i, "x" + i);
      }
      d.finish((e, first) -> seen.add(new long[] {e.hi(), e.lo()}));
    }
    for (int i = 1; i < seen.size(); i++) {
      int c = Long.compareUnsigned(seen.get(i - 1)[0], seen.get(i)[0]);
      assertThat(c < 0 || (c == 0 && Long.compareUnsigned(seen.get(i - 1)[1], seen.get(i)[1]) < 0))
          .isTrue();
    }
    assertThat(seen).hasSize(500);
  }

  private void assertAgreesWithAHashSet(List<String> ids, int bound) throws Exception {
    Set<String> expectedSeen = new HashSet<>();
    Set<Long> expectedFirsts = new HashSet<>();
    IdChecksum expectedSum = new IdChecksum();
    for (int i = 0; i < ids.size(); i++) {
      if (expectedSeen.add(ids.get(i))) {
        expectedFirsts.add((long) i);
        expectedSum.add(ids.get(i));
      }
    }
    Set<Long> firsts = new HashSet<>();
    long[] visited = {0};
    IdChecksum sum = new IdChecksum();
    try (DistinctIds d = new DistinctIds(tmp, bound)) {
      for (int i = 0; i < ids.size(); i++) {
        add(d, i, ids.get(i));
      }
      d.finish(
          (e, first) -> {
            visited[0]++;
            if (first) {
              assertThat(firsts.add(e.seq())).isTrue();
              sum.add(e.hi(), e.lo());
            }
          });
    }
    assertThat(visited[0]).as("bound %d", bound).isEqualTo(ids.size());
    assertThat(firsts).as("bound %d", bound).isEqualTo(expectedFirsts);
    assertThat(sum.hex()).isEqualTo(expectedSum.hex());
    try (var left = Files.list(tmp)) {
      assertThat(left).isEmpty();
    }
  }

  private static void add(DistinctIds d, long seq, String id) throws Exception {
    IdChecksum.IdHash h = IdChecksum.IdHash.of(id);
    d.add(new DistinctIds.Entry(seq, h.hi(), h.lo(), id, 0, seq * 10, 9, 0));
  }
}
