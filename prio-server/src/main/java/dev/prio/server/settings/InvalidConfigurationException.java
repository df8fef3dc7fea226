package dev.prio.server.settings;

/**
 * A {@code prio.*} property whose value cannot work, found by a check the annotations on {@link
 * PrioProperties} cannot express (a key that does not parse, a public key that is not the private
 * key's, a property one role needs). {@link ConfigurationFailureAnalyzer} turns it into the same
 * startup message as a constraint violation. The message never holds the value (keys are secrets).
 */
public class InvalidConfigurationException extends IllegalStateException {
  private static final long serialVersionUID = 1L;
  private final String property;
  private final String allowed;

  /**
   * @param property the canonical property name, e.g. {@code prio.keys.private-key-hex}
   * @param problem what is wrong, e.g. "is not set"
   * @param allowed what the property accepts, e.g. "64 hex digits (prio keygen)"
   */
  public InvalidConfigurationException(String property, String problem, String allowed) {
    super(property + " " + problem);
    this.property = property;
    this.allowed = allowed;
  }

  public String property() {
    return property;
  }

  public String allowed() {
    return allowed;
  }
}
