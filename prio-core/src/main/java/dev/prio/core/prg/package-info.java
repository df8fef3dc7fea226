/**
 * libprio's AES-128-CTR PRG with its LEGACY and HASHED key modes and exact rejection sampling (spec
 * §4).
 */
package dev.prio.core.prg;
