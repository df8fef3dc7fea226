package dev.prio.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * docs/configuration.md is generated from the configuration processor's metadata (the records'
 * Javadoc and defaults) and must equal what the build produces. After changing a property,
 * regenerate it with {@code ./mvnw -pl prio-server -am verify -Dtest=ConfigurationDocsTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dprio.docs.update=true}.
 */
class ConfigurationDocsTest {
  static final Path METADATA =
      Path.of("target", "classes", "META-INF", "spring-configuration-metadata.json");
  static final Path DOC = Path.of("..", "docs", "configuration.md");

  @Test
  void theDocumentListsEveryPrioPropertyAsTheMetadataHasIt() throws Exception {
    String generated = render(JsonMapper.builder().build().readTree(Files.readString(METADATA)));
    if (Boolean.getBoolean("prio.docs.update")) {
      Files.writeString(DOC, generated);
    }
    assertThat(Files.readString(DOC))
        .as("docs/configuration.md is stale; regenerate with -Dprio.docs.update=true")
        .isEqualTo(generated);
    assertThat(generated)
        .contains("| `prio.batch.min-batch-size` | `PRIO_BATCH_MINBATCHSIZE` | `100` |")
        .contains(
            "| `prio.keys.private-key-hex` | `PRIVATE_KEY_HEX` or `PRIO_KEYS_PRIVATEKEYHEX` |");
  }

  static String render(JsonNode metadata) {
    Map<String, List<JsonNode>> groups = new TreeMap<>();
    for (JsonNode p : metadata.get("properties")) {
      String name = p.get("name").asString();
      if (!name.startsWith("prio.")) {
        continue;
      }
      String group = name.substring(0, name.lastIndexOf('.'));
      groups.computeIfAbsent(group, g -> new java.util.ArrayList<>()).add(p);
    }
    StringBuilder sb = new StringBuilder();
    sb.append("# Configuration\n\n")
        .append(
            "<!-- Generated from prio-server's configuration metadata by ConfigurationDocsTest; do not edit by hand. -->\n\n")
        .append(
            "Every `prio.*` property of both servers. Each can be set as a property (`application.yaml`,\n")
        .append(
            "`--prio.batch.chunk-size=500`) or as its environment variable; the seed's variables of\n")
        .append(
            "prio-processor (`PRIVATE_KEY_HEX`, `BUCKET_INTERNAL`, `DATA_CONFIG`, ...) work as they are. Every value\n")
        .append(
            "is checked when the server starts: a bad one stops it with a message that names the property, its\n")
        .append(
            "environment variable and what is allowed. `prio.role` is set by each app (server-a: `A`,\n")
        .append("server-b: `B`); `SERVER_ID`, when set, must agree with it.\n");
    groups.forEach(
        (group, props) -> {
          sb.append("\n## `")
              .append(group)
              .append("`\n\n")
              .append("| property | environment variable | default | meaning |\n")
              .append("|---|---|---|---|\n");
          props.sort(Comparator.comparing(p -> p.get("name").asString()));
          for (JsonNode p : props) {
            String name = p.get("name").asString();
            JsonNode def = p.get("defaultValue");
            String defaultValue = def == null || def.isNull() ? "" : "`" + def.asString() + "`";
            String description =
                p.has("description")
                    ? p.get("description").asString().replace("\n", " ").replace("|", "\\|")
                    : "";
            String env =
                ConfigurationFailureAnalyzer.environmentVariables(name).replace(" or ", "` or `");
            sb.append("| `")
                .append(name)
                .append("` | `")
                .append(env)
                .append("` | ")
                .append(defaultValue)
                .append(" | ")
                .append(description)
                .append(" |\n");
          }
        });
    return sb.toString();
  }
}
