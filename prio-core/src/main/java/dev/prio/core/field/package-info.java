/** Arithmetic modulo libprio's prime p = 2^87 + 2^19 + 1 on primitive longs (spec §1). */
package dev.prio.core.field;
