/**
 * prio-processor's DATA_CONFIG (batch id → n_data), read with one set of rules by the CLI and both
 * servers.
 */
package dev.prio.core.config;
