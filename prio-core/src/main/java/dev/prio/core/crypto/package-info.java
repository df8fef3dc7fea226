/**
 * Server keys, the shared seed, and libprio's X25519 + AES-128-GCM packet envelope (spec §2, §3).
 */
package dev.prio.core.crypto;
