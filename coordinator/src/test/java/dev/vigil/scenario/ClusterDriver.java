package dev.vigil.scenario;

import dev.vigil.config.Timings;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A running Vigil cluster as the scenarios see it: three watchers w1..w3 and one group
 * {@code web} with nodes n1 (initial primary, higher priority) and n2, quorum 2, the same
 * {@link #TIMINGS} everywhere. The scenarios of {@link ScenarioSuite} drive only this
 * interface, so they run unchanged on the simulator ({@link SimDriver}, virtual time) and on
 * real daemons over gRPC ({@link GrpcDriver}, wall-clock time) — STYLE.md, pattern 4.
 *
 * <p>Hook calls are strings {@code "node kind term"} ({@code "n2 promote 3"}, {@code "n1 release 0"}),
 * one per run of an agent's promote, demote, acquire or release hook, in the order they ran;
 * the term is the hook's {@code VIGIL_TERM}.
 */
public interface ClusterDriver extends AutoCloseable {
    /** probe-interval 500 ms, down-after 3 s, failover-timeout 6 s; fence-after 3/4 of down-after. */
    Timings TIMINGS = Timings.of(500, 3_000, 6_000);
    List<String> WATCHERS = List.of("w1", "w2", "w3");
    List<String> NODES = List.of("n1", "n2");

    /** Starts every watcher and agent; returns without waiting for the IP to be placed. */
    void start();

    void crashAgent(String node);

    /** A new agent process on the same node, with the state its predecessor persisted. */
    void restartAgent(String node);

    void crashWatcher(String watcher);

    void restartWatcher(String watcher);

    /** An operator's {@code vigil failover web --to toNode} sent to one watcher; false if refused. */
    boolean manualFailover(String viaWatcher, String toNode);

    /**
     * Lets the cluster run until {@code cond} holds, failing the test (with recent events and
     * hook calls) if it does not within {@code max}. A condition that throws counts as false.
     */
    void await(String what, Duration max, BooleanSupplier cond);

    /** Lets the cluster run for {@code d}, whatever happens. */
    void elapse(Duration d);

    /** The primary the watcher names now, or null if the watcher is down. */
    String primaryAt(String watcher);

    /** Every hook call so far, oldest first. */
    List<String> hookCalls();

    /** The liveness bound: a dead primary is replaced within down-after + failover-timeout. */
    default long detectionWindowMs() {
        return TIMINGS.downAfterMs() + TIMINGS.failoverTimeoutMs();
    }

    @Override
    void close();
}
