/**
 * Roots of unity, libprio's natural-order DFT, and barycentric evaluation at a point (spec §1.3).
 */
package dev.prio.core.poly;
