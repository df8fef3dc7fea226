/**
 * The SNIP rounds per chunk on both servers: A's driver (LeaderRounds) and B's answers
 * (HelperRounds).
 */
package dev.prio.server.round;
