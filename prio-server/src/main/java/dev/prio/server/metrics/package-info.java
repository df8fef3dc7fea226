/** Every meter the service registers, named once (docs/metrics.md). */
package dev.prio.server.metrics;
