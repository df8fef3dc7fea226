/** Configuration records, the seed's environment variables, and the wiring of one server in either role. */
package dev.prio.server.config;
