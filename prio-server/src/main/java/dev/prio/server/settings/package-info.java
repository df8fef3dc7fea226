/**
 * What a server is configured with, as values: the {@code prio.*} properties, the parsed key
 * material and DATA_CONFIG. Depends on no other room, so every room may read its settings without
 * depending on the wiring in {@code config}.
 */
package dev.prio.server.settings;
