package dev.prio.server.storage;

/**
 * A {@code gs://bucket[/prefix]} storage root taken apart: the bucket, and the object-name prefix
 * every key goes under (empty, or ending in '/').
 */
public record GcsRoot(String bucket, String prefix) {
  public static GcsRoot parse(String uri) {
    if (!uri.startsWith("gs://")) {
      throw new IllegalArgumentException("not a gs:// URI");
    }
    String rest = uri.substring("gs://".length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String prefix = slash < 0 ? "" : rest.substring(slash + 1);
    while (prefix.startsWith("/")) {
      prefix = prefix.substring(1);
    }
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      prefix = prefix + "/";
    }
    return new GcsRoot(bucket, prefix);
  }
}
