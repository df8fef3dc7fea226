package dev.prio.server.storage;

/**
 * An input file is there but cannot be read as submissions: damaged (a page that fails its checksum
 * or does not decompress), compressed with a codec the servers do not read, or without the columns
 * input has. Unlike a storage error, waiting does not help, so it is not retried: the batch fails
 * as {@code INPUT_UNREADABLE} until the file is replaced. Carries the file's key and what is wrong
 * with it, never its content.
 */
public final class InputUnreadableException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String key;

  public InputUnreadableException(String key, String why, Throwable cause) {
    super(key + ": " + why, cause);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
