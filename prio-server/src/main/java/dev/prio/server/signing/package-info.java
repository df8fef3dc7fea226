/**
 * Who may speak: RFC 9421 Ed25519 signatures on peer traffic both ways, and the operator bearer
 * token (docs/peer-auth.md).
 */
package dev.prio.server.signing;
