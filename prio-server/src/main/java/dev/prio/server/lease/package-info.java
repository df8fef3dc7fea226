/**
 * Leases kept in the server's own object store (create-if-absent, then generation-matched
 * compare-and-set), so several replicas share a batch with no database and no election service.
 */
package dev.prio.server.lease;
