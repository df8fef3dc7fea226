/** RFC 9457 problem details for every endpoint. */
package dev.prio.server.web;
