/** The persisted batch state machine and the operator API over it. */
package dev.prio.server.batch;
