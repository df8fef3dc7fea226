/**
 * The SNIP: client encoder, per-packet Verifier, verification points, aggregation and the final
 * combination (spec §6).
 */
package dev.prio.core.snip;
