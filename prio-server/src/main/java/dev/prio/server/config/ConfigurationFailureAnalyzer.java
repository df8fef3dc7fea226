package dev.prio.server.config;

import dev.prio.server.settings.InvalidConfigurationException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

/**
 * What a misconfigured server says when it refuses to start: for each bad {@code prio.*} property,
 * its name, its environment-variable form (and the seed's variable where prio-server.yaml maps
 * one), what is wrong and what is allowed. Covers constraint violations on {@link PrioProperties}
 * and {@code PeerAuthProperties}, values that do not convert (an unknown enum constant, a malformed
 * duration), {@link InvalidConfigurationException}, and the hand-written checks that throw an
 * {@link IllegalStateException} whose message starts with the property name. Values are never
 * echoed: several properties are secrets.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
public final class ConfigurationFailureAnalyzer implements FailureAnalyzer {
  private static final String DOCS =
      "docs/configuration.md lists every property with its environment variable and default.";
  private static final java.util.regex.Pattern LEADING_PROPERTY =
      java.util.regex.Pattern.compile("^(prio\\.[a-z0-9.-]*[a-z0-9])[ :]");

  /**
   * The seed's environment variables (prio-server.yaml): what operators of prio-processor already
   * set.
   */
  static final Map<String, String> SEED_VARIABLES =
      Map.ofEntries(
          Map.entry("prio.keys.private-key-hex", "PRIVATE_KEY_HEX"),
          Map.entry("prio.keys.public-key-hex-internal", "PUBLIC_KEY_HEX_INTERNAL"),
          Map.entry("prio.keys.public-key-hex-external", "PUBLIC_KEY_HEX_EXTERNAL"),
          Map.entry("prio.keys.shared-secret", "SHARED_SECRET"),
          Map.entry("prio.storage.root", "BUCKET_INTERNAL"),
          Map.entry("prio.storage.publish-root", "BUCKET_EXTERNAL"),
          Map.entry("prio.storage.gcs-host", "STORAGE_EMULATOR_HOST"),
          Map.entry("prio.batch.data-config", "DATA_CONFIG"),
          Map.entry("prio.batch.batch-id", "BATCH_ID"),
          Map.entry("prio.batch.n-data", "N_DATA"),
          Map.entry("prio.stream.emulator-host", "PUBSUB_EMULATOR_HOST"),
          Map.entry("prio.trigger.notifications.emulator-host", "PUBSUB_EMULATOR_HOST"));

  @Override
  public FailureAnalysis analyze(Throwable failure) {
    List<String> lines = new ArrayList<>();
    for (Throwable t = failure; t != null && lines.isEmpty(); t = t.getCause()) {
      if (t instanceof BindValidationException v) {
        for (ObjectError e : v.getValidationErrors().getAllErrors()) {
          if (e instanceof FieldError f) {
            String property = v.getValidationErrors().getName() + "." + kebab(f.getField());
            lines.add(line(property, "is invalid", f.getDefaultMessage()));
          } else {
            lines.add(
                line(
                    v.getValidationErrors().getName().toString(),
                    "is invalid",
                    e.getDefaultMessage()));
          }
        }
      } else if (t instanceof BindException b
          && b.getName().toString().startsWith("prio.")
          && !(b.getCause() instanceof BindValidationException)) {
        lines.add(line(b.getName().toString(), "cannot be read as " + typeName(b), allowed(b)));
      } else if (t instanceof InvalidConfigurationException c) {
        lines.add(
            line(
                c.property(), c.getMessage().substring(c.property().length()).trim(), c.allowed()));
      } else if (t instanceof IllegalStateException s && s.getMessage() != null) {
        Matcher m = LEADING_PROPERTY.matcher(s.getMessage());
        if (m.find()) {
          lines.add(
              line(
                  m.group(1),
                  s.getMessage().substring(m.group(1).length()).replaceFirst("^[ :]+", ""),
                  null));
        }
      }
    }
    if (lines.isEmpty()) {
      return null;
    }
    String description = "The server is misconfigured:\n" + String.join("\n", lines);
    return new FailureAnalysis(
        description,
        "Fix the "
            + (lines.size() == 1 ? "property" : "properties")
            + " above (as a property or as the environment variable) and start the server again. "
            + DOCS,
        failure);
  }

  /** {@code keys.sharedSecret} → {@code keys.shared-secret}; map keys in brackets are kept. */
  static String kebab(String field) {
    return field.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }

  private static String line(String property, String problem, String allowed) {
    return "  - "
        + property
        + " (environment variable "
        + environmentVariables(property)
        + ") "
        + problem
        + (allowed == null || allowed.isBlank() ? "" : "; allowed: " + allowed);
  }

  /**
   * The relaxed-binding form Spring Boot reads from the environment, and the seed's name where
   * there is one.
   */
  public static String environmentVariable(String property) {
    String canonical = ConfigurationPropertyName.adapt(property, '.').toString();
    StringBuilder sb = new StringBuilder();
    for (String part : canonical.split("\\.")) {
      String element = part.replace("-", "").replace("[", "_").replace("]", "");
      sb.append(sb.isEmpty() ? "" : "_").append(element.toUpperCase(Locale.ROOT));
    }
    return sb.toString();
  }

  static String environmentVariables(String property) {
    String seed = SEED_VARIABLES.get(property);
    return seed == null
        ? environmentVariable(property)
        : seed + " or " + environmentVariable(property);
  }

  private static String typeName(BindException b) {
    Class<?> type = b.getTarget().getType().resolve();
    return type == null
        ? "the expected type"
        : type.isEnum() ? "one of its values" : type.getSimpleName();
  }

  private static String allowed(BindException b) {
    Class<?> type = b.getTarget().getType().resolve();
    if (type == null) {
      return null;
    }
    if (type.isEnum()) {
      return String.join(
          ", ", Arrays.stream(type.getEnumConstants()).map(c -> ((Enum<?>) c).name()).toList());
    }
    if (type == java.time.Duration.class) {
      return "a duration such as 500ms, 30s, 10m, 2h (or ISO-8601, PT30S)";
    }
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
      return "a whole number";
    }
    if (type == double.class || type == Double.class) {
      return "a decimal number";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    return null;
  }
}
