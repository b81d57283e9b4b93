package dev.vigil.health;

import dev.vigil.config.ClusterFile.Probe;
import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import java.util.Optional;

/**
 * One way of asking whether this node's service works (STYLE.md, pattern 8): a single method
 * that always takes a timeout and never blocks past it (by more than the few milliseconds an
 * exec check needs to kill what it started). A check never throws for a failing service; the
 * failure is a {@link CheckResult} with its reason. Checks may keep a connection or a client
 * between runs; {@link #close()} releases it.
 *
 * <p>Every kind checks the <em>local</em> service at {@value #LOOPBACK}, never the floating IP:
 * a standby does not hold the floating IP but its service must still be judged, and a check
 * must not depend on the network it is meant to tell apart from the service. It is always the
 * IPv4 loopback, also for a group whose floating IP is IPv6: the service must listen on it
 * (bound to 0.0.0.0, {@code ::} with dual stack, or 127.0.0.1); a service that listens only on
 * {@code ::1} or on one address needs an exec check.
 */
public interface ServiceCheck extends AutoCloseable {
    /** Where every check connects: the node's own IPv4 loopback. */
    String LOOPBACK = "127.0.0.1";

    /**
     * Runs the check once, giving up after {@code timeoutMs}. An interrupt ends the check early
     * with a failed result and leaves the thread's interrupt flag set.
     */
    CheckResult check(long timeoutMs);

    /** Releases what the check keeps between runs (a channel, a client); idempotent. */
    @Override
    default void close() {}

    /**
     * The check a group's {@code probe} asks of node {@code node}, or empty for {@code agent}
     * (no service check: a live agent is enough).
     */
    static Optional<ServiceCheck> of(Probe probe, GroupId group, NodeId node) {
        return switch (probe.kind()) {
            case AGENT -> Optional.empty();
            case TCP -> Optional.of(new TcpCheck(probe.port()));
            case HTTP -> Optional.of(new HttpCheck(probe.port(), probe.path(), probe.expect(), probe.https()));
            case EXEC -> Optional.of(new ExecCheck(probe.command(), group, node));
            case GRPC_HEALTH -> Optional.of(new GrpcHealthCheck(probe.port(), probe.service()));
        };
    }
}
