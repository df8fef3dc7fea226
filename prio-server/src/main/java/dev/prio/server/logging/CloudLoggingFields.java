package dev.prio.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import org.springframework.boot.json.JsonWriter;
import org.springframework.boot.logging.structured.StructuredLoggingJsonMembersCustomizer;

/**
 * Adds {@code severity} to every JSON log line, in the names Cloud Logging reads (DEBUG, INFO,
 * WARNING, ERROR), so that GKE's log agent files each line under its level; Spring Boot's
 * structured formats name the level otherwise ({@code level} in logstash). Wired by {@code
 * logging.structured.json.customizer} in prio-server.yaml; active whenever {@code
 * logging.structured.format.console} is set (the k8s base sets it to {@code logstash}).
 */
public final class CloudLoggingFields
    implements StructuredLoggingJsonMembersCustomizer<ILoggingEvent> {

  @Override
  public void customize(JsonWriter.Members<ILoggingEvent> members) {
    members.add("severity", event -> severity(event.getLevel()));
  }

  static String severity(Level level) {
    return switch (level.toInt()) {
      case Level.ERROR_INT -> "ERROR";
      case Level.WARN_INT -> "WARNING";
      case Level.INFO_INT -> "INFO";
      default -> "DEBUG";
    };
  }
}
