/** The published aggregate in prio-processor's record format, and its provenance. */
package dev.prio.server.publish;
