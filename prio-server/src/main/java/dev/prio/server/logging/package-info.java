/**
 * Logs and traces that join both servers: the batch context on every log line (MDC), JSON fields
 * for Cloud Logging.
 */
package dev.prio.server.logging;
