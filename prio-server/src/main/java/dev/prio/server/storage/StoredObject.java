package dev.prio.server.storage;

/** An object's bytes with the generation a conditional write must name. */
public record StoredObject(byte[] data, long generation) {}
