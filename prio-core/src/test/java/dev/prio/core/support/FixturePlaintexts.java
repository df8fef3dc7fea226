package dev.prio.core.support;

/**
 * Fixture row 1 ({@code d991b404-…}) decrypted, as annotated hex: one msgpack field per line with
 * its spec §5.2 name. The layout and the values through data_shares[4], h_points[0] and h_points[7]
 * are the spec's byte-by-byte table; h_points[1..6] are the fixture's own bytes.
 */
public final class FixturePlaintexts {
  private FixturePlaintexts() {}

  /** Server A's plaintext, 236 bytes. */
  public static final String ROW1_A =
      """
      a4 74657374                  # off   0: fixstr(4) batch_id "test"
      ab 1b5fa99da61a3475c8dee2    # off   5: triple.a
      ab 096bacdb310336a3f4893e    # off  17: triple.b
      ab 0ecbe344ad57d1594d7a6c    # off  29: triple.c
      ab 64a7eeac29868b9e3b901c    # off  41: f0_share
      ab 0a4590cffae43893d27403    # off  53: g0_share
      ab 21c8a7a11a14f060425991    # off  65: h0_share
      00                           # off  77: server id 0 (A)
      95                           # off  78: fixarray(5) data_shares
      ab 3cf8f212adad45da866e69    # off  79: data_shares[0]
      ab 08431c423faac17e770fb5    # off  91: data_shares[1]
      ab 21fde66bab15a65a287e6d    # off 103: data_shares[2]
      ab 2155bfa0d1bdb4903e3819    # off 115: data_shares[3]
      ab 40efa2254d8fe4938fa3da    # off 127: data_shares[4]
      98                           # off 139: fixarray(8) h_points (N = 8)
      ab 74e25bc0af621b49f282e0    # off 140: h_points[0]
      ab 3107d33035ed9e3f3bed48    # off 152: h_points[1]
      ab 2ee74a725c7ff90704a314    # off 164: h_points[2]
      ab 2bf1b2a9e02ff97ffb13b2    # off 176: h_points[3]
      ab 70192cffb674cea984e6da    # off 188: h_points[4]
      ab 6529b3770611b600e16e7a    # off 200: h_points[5]
      ab 45d43845299f4762a08523    # off 212: h_points[6]
      ab 2e5ac48943d95f66bf0479    # off 224: h_points[7]
      """; // off 236: end

  /** Server B's plaintext, 95 bytes. */
  public static final String ROW1_B =
      """
      a4 74657374                  # fixstr(4) batch_id "test"
      ab 28f72b06ff830140ae460c    # triple.a
      ab 1a4151654050f3c9d21ddc    # triple.b
      ab 564bece5dc2abe2749bb45    # triple.c
      ab 6ec972a22ab5a3c1ebd521    # f0_share
      ab 1e19659653915097219820    # g0_share
      ab 6c03b9944d1410cbc22a11    # h0_share
      01                           # server id 1 (B)
      b0 8ca6431e593759e5c5105f5bc0a2bd8e  # fixstr(16) seed
      """;
}
