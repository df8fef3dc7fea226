/** msgpack encoders and strict decoders for every packet, with the checks of spec §9. */
package dev.prio.core.codec;
