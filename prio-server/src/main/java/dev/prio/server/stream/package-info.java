/**
 * Streaming mode: submissions arriving as Pub/Sub messages on the server's own subscription, staged
 * in durable segments into the same input layout the batch engine reads, one window per submission
 * date (or part of one: {@code prio.stream.window}) and batch id; server A closes a window and runs
 * it as a batch.
 */
package dev.prio.server.stream;
