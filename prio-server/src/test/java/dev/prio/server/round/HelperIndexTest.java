package dev.prio.server.round;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prio.core.packet.ServerId;
import dev.prio.server.storage.BatchKey;
import dev.prio.server.storage.FileObjectStore;
import dev.prio.server.storage.InputLine;
import dev.prio.server.storage.ParquetFiles;
import dev.prio.server.storage.SealedObjectStore;
import dev.prio.server.storage.StorageLayout;
import dev.prio.server.storage.SubmissionReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * B's persisted index: one pass builds it (counts, checksum, duplicates), a lookup of any ids in
 * any order reads back exactly their lines, a fresh process answers from storage alone, and a line
 * that moved or changed since indexing is INPUT_CHANGED.
 */
class HelperIndexTest {
  private static final BatchKey KEY = new BatchKey(java.time.LocalDate.parse("2026-01-02"), "b1");

  @TempDir Path root;
  @TempDir Path tmp;

  @Test
  void looksUpAnyIdsInAnyOrderFromStorageAlone() throws Exception {
    String prefix = StorageLayout.inputPrefix(KEY, ServerId.B);
    FileObjectStore files = new FileObjectStore(root);
    List<String> ids = new ArrayList<>();
    for (int f = 0; f < 3; f++) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < 700; i++) {
        String id = "id-" + f + "-" + i;
        ids.add(id);
        b.append("{\"id\": \"")
            .append(id)
            .append("\", \"payload\": \"AAE")
            .append((char) ('A' + i % 26))
            .append("\"}\n");
        if (i % 100 == 0) {
          b.append("{\"id\": \"")
              .append(id)
              .append("\", \"payload\": \"AAAA\"}\n"); // duplicate: the first wins
        }
      }
      files.createIfAbsent(
          prefix + "part-" + f + ".ndjson", b.toString().getBytes(StandardCharsets.UTF_8));
    }
    JsonMapper json = JsonMapper.builder().build();
    SealedObjectStore store = new SealedObjectStore(files, new byte[32], StorageLayout::isState);
    SubmissionReader reader = new SubmissionReader(store, json, 1 << 16);
    RoundStore rounds = new RoundStore(store, json);
    HelperIndexes first = new HelperIndexes(reader, rounds, new Spill(tmp, 50));
    HelperIndex index = first.get(KEY, 1);
    assertThat(index.uniqueCount()).isEqualTo(2100);
    assertThat(index.localRejects()).containsEntry("duplicate_id", 21L);
    assertThat(index.bucketBits()).isEqualTo(3);
    IdChecksum expected = new IdChecksum();
    ids.forEach(expected::add);
    assertThat(index.idChecksum()).isEqualTo(expected.hex());

    HelperIndexes restarted = new HelperIndexes(reader, rounds, new Spill(tmp, 50));
    List<String> wanted = new ArrayList<>(ids.subList(0, 250));
    wanted.add("absent");
    Collections.shuffle(wanted, new Random(1));
    Map<String, InputLine> lines = restarted.lines(KEY, 1, restarted.get(KEY, 1), wanted);
    assertThat(lines).hasSize(250).doesNotContainKey("absent");
    assertThat(lines.get("id-0-0").ciphertext())
        .containsExactly(0, 1, 0); // "AAEA", not the duplicate's "AAAA"

    Path part = root.resolve(prefix + "part-0.ndjson");
    Files.writeString(
        part, Files.readString(part).substring(Files.readString(part).indexOf('\n') + 1));
    assertThatThrownBy(() -> restarted.lines(KEY, 1, index, List.of("id-0-5")))
        .isInstanceOf(InputChangedException.class);
  }

  @Test
  void indexesParquetRowsBesideNdjsonLines() throws Exception {
    String prefix = StorageLayout.inputPrefix(KEY, ServerId.B);
    FileObjectStore files = new FileObjectStore(root);
    files.createIfAbsent(
        prefix + "part-0.ndjson",
        "{\"id\": \"n\", \"payload\": \"AAE=\"}\n".getBytes(StandardCharsets.UTF_8));
    List<String> ids = new ArrayList<>(List.of("n"));
    Path parquet = root.resolve(prefix + "part-1.parquet");
    ParquetFiles.write(parquet, 500, rows(ids, 0));
    assertThat(ParquetFiles.rowGroups(parquet)).isGreaterThan(3);
    JsonMapper json = JsonMapper.builder().build();
    SealedObjectStore store = new SealedObjectStore(files, new byte[32], StorageLayout::isState);
    SubmissionReader reader = new SubmissionReader(store, json, 1 << 16);
    RoundStore rounds = new RoundStore(store, json);
    HelperIndexes indexes = new HelperIndexes(reader, rounds, new Spill(tmp, 50));
    HelperIndex index = indexes.get(KEY, 1);
    assertThat(index.uniqueCount()).isEqualTo(501);
    assertThat(index.localRejects()).containsEntry("duplicate_id", 1L);
    IdChecksum expected = new IdChecksum();
    ids.forEach(expected::add);
    assertThat(index.idChecksum()).isEqualTo(expected.hex());

    List<String> wanted = new ArrayList<>(ids.subList(0, 300));
    Collections.shuffle(wanted, new Random(2));
    Map<String, InputLine> lines = indexes.lines(KEY, 1, index, wanted);
    assertThat(lines).hasSize(300);
    assertThat(lines.get("n").ciphertext()).containsExactly(0, 1);
    assertThat(lines.get("p-7").ciphertext()).containsExactly(7, 0);
    assertThat(lines.get("p-0").ciphertext())
        .as("the first of a repeated id")
        .containsExactly(0, 0);

    ParquetFiles.write(parquet, 500, rows(new ArrayList<>(), 1));
    assertThatThrownBy(() -> indexes.lines(KEY, 1, index, List.of("p-7")))
        .isInstanceOf(InputChangedException.class);
  }

  /** p-0 … p-499 with payload {i, salt}, and p-0 again at the end. */
  private static List<ParquetFiles.Row> rows(List<String> ids, int salt) {
    List<ParquetFiles.Row> rows = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      ids.add("p-" + i);
      rows.add(new ParquetFiles.Row("p-" + i, new byte[] {(byte) i, (byte) salt}));
    }
    rows.add(new ParquetFiles.Row("p-0", new byte[] {9, 9}));
    return rows;
  }
}
