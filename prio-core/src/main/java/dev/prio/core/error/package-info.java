/** The typed reject reasons every layer counts, and the checked exception that carries them. */
package dev.prio.core.error;
