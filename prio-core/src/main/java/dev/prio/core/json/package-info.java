/**
 * A strict JSON parser with Python's value model, for the few JSON files the protocol tools read.
 */
package dev.prio.core.json;
