package dev.prio.server.lease;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code duration}: how long a lease lasts unrenewed; renewed every third of it. Generous on
 * purpose: it must outlast clock skew between pods and a long GC pause, and it is only how long a
 * crashed replica's work waits for another replica. {@code holder}: this process's name in the
 * leases it holds; defaults to the pod name (HOSTNAME) and a random suffix, so a restarted
 * container never mistakes its predecessor's leases for its own. {@code releaseOnShutdown}: give
 * leases up when the server stops, so another replica continues at once; false leaves them to
 * expire, as a crash does (the tests use it to stand in for kill -9).
 */
@ConfigurationProperties("prio.lease")
public record LeaseProperties(
    @DefaultValue("60s") Duration duration,
    String holder,
    @DefaultValue("true") boolean releaseOnShutdown) {}
