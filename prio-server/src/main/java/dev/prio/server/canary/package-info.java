/** The canary: a scheduled known-answer batch, checked against the sums it was generated with. */
package dev.prio.server.canary;
