package dev.vigil.scenario;

import dev.vigil.agent.FencingRule;
import dev.vigil.core.Event;
import dev.vigil.core.NodeId;
import dev.vigil.core.WatcherId;
import dev.vigil.election.VoteRule;
import dev.vigil.sim.Plant;
import dev.vigil.sim.SimCluster;
import dev.vigil.watcher.GroupStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * {@link ClusterDriver} on a {@link SimCluster}: virtual time, the simulator's safety invariants
 * checked after every step (a violation fails the scenario at once), agents that crash like
 * SIGKILL. The simulated hooks record nothing themselves, so hook calls are rebuilt from the
 * agents' events: one per {@link Event.HookFinished}, at the moment it finished, with the term
 * the hook was given — the agent's fencing token, as {@link Event.AgentObeyed} and
 * {@link Event.AgentEpochAdopted} raise it, except for demote, whose hook runs before the agent
 * obeys the manual run's term and so is given that term.
 */
final class SimDriver implements ClusterDriver {
    private static final Set<String> KINDS = Set.of("promote", "demote", "acquire", "release");
    private static final long STEP_MS = 50;

    private final long seed;
    private SimCluster cluster;
    private final List<String> calls = new ArrayList<>();
    private final Map<String, Long> highest = new HashMap<>();
    private long lastLeaderTerm;

    SimDriver(long seed) {
        this.seed = seed;
    }

    @Override
    public void start() {
        cluster = new SimCluster(seed, new SimCluster.Options(WATCHERS.size(), NODES.size(), false, TIMINGS,
                Plant.NONE));
        cluster.onEvent(this::record);
    }

    private void record(Event e) {
        if (e instanceof Event.AgentObeyed o) {
            highest.merge(o.node().value(), o.term(), Math::max);
        } else if (e instanceof Event.AgentEpochAdopted a) {
            highest.merge(a.node().value(), a.epoch(), Math::max);
        } else if (e instanceof Event.LeaderElected l) {
            lastLeaderTerm = Math.max(lastLeaderTerm, l.term());
        } else if (e instanceof Event.HookFinished h && KINDS.contains(h.hook())) {
            long token = highest.getOrDefault(h.host(), 0L);
            // The demote hook runs before the agent obeys (and announces) the demoting term.
            long term = h.hook().equals("demote") ? Math.max(token, lastLeaderTerm) : token;
            calls.add(h.host() + " " + h.hook() + " " + term);
        }
    }

    @Override
    public void crashAgent(String node) {
        cluster.crashAgent(new NodeId(node));
    }

    @Override
    public void restartAgent(String node) {
        cluster.restartAgent(new NodeId(node));
    }

    @Override
    public void crashWatcher(String watcher) {
        cluster.crashWatcher(new WatcherId(watcher));
    }

    @Override
    public void restartWatcher(String watcher) {
        cluster.restartWatcher(new WatcherId(watcher));
    }

    @Override
    public boolean manualFailover(String viaWatcher, String toNode) {
        return cluster.manualFailover(new WatcherId(viaWatcher), new NodeId(toNode));
    }

    @Override
    public void await(String what, Duration max, BooleanSupplier cond) {
        long end = cluster.now() + max.toMillis();
        String error = null;
        while (true) {
            checkSafe();
            try {
                if (cond.getAsBoolean()) {
                    return;
                }
                error = null;
            } catch (RuntimeException e) {
                error = e.toString();
            }
            if (cluster.now() >= end) {
                break;
            }
            cluster.runUntil(Math.min(end, cluster.now() + STEP_MS));
        }
        throw new AssertionError("not within " + max.toMillis() + " ms of virtual time (seed " + seed + "): " + what
                + (error == null ? "" : "; last check threw " + error) + report());
    }

    @Override
    public void elapse(Duration d) {
        cluster.runFor(d.toMillis());
        checkSafe();
    }

    @Override
    public String primaryAt(String watcher) {
        GroupStatus s = cluster.status(new WatcherId(watcher));
        return s == null ? null : s.primary().value();
    }

    @Override
    public List<String> hookCalls() {
        return List.copyOf(calls);
    }

    @Override
    public void close() {
        // nothing runs outside virtual time
    }

    private void checkSafe() {
        if (cluster.violation() != null) {
            throw new AssertionError("invariant violated (seed " + seed + "): " + cluster.violation() + report());
        }
    }

    private String report() {
        return "\nhook calls: " + calls + "\nlast events:\n" + String.join("\n", cluster.trace(40));
    }
}
