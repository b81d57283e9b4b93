package dev.vigil.sim;

import dev.vigil.agent.Agent;
import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import dev.vigil.core.WatcherId;
import java.util.List;

/**
 * SIGTERM of a simulated agent, as {@code dev.vigil.node.AgentStop} runs it: a primary asks the
 * watchers in order, one call at a time, for a switchover away from itself; once one accepts it
 * waits (at most {@link #STOP_TIMEOUT_MS}) for the leader's release; then it lets go of whatever
 * may still be here ({@link Agent#leave}) and exits once that is done, at most
 * {@link SimCluster#HOOK_TIMEOUT_MS} later. A standby exits at once. The agent keeps serving
 * meanwhile; the stop runs on its process, so freezing or killing the agent stops it too.
 */
final class SimStop {
    static final long STOP_TIMEOUT_MS = 10_000;
    private static final long CALL_MS = 2_000;
    private static final long POLL_MS = 10;

    private final SimCluster c;
    private final NodeId node;
    private final SimWorld.Proc proc;
    private final int incarnation;
    private final Agent agent;
    private final long startedAt;

    private SimStop(SimCluster c, NodeId node, SimWorld.Proc proc, Agent agent) {
        this.c = c;
        this.node = node;
        this.proc = proc;
        this.incarnation = proc.incarnation;
        this.agent = agent;
        this.startedAt = c.world.now();
    }

    static void start(SimCluster c, NodeId node, SimWorld.Proc proc, Agent agent) {
        var s = new SimStop(c, node, proc, agent);
        List<GroupId> primaries = agent.primaryOf();
        if (primaries.isEmpty()) {
            c.checker.note("STOP agent " + node + ": a standby, exits");
            c.crashAgent(node);
            return;
        }
        s.ask(c.watcherIds(), 0);
    }

    /** Asks watcher {@code i}; a refusal, or no answer within a call's deadline, asks the next. */
    private void ask(List<WatcherId> watchers, int i) {
        if (i == watchers.size()) {
            c.checker.note("STOP agent " + node + ": no watcher accepted, releasing");
            leave();
            return;
        }
        boolean[] answered = {false};
        c.stepDown(proc, watchers.get(i), node, accepted -> {
            if (answered[0]) {
                return;
            }
            answered[0] = true;
            if (accepted) {
                c.checker.note("STOP agent " + node + ": " + watchers.get(i) + " accepted the switchover");
                waitForRelease();
            } else {
                ask(watchers, i + 1);
            }
        });
        later(CALL_MS, () -> {
            if (!answered[0]) {
                answered[0] = true;
                ask(watchers, i + 1);
            }
        });
    }

    private void waitForRelease() {
        if (agent.holding().isEmpty() || c.world.now() - startedAt >= STOP_TIMEOUT_MS) {
            leave();
        } else {
            later(POLL_MS, this::waitForRelease);
        }
    }

    private void leave() {
        agent.leave();
        long until = c.world.now() + SimCluster.HOOK_TIMEOUT_MS + 100;
        exitOnceReleased(until);
    }

    private void exitOnceReleased(long until) {
        if (agent.holding().isEmpty() || c.world.now() >= until) {
            c.checker.note("STOP agent " + node + " exits" + (agent.holding().isEmpty() ? "" : " STILL HOLDING"));
            c.crashAgent(node);
        } else {
            later(POLL_MS, () -> exitOnceReleased(until));
        }
    }

    private void later(long ms, Runnable r) {
        c.world.at(c.world.now() + ms, proc, incarnation, r);
    }
}
