package dev.prio.server.settings;

import dev.prio.core.config.DataConfigParser;
import dev.prio.core.packet.PrioConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** n_data per batch id, in prio-processor's DATA_CONFIG form (config/content.json). */
public record DataConfig(Map<String, Integer> nDataByBatchId) {
  public DataConfig {
    nDataByBatchId = Map.copyOf(nDataByBatchId);
  }

  public Optional<Integer> nData(String batchId) {
    return Optional.ofNullable(nDataByBatchId.get(batchId));
  }

  /**
   * DATA_CONFIG (inline JSON or a path) with prio-core's rules ({@link DataConfigParser}: n_data in
   * range, each batch id once), then BATCH_ID + N_DATA on top, as the seed's scripts set them.
   */
  public static DataConfig from(PrioProperties.Batch batch) {
    Map<String, Integer> map = new LinkedHashMap<>();
    String source = batch.dataConfig();
    if (source != null && !source.isBlank()) {
      String text = source.trim().startsWith("[") ? source : read(Path.of(source));
      try {
        map.putAll(DataConfigParser.parse(text));
      } catch (DataConfigParser.InvalidDataConfigException e) {
        throw new IllegalArgumentException("DATA_CONFIG: " + e.getMessage(), e);
      }
    }
    if (batch.batchId() != null && !batch.batchId().isBlank() && batch.nData() != null) {
      if (!DataConfigParser.isNData(batch.nData())) {
        throw new IllegalArgumentException(
            "N_DATA must be between 1 and " + PrioConfig.MAX_DATA_FIELDS);
      }
      map.put(batch.batchId(), batch.nData());
    }
    return new DataConfig(map);
  }

  private static String read(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read DATA_CONFIG " + path, e);
    }
  }
}
