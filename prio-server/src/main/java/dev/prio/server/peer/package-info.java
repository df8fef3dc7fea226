/**
 * Everything that crosses between the servers: round messages, A's client, B's controller, retries,
 * limits.
 */
package dev.prio.server.peer;
