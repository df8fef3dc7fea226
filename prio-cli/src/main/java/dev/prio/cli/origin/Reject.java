package dev.prio.cli.origin;

/**
 * Why {@code prio stage} left something out. Ping-level reasons drop a whole input line;
 * entry-level reasons drop one {@code prioData} entry and keep the ping's other entries. The code
 * is what the report and the stderr summary print.
 */
enum Reject {
  // A whole line / ping.
  LINE_TOO_LONG("line_too_long", true, "the line is longer than --max-line-bytes"),
  NOT_JSON("not_json", true, "the line is not UTF-8 JSON"),
  NOT_OBJECT("not_object", true, "the line is JSON but not an object"),
  BAD_WRAPPER(
      "bad_wrapper",
      true,
      "a sink message whose payload string is not base64 (or gzip) of a JSON ping object"),
  NO_ID("no_id", true, "the ping has no non-empty string id"),
  NO_PAYLOAD("no_payload", true, "the ping has no payload object"),
  NO_PRIO_DATA(
      "no_prio_data", true, "the payload has no prioData list and no {batch id: {a, b}} entry"),
  DUPLICATE_PING(
      "duplicate_ping", true, "a ping with this id was already staged (the first copy is kept)"),
  // One entry of a ping.
  BAD_ENTRY("bad_entry", false, "the entry (or its prio) is not an object"),
  BAD_BATCH_ID(
      "bad_batch_id", false, "the batch id (encoding) is missing or not 1..200 of [A-Za-z0-9._-]"),
  UNKNOWN_BATCH_ID("unknown_batch_id", false, "the batch id is not in --data-config"),
  MISSING_A("missing_a", false, "no string share for server a"),
  BAD_BASE64_A("bad_base64_a", false, "the share for server a is not standard padded base64"),
  MISSING_B("missing_b", false, "no string share for server b"),
  BAD_BASE64_B("bad_base64_b", false, "the share for server b is not standard padded base64");

  private final String code;
  private final boolean wholePing;
  private final String description;

  Reject(String code, boolean wholePing, String description) {
    this.code = code;
    this.wholePing = wholePing;
    this.description = description;
  }

  String code() {
    return code;
  }

  /** True if the whole line is dropped, false if only one entry. */
  boolean wholePing() {
    return wholePing;
  }

  String description() {
    return description;
  }
}
