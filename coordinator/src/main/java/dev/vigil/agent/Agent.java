package dev.vigil.agent;

import dev.vigil.config.ClusterConfig;
import dev.vigil.config.GroupConfig;
import dev.vigil.core.Event;
import dev.vigil.core.EventSink;
import dev.vigil.core.Fingerprints;
import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import dev.vigil.core.ProtocolException;
import dev.vigil.core.WatcherId;
import dev.vigil.failover.HookKind;
import dev.vigil.failover.HookResult;
import dev.vigil.failover.HookRunner;
import dev.vigil.store.AgentState;
import dev.vigil.store.StateStore;
import dev.vigil.time.Scheduler;
import dev.vigil.transport.AgentReply;
import dev.vigil.transport.ProbeReply;
import dev.vigil.transport.ProbeRequest;
import dev.vigil.transport.PromoteRequest;
import dev.vigil.transport.ReleaseRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The agent on one node: for each group the node belongs to, answers probes, obeys Promote and
 * Release from the current term, and holds or releases the floating IP by itself according to
 * its lease (see {@link AgentGroup}). Single-threaded like the watcher.
 *
 * <p>A message whose config fingerprint differs from this agent's is logged and counted, and
 * then obeyed as any other: a probe's ack still counts toward the lease, and Promote and
 * Release still go by their term. This departs from DESIGN.md ("mismatched fingerprints never
 * count toward a majority") on purpose. During a rolling change of the cluster file some
 * watchers necessarily run another file than this agent; if their acks did not count, every
 * primary would fence itself in every rollout. Counting them is safe when the files differ by
 * at most one watcher: a majority of N watchers and one of N+1 always share a watcher, so the
 * lease's majority still meets any majority that can vote (README, "Changing the watcher set").
 * Acks count only from watchers of this agent's own file, against its own majority.
 */
public final class Agent {
    private final NodeId self;
    private final ClusterConfig cluster;
    private final Scheduler scheduler;
    private final HookRunner hooks;
    private final StateStore<AgentState> store;
    private final EventSink sink;
    private final FencingRule fencing;
    private final long incarnation;
    private final Map<GroupId, AgentGroup> groups = new LinkedHashMap<>();
    private final Map<GroupId, Fingerprints> fingerprints = new LinkedHashMap<>();

    /**
     * {@code incarnation}: random and never 0, drawn anew at every process start. The scheduler's
     * clock is this host's monotonic clock, which a reboot restarts; the incarnation is what tells
     * a watcher's ack of an earlier run's stamps from an ack of this run's.
     */
    public Agent(NodeId self, ClusterConfig cluster, Scheduler scheduler, HookRunner hooks,
            StateStore<AgentState> store, EventSink sink, FencingRule fencing, long incarnation) {
        if (incarnation == 0) {
            throw new IllegalArgumentException("incarnation 0 is what a watcher acks before any reply");
        }
        this.incarnation = incarnation;
        this.self = self;
        this.cluster = cluster;
        this.scheduler = scheduler;
        this.hooks = hooks;
        this.store = store;
        this.sink = sink;
        this.fencing = fencing;
    }

    public void start() {
        for (GroupConfig g : cluster.groups()) {
            if (g.node(self).isPresent()) {
                groups.put(g.id(), new AgentGroup(this, g));
                fingerprints.put(g.id(), new Fingerprints(self.value(), g.id(), cluster.fingerprint(g.id()), sink));
            }
        }
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("node " + self + " belongs to no group of the cluster file");
        }
        groups.values().forEach(AgentGroup::start);
    }

    public void stop() {
        groups.values().forEach(AgentGroup::stop);
    }

    /**
     * The stop's last step, "release now": every group lets go of the IP through its release
     * hook, if the IP may be here, and takes it no more; {@link #holding()} then empties.
     */
    public void leave() {
        groups.values().forEach(AgentGroup::leave);
    }

    /** The groups this node is the primary of, in the config epoch it knows: what a stop hands over. */
    public List<GroupId> primaryOf() {
        return groups.entrySet().stream().filter(e -> e.getValue().primary()).map(Map.Entry::getKey).toList();
    }

    /** The groups whose IP may be configured on this node: held, unknown after a failed hook, or a hook running. */
    public List<GroupId> holding() {
        return groups.entrySet().stream().filter(e -> e.getValue().mayBeHere()).map(Map.Entry::getKey).toList();
    }

    public ProbeReply onProbe(ProbeRequest r) {
        checkNode(r.node());
        if (!cluster.watchers().contains(r.watcher())) {
            throw new ProtocolException(ProtocolException.Code.INVALID_ARGUMENT, "not a configured watcher: " + r.watcher());
        }
        AgentGroup g = group(r.group());
        check(r.group(), r.watcher(), r.fingerprint(), "probe", "its ack counts toward the lease");
        return g.onProbe(r);
    }

    public void onPromote(PromoteRequest r, Consumer<AgentReply> reply) {
        checkNode(r.node());
        AgentGroup g = group(r.group());
        check(r.group(), r.leader(), r.fingerprint(), "promote", "obeyed by its term");
        g.onPromote(r, reply);
    }

    public void onRelease(ReleaseRequest r, Consumer<AgentReply> reply) {
        checkNode(r.node());
        AgentGroup g = group(r.group());
        check(r.group(), r.leader(), r.fingerprint(), "release", "obeyed by its term");
        g.onRelease(r, reply);
    }

    /**
     * The verdict of the group's service check on this node (the cluster file's {@code probe});
     * watchers treat a node whose service fails as down.
     */
    public void service(GroupId group, boolean ok, String reason) {
        group(group).service(ok, reason);
    }

    /** This agent's state of every group, as it would answer a probe now. */
    public List<ProbeReply> status() {
        long now = scheduler.nowMillis();
        List<ProbeReply> out = new ArrayList<>();
        groups.values().forEach(g -> out.add(g.reply(now)));
        return out;
    }

    private void check(GroupId group, WatcherId from, String theirs, String message, String effect) {
        fingerprints.get(group).check(scheduler.nowMillis(), Fingerprints.WATCHER, from.value(), theirs, message, effect);
    }

    private void checkNode(NodeId node) {
        if (!self.equals(node)) {
            throw new ProtocolException(ProtocolException.Code.UNKNOWN_NODE, "this agent is " + self + ", not " + node);
        }
    }

    private AgentGroup group(GroupId id) {
        AgentGroup g = groups.get(id);
        if (g == null) {
            throw new ProtocolException(ProtocolException.Code.UNKNOWN_GROUP, "node " + self + " is in no group " + id);
        }
        return g;
    }

    NodeId self() {
        return self;
    }

    Scheduler scheduler() {
        return scheduler;
    }

    HookRunner hooks() {
        return hooks;
    }

    StateStore<AgentState> store() {
        return store;
    }

    EventSink sink() {
        return sink;
    }

    FencingRule fencing() {
        return fencing;
    }

    long incarnation() {
        return incarnation;
    }

    /** Logs a hook's outcome (a skipped hook, not configured, is no event). */
    void hookFinished(GroupId group, HookKind kind, HookResult res) {
        if (res.outcome() != HookResult.Outcome.SKIPPED) {
            sink.emit(new Event.HookFinished(scheduler.nowMillis(), self.value(), group, kind.key(), res.outcome().name(),
                    res.exitCode(), res.output()));
        }
    }

    String fingerprint(GroupId group) {
        return cluster.fingerprint(group);
    }

    int watchers() {
        return cluster.watchers().size();
    }

    int majority() {
        return cluster.majority();
    }
}
