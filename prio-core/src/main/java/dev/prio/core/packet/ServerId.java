package dev.prio.core.packet;

/** libprio's PRIO_SERVER_A / PRIO_SERVER_B; the index is what packets carry. */
public enum ServerId {
  A(0),
  B(1);

  private final int index;

  ServerId(int index) {
    this.index = index;
  }

  public int index() {
    return index;
  }

  public ServerId other() {
    return this == A ? B : A;
  }

  public static ServerId fromIndex(long index) {
    if (index == 0) {
      return A;
    }
    if (index == 1) {
      return B;
    }
    throw new IllegalArgumentException("server index must be 0 or 1");
  }
}
