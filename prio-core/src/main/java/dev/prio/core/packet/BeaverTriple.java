package dev.prio.core.packet;

import dev.prio.core.field.FieldElement;

/**
 * One server's share (a, b, c) of the client's Beaver triple, c_A + c_B = (a_A + a_B)(b_A + b_B).
 */
public record BeaverTriple(FieldElement a, FieldElement b, FieldElement c) {}
