/**
 * The wiring of one server in either role: shared beans, A's and B's own, the batch sweep. Nothing
 * depends on it.
 */
package dev.prio.server.config;
