/**
 * Telemetry Origin around the server pair: {@code prio stage} turns Firefox "prio" pings into the
 * servers' input layout, {@code prio index} turns published shard aggregates into per-origin
 * counts.
 */
package dev.prio.cli.origin;
