/**
 * ndjson bytes to lines, shared by the servers and the CLI: the line splitting rules ({@link
 * dev.prio.core.ndjson.LineReader}) and the word-at-a-time byte searches it and the servers' line
 * parser use ({@link dev.prio.core.ndjson.Bytes}). No JSON parsing here: each caller parses its own
 * lines.
 */
package dev.prio.core.ndjson;
