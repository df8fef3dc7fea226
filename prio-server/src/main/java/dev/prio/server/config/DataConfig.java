package dev.prio.server.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** n_data per batch id, in prio-processor's DATA_CONFIG form (config/content.json). */
public record DataConfig(Map<String, Integer> nDataByBatchId) {
  public DataConfig {
    nDataByBatchId = Map.copyOf(nDataByBatchId);
  }

  public Optional<Integer> nData(String batchId) {
    return Optional.ofNullable(nDataByBatchId.get(batchId));
  }

  public static DataConfig from(PrioProperties.Batch batch, JsonMapper json) {
    Map<String, Integer> map = new LinkedHashMap<>();
    String source = batch.dataConfig();
    if (source != null && !source.isBlank()) {
      String text = source.trim().startsWith("[") ? source : read(Path.of(source));
      JsonNode root = json.readTree(text);
      if (!root.isArray()) {
        throw new IllegalArgumentException("DATA_CONFIG must be a JSON array of {batch_id, n_data}");
      }
      for (JsonNode entry : root) {
        JsonNode id = entry.get("batch_id");
        JsonNode n = entry.get("n_data");
        if (id == null || !id.isString() || n == null || !n.isInt()) {
          throw new IllegalArgumentException("DATA_CONFIG entries need a string batch_id and an integer n_data");
        }
        map.put(id.asString(), n.asInt());
      }
    }
    if (batch.batchId() != null && !batch.batchId().isBlank() && batch.nData() != null) {
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
