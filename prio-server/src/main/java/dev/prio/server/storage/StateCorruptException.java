package dev.prio.server.storage;

/**
 * A stored object the engine trusts failed its integrity check: its seal is missing, unreadable or
 * does not match its bytes. Never retried and never fed to a sum: the batch it belongs to fails as
 * {@code STATE_CORRUPT}. Carries the object's key, never its content.
 */
public final class StateCorruptException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String key;

  public StateCorruptException(String key, String why) {
    super(key + ": " + why);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
