package dev.prio.server.storage;

import dev.prio.core.error.RejectReason;

/**
 * One line of input: a submission, or a line refused before any cryptography with the reason.
 * {@code id} is null when the line had no readable id; such lines cannot be matched with the peer.
 */
public record InputLine(String id, byte[] ciphertext, RejectReason reject, String where) {
  public static InputLine ok(String id, byte[] ciphertext, String where) {
    return new InputLine(id, ciphertext, null, where);
  }

  public static InputLine rejected(String id, RejectReason reason, String where) {
    return new InputLine(id, null, reason, where);
  }

  public boolean isOk() {
    return reject == null;
  }

  public Submission submission() {
    return new Submission(id, ciphertext);
  }
}
