package dev.vigil.sim;

import dev.vigil.config.Timings;
import dev.vigil.core.NodeId;
import dev.vigil.core.WatcherId;
import dev.vigil.watcher.GroupStatus;
import dev.vigil.watcher.Watcher;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One seed, start to end: a cluster shaped by the seed (2 or 3 nodes, watchers apart or on the
 * HA hosts, default or fast timings), its {@link FaultPlan}, safety checked after every step,
 * and liveness checked once faults stop: within TILT + down-after + failover-timeout (plus
 * slack for the election itself) exactly one live node holds the IP and every watcher names
 * it primary. Everything follows from {@code seed}, so a failing seed replays exactly.
 */
public final class Simulation {
    /** What one seed did. {@code violation} is null when every invariant held. */
    public record Result(long seed, int watchers, String violation, List<String> trace, int failovers, long events,
            long virtualMs) {
        public boolean ok() {
            return violation == null;
        }
    }

    private static final long SLACK_MS = 5_000;

    private Simulation() {}

    public static Result run(long seed, int watchers) {
        return run(seed, watchers, Plant.NONE, false);
    }

    /** {@code trace}: keep the last events even when the seed passes (for a replay). */
    public static Result run(long seed, int watchers, Plant plant, boolean trace) {
        var shape = new SplittableRandom(seed);
        int nodes = shape.nextInt(3) == 0 ? 3 : 2;
        boolean colocated = shape.nextBoolean();
        Timings timings = shape.nextInt(5) == 0 ? Timings.of(250, 1_000, 4_000) : Timings.defaults();
        var options = new SimCluster.Options(watchers, nodes, colocated, timings, plant);
        var cluster = new SimCluster(shape.nextLong(), options);
        FaultPlan.apply(cluster, shape.split());
        long end = FaultPlan.FAULT_END_MS + Watcher.tiltMs(cluster.config) + timings.downAfterMs() + timings.failoverTimeoutMs()
                + SLACK_MS;
        cluster.runUntil(end);
        if (cluster.violation() == null) {
            checkLiveness(cluster);
        }
        Invariants.Violation v = cluster.violation();
        String violation = v == null ? null : v.invariant() + " at t=" + v.at() + " ms: " + v.detail();
        return new Result(seed, watchers, violation, v == null && !trace ? List.of() : cluster.trace(v == null ? 400 : 80), cluster.failovers(),
                cluster.steps(), cluster.now());
    }

    /**
     * A watcher that lost its state and still waits to hear from a majority of the others, with
     * too few of them up (the host of one stays powered off): no failover is owed until an
     * operator removes the dead watcher from the cluster file or brings it back (README).
     */
    private static boolean stateLostBeyondRepair(SimCluster c) {
        List<WatcherId> up = c.watcherIds().stream().filter(c::watcherUp).toList();
        for (WatcherId w : up) {
            GroupStatus s = c.status(w);
            if (s != null && s.learning() != null && up.size() - 1 < dev.vigil.election.Catchup.needed(c.watcherIds().size())) {
                c.checker.note("liveness not owed: " + w + " lost its state and only " + (up.size() - 1)
                        + " other watchers are up");
                return true;
            }
        }
        return false;
    }

    private static void checkLiveness(SimCluster c) {
        if (stateLostBeyondRepair(c)) {
            return;
        }
        List<NodeId> holders = c.ipHolders();
        if (holders.size() != 1) {
            c.checker.fail("liveness", "faults stopped at " + FaultPlan.FAULT_END_MS + " ms, yet at " + c.now()
                    + " ms the IP is on " + holders + " (exactly one node expected)");
            return;
        }
        NodeId holder = holders.get(0);
        if (!c.agentLive(holder)) {
            c.checker.fail("liveness", "the IP is on " + holder + " whose agent is not live");
            return;
        }
        for (WatcherId w : c.watcherIds()) {
            if (!c.watcherUp(w)) {
                continue; // on the host that stays powered off
            }
            GroupStatus s = c.status(w);
            if (s == null || !s.primary().equals(holder)) {
                c.checker.fail("liveness", w + " names " + (s == null ? "nothing (down)" : s.primary())
                        + " primary, but the IP is on " + holder);
                return;
            }
        }
    }
}
