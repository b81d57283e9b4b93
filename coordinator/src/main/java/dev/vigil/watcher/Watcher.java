package dev.vigil.watcher;

import dev.vigil.config.ClusterConfig;
import dev.vigil.config.GroupConfig;
import dev.vigil.core.Event;
import dev.vigil.core.EventSink;
import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import dev.vigil.core.ProtocolException;
import dev.vigil.core.WatcherId;
import dev.vigil.detection.AckRule;
import dev.vigil.election.VoteRule;
import dev.vigil.failover.HookRunner;
import dev.vigil.store.StateStore;
import dev.vigil.store.WatcherState;
import dev.vigil.time.Scheduler;
import dev.vigil.transport.AgentClient;
import dev.vigil.transport.AgentReply;
import dev.vigil.transport.Hello;
import dev.vigil.transport.PeerTransport;
import dev.vigil.transport.ProbeReply;
import dev.vigil.transport.ProbeRequest;
import dev.vigil.transport.PromoteRequest;
import dev.vigil.transport.ReleaseRequest;
import dev.vigil.transport.VoteReply;
import dev.vigil.transport.VoteRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * A voting watcher: the protocol for every group it guards, plus TILT (DESIGN.md step 9). All
 * entry points (incoming messages, replies, timers) first check that the watcher's own
 * scheduler has not stalled: a gap between ticks longer than {@link #tiltStallMs} means this
 * process cannot trust its own timings, so until {@link #tiltMs} have passed without another
 * such gap it keeps probing but neither reports SDOWN, nor votes, nor starts failovers.
 */
public final class Watcher {
    public static final long TICK_MS = 250;

    private final WatcherId id;
    private final ClusterConfig cluster;
    private final Scheduler scheduler;
    private final PeerTransport transport;
    private final AgentClient agents;
    private final HookRunner hooks;
    private final StateStore<WatcherState> store;
    private final EventSink sink;
    private final RandomGenerator random;
    private final VoteRule voteRule;
    private final AckRule ackRule;
    private final List<WatcherId> peers;
    private final Map<NodeId, Long> probePhases = new LinkedHashMap<>();
    private final Map<GroupId, GroupWatch> groups = new LinkedHashMap<>();

    private final long tiltStallMs;
    private final long tiltMs;
    private long lastTickAt;
    private boolean tilt;
    private long tiltUntil;
    private boolean stopped;

    public Watcher(WatcherId id, ClusterConfig cluster, Scheduler scheduler, PeerTransport transport,
            AgentClient agents, HookRunner hooks, StateStore<WatcherState> store, EventSink sink,
            RandomGenerator random, VoteRule voteRule, AckRule ackRule) {
        if (!cluster.watchers().contains(id)) {
            throw new IllegalArgumentException("watcher " + id + " is not in the cluster's watchers " + cluster.watchers());
        }
        this.id = id;
        this.cluster = cluster;
        this.scheduler = new GuardedScheduler(scheduler);
        this.transport = new GuardedTransport(transport);
        this.agents = new GuardedAgents(agents);
        this.hooks = (call, done) -> hooks.run(call, guarded(done));
        this.store = store;
        this.sink = sink;
        this.random = random;
        this.voteRule = voteRule;
        this.ackRule = ackRule;
        this.peers = cluster.watchers().stream().filter(w -> !w.equals(id)).toList();
        this.tiltStallMs = tiltStallMs(cluster);
        this.tiltMs = tiltMs(cluster);
        // A message may arrive before start(): the TILT guard measures from here, not from 0.
        this.lastTickAt = scheduler.nowMillis();
    }

    public void start() {
        lastTickAt = scheduler.nowMillis();
        for (GroupConfig g : cluster.groups()) {
            groups.put(g.id(), new GroupWatch(this, g));
        }
        groups.values().forEach(GroupWatch::start);
        scheduler.schedule(TICK_MS, this::tick);
    }

    public void stop() {
        stopped = true;
        groups.values().forEach(GroupWatch::stop);
    }

    // ---- entry points ---------------------------------------------------------------------

    public void onHello(Hello h) {
        guard();
        group(h.group()).onHello(h);
    }

    public Hello onIsPrimaryDown(Hello h) {
        guard();
        return group(h.group()).onIsPrimaryDown(h);
    }

    public VoteReply onRequestVote(VoteRequest r) {
        guard();
        return group(r.group()).onRequestVote(r);
    }

    /** Starts a manual failover (or, with {@code force}, a single-watcher one); returns its term. */
    public long requestFailover(GroupId group, NodeId to, boolean force) {
        return requestFailover(group, to, force, null);
    }

    /**
     * As {@link #requestFailover(GroupId, NodeId, boolean)}, refused unless {@code from} (when
     * given) is the primary in this watcher's view: the step-down of a stopping primary's agent.
     */
    public long requestFailover(GroupId group, NodeId to, boolean force, NodeId from) {
        guard();
        return group(group).requestFailover(to, force, from);
    }

    public List<GroupStatus> status() {
        guard();
        List<GroupStatus> out = new ArrayList<>(groups.size());
        groups.values().forEach(g -> out.add(g.status()));
        return out;
    }

    public boolean tilt() {
        return tilt;
    }

    /**
     * The longest stall that cannot distort a decision, over all groups: {@code fence-after −
     * probe-interval}, and never less than two ticks. A stall of G ms can make a primary look
     * silent for up to G + probe-interval; a vote needs more than fence-after + probe-timeout of
     * silence and SDOWN more than down-after (≥ fence-after + probe-interval), so a watcher back
     * from a shorter stall grants or reports nothing its own probes would not also have seen.
     */
    public static long tiltStallMs(ClusterConfig cluster) {
        long min = Long.MAX_VALUE;
        for (GroupConfig g : cluster.groups()) {
            min = Math.min(min, g.timings().fenceAfterMs() - g.timings().probeIntervalMs());
        }
        return Math.max(2 * TICK_MS, min);
    }

    /**
     * How long TILT lasts after the last stall, over all groups: report-ttl (3 probe intervals) +
     * probe-timeout. By then every node has been probed afresh and every peer report held
     * arrived after the stall, so every view the watcher acts on is its own again.
     */
    public static long tiltMs(ClusterConfig cluster) {
        long max = 0;
        for (GroupConfig g : cluster.groups()) {
            max = Math.max(max, g.timings().reportTtlMs() + g.timings().probeTimeoutMs());
        }
        return max;
    }

    // ---- TILT -----------------------------------------------------------------------------

    private void tick() {
        if (stopped) {
            return;
        }
        long now = scheduler.nowMillis();
        lastTickAt = now;
        if (tilt && now >= tiltUntil) {
            tilt = false;
            sink.emit(new Event.TiltChanged(now, id, null, false, "no stall for " + tiltMs + " ms"));
            groups.values().forEach(GroupWatch::tiltChanged);
        }
        for (GroupWatch g : groups.values()) {
            g.tick(now);
        }
        scheduler.schedule(TICK_MS, this::tick);
    }

    private void guard() {
        long now = scheduler.nowMillis();
        long gap = now - lastTickAt;
        if (gap <= tiltStallMs) {
            return;
        }
        lastTickAt = now;
        tiltUntil = now + tiltMs;
        if (!tilt) {
            tilt = true;
            sink.emit(new Event.TiltChanged(now, id, null, true, "scheduler stalled for " + gap + " ms > "
                    + tiltStallMs + " ms (fence-after - probe-interval)"));
            groups.values().forEach(GroupWatch::tiltChanged);
        }
    }

    private <T> Consumer<T> guarded(Consumer<T> c) {
        return v -> guarded(() -> c.accept(v));
    }

    /** Runs a callback into the watcher, unless it has stopped, after the TILT guard. */
    private void guarded(Runnable callback) {
        if (!stopped) {
            guard();
            callback.run();
        }
    }

    private GroupWatch group(GroupId g) {
        GroupWatch gw = groups.get(g);
        if (gw == null) {
            throw new ProtocolException(ProtocolException.Code.UNKNOWN_GROUP, "unknown group " + g);
        }
        return gw;
    }

    // ---- for GroupWatch -------------------------------------------------------------------

    WatcherId id() {
        return id;
    }

    List<WatcherId> peers() {
        return peers;
    }

    boolean isPeer(WatcherId w) {
        return peers.contains(w);
    }

    int votesNeeded(GroupConfig g) {
        return cluster.votesNeeded(g);
    }

    String fingerprint(GroupConfig g) {
        return cluster.fingerprint(g.id());
    }

    Scheduler scheduler() {
        return scheduler;
    }

    PeerTransport transport() {
        return transport;
    }

    AgentClient agents() {
        return agents;
    }

    HookRunner hooks() {
        return hooks;
    }

    StateStore<WatcherState> store() {
        return store;
    }

    EventSink sink() {
        return sink;
    }

    RandomGenerator random() {
        return random;
    }

    VoteRule voteRule() {
        return voteRule;
    }

    AckRule ackRule() {
        return ackRule;
    }

    /**
     * When, in ms from start, this watcher first probes {@code node}, the same for every group
     * (reduced modulo the group's probe interval): random per node, so watchers and agents
     * spread their load, but one instant for all the groups on a node, so that their probes
     * fall due together and travel in one batch instead of one call each.
     */
    long probePhase(NodeId node) {
        return probePhases.computeIfAbsent(node, n -> random.nextLong(Long.MAX_VALUE));
    }

    // ---- every callback into the watcher passes the TILT guard ----------------------------

    private final class GuardedScheduler implements Scheduler {
        private final Scheduler inner;

        GuardedScheduler(Scheduler inner) {
            this.inner = inner;
        }

        @Override
        public long nowMillis() {
            return inner.nowMillis();
        }

        @Override
        public Timer schedule(long delayMillis, Runnable task) {
            return inner.schedule(delayMillis, () -> guarded(task));
        }
    }

    private final class GuardedTransport implements PeerTransport {
        private final PeerTransport inner;

        GuardedTransport(PeerTransport inner) {
            this.inner = inner;
        }

        @Override
        public void hello(WatcherId to, Hello hello) {
            inner.hello(to, hello);
        }

        @Override
        public void isPrimaryDown(WatcherId to, Hello mine, Consumer<Hello> reply) {
            inner.isPrimaryDown(to, mine, guarded(reply));
        }

        @Override
        public void requestVote(WatcherId to, VoteRequest request, Consumer<VoteReply> reply) {
            inner.requestVote(to, request, guarded(reply));
        }
    }

    private final class GuardedAgents implements AgentClient {
        private final AgentClient inner;

        GuardedAgents(AgentClient inner) {
            this.inner = inner;
        }

        @Override
        public void probe(NodeId node, ProbeRequest request, ProbeCallback reply) {
            inner.probe(node, request, (r, arrived) -> guarded(() -> reply.reply(r, arrived)));
        }

        @Override
        public void promote(NodeId node, PromoteRequest request, Consumer<AgentReply> reply) {
            inner.promote(node, request, guarded(reply));
        }

        @Override
        public void release(NodeId node, ReleaseRequest request, Consumer<AgentReply> reply) {
            inner.release(node, request, guarded(reply));
        }
    }
}
