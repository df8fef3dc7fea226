/** The object-store interface (file and GCS), the input layout, and the streamed ndjson reader. */
package dev.prio.server.storage;
