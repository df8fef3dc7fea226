package dev.prio.server.round;

import dev.prio.server.peer.PacketItem;
import java.util.List;
import java.util.Map;

/**
 * What server B keeps of a chunk between verify1 and verify2, instead of its verifiers (~4 MiB for
 * 250 submissions at n_data 2046): its own round-2 items, the funnel and count so far, and the sum
 * of the data shares of every submission it sent a round-2 packet for (base64 PrioTotalShare,
 * {@code undecidedCount} of them). Stored under the attempt, so the verify2 that reaches another
 * replica of B finishes the chunk without decrypting it again. When A's round-2 packets show every
 * one of them valid, the sum is the chunk's total share; otherwise B decrypts the chunk again and
 * sums only the valid ones.
 */
public record PendingChunk(
    int chunk,
    List<String> ids,
    List<PacketItem> ownVerify2,
    Map<String, Long> funnel,
    long matched,
    String undecidedTotal,
    long undecidedCount) {}
