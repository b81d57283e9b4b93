package dev.vigil.sim;

import dev.vigil.agent.Agent;
import dev.vigil.agent.FencingRule;
import dev.vigil.config.ClusterConfig;
import dev.vigil.config.GroupConfig;
import dev.vigil.config.NodeConfig;
import dev.vigil.config.Timings;
import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import dev.vigil.core.ProtocolException;
import dev.vigil.core.WatcherId;
import dev.vigil.election.VoteRule;
import dev.vigil.failover.HookKind;
import dev.vigil.failover.HookResult;
import dev.vigil.failover.HookRunner;
import dev.vigil.store.AgentState;
import dev.vigil.store.MemoryStateStore;
import dev.vigil.store.StateStore;
import dev.vigil.store.WatcherState;
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
import dev.vigil.watcher.GroupStatus;
import dev.vigil.watcher.Watcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A whole Vigil cluster on virtual time: watchers and agents (the real protocol classes, not
 * copies), each on a host, over a {@link SimNetwork}; state stores that survive crashes; hooks
 * whose acquire and release move a model of the floating IP; and a client's view of who answers
 * on it. Faults are methods, for scenario tests and for {@link FaultPlan}.
 *
 * <p>Every process reads its own cluster file: the same {@link #config} at first, another after
 * {@link #restartWith}, the operator's rolling change of the file. Spare watchers exist as hosts
 * from the start but run only once restarted with a file that names them.
 */
public final class SimCluster {
    /** How to build a cluster. {@code colocated}: the first watchers run on the HA nodes' hosts. */
    public record Options(int watchers, int nodes, boolean colocated, Timings timings, Plant plant) {
        public static Options of(int watchers) {
            return new Options(watchers, 2, false, Timings.defaults(), Plant.NONE);
        }
    }

    static final GroupId GROUP = new GroupId("web");
    static final long HOOK_TIMEOUT_MS = 2_000;

    final SimWorld world = new SimWorld();
    final SplittableRandom random;
    final SimNetwork net;
    final Invariants checker;
    final ClusterConfig config;
    final GroupConfig group;
    final Options options;
    private final List<NodeConfig> nodeConfigs;
    private final Map<WatcherId, WatcherHost> watchers = new LinkedHashMap<>();
    private final Map<NodeId, NodeHost> nodes = new LinkedHashMap<>();
    /** The cluster file each watcher or agent (by id) read at its last start, if not {@link #config}. */
    private final Map<String, ClusterConfig> files = new java.util.HashMap<>();
    private final List<NodeId> ipOn = new ArrayList<>();
    /** Per host: what its monotonic clock read at virtual time 0; a reboot draws a new one. */
    private final Map<String, Long> clockOrigin = new java.util.HashMap<>();
    private boolean ipDirty;
    int hookFailPercent;
    int hookHangPercent;
    /** Hooks of one kind on one node that always fail with this exit code (scenario tests). */
    final Map<String, Integer> brokenHooks = new java.util.HashMap<>();
    /** Every hook a watcher asked to run (fence, notify), in order; they are not configured here. */
    final List<dev.vigil.failover.HookCall> leaderHooks = new ArrayList<>();

    final class WatcherHost {
        final WatcherId id;
        final SimWorld.Proc proc;
        /** Its disk: written values survive a crash; with the lazy-disk plant, saves only become due later. */
        final MemoryStateStore<WatcherState> store = new MemoryStateStore<>(world::now);
        Watcher instance;

        /** What the watcher writes through: the disk, or a planted one whose save returns before the write. */
        StateStore<WatcherState> disk() {
            if (!options.plant().lazyWatcherDisk()) {
                return store;
            }
            return new StateStore<>() {
                @Override
                public WatcherState load(GroupId group) {
                    return store.load(group);
                }

                @Override
                public void save(GroupId group, WatcherState value) {
                    store.saveLater(group, value);
                }

                @Override
                public void saveLater(GroupId group, WatcherState value) {
                    store.saveLater(group, value);
                }
            };
        }

        WatcherHost(WatcherId id, String host) {
            this.id = id;
            this.proc = new SimWorld.Proc(id.value(), host);
        }
    }

    final class NodeHost {
        final NodeId id;
        final SimWorld.Proc proc;
        /** Its disk: a record of a release not yet due when the agent dies is lost, as on a real host. */
        final MemoryStateStore<AgentState> store = new MemoryStateStore<>(world::now);
        Agent instance;
        boolean hostUp = true;
        /** A release run has started here (a release hook, or its retry) and no acquire since. */
        boolean releasing;

        NodeHost(NodeId id) {
            this.id = id;
            this.proc = new SimWorld.Proc("agent-" + id.value(), id.value());
        }
    }

    public SimCluster(long seed, Options options) {
        this(seed, options, 0);
    }

    /** With {@code spareWatchers} more watcher hosts, down until {@link #restartWith} starts them. */
    public SimCluster(long seed, Options options, int spareWatchers) {
        this.options = options;
        this.random = new SplittableRandom(seed);
        this.net = new SimNetwork(world, random.split());
        List<NodeConfig> nodeConfigs = new ArrayList<>();
        for (int i = 1; i <= options.nodes(); i++) {
            NodeId n = new NodeId("n" + i);
            nodeConfigs.add(new NodeConfig(n, options.nodes() - i + 1));
            nodes.put(n, new NodeHost(n));
        }
        for (int i = 1; i <= options.watchers() + spareWatchers; i++) {
            WatcherId w = new WatcherId("w" + i);
            String host = options.colocated() && i <= options.nodes() ? "n" + i : w.value();
            watchers.put(w, new WatcherHost(w, host));
            if (i > options.watchers()) {
                world.crash(watchers.get(w).proc);
            }
        }
        this.nodeConfigs = List.copyOf(nodeConfigs);
        this.config = config(options.watchers());
        this.group = config.groups().get(0);
        this.checker = new Invariants(world);
        Timings t = options.timings();
        watchers.values().stream().filter(h -> h.proc.up).forEach(this::startWatcher);
        nodes.values().forEach(this::startAgent);
    }

    /** The cluster file with watchers w1..wN: the same group, its quorum a majority of them. */
    public ClusterConfig config(int watcherCount) {
        List<WatcherId> ids = new ArrayList<>();
        for (int i = 1; i <= watcherCount; i++) {
            ids.add(new WatcherId("w" + i));
        }
        var g = new GroupConfig(GROUP, nodeConfigs, nodeConfigs.get(0).id(), options.timings(), watcherCount / 2 + 1);
        return new ClusterConfig(ids, List.of(g));
    }

    /** A spare watcher that was a member once: its state directory is still there, so it starts without catching up. */
    void ranBefore(WatcherId w) {
        watchers.get(w).store.save(GROUP, new WatcherState(0, null, 0, 0, 0, group.initialPrimary()));
    }

    /**
     * The operator edits one host's cluster file and restarts one watcher or agent (by id) with it,
     * state kept; a spare watcher starts. A watcher whose new file leaves it out just stops.
     */
    public void restartWith(String id, ClusterConfig file) {
        checker.note("OPERATOR restart " + id + " with config " + file.fingerprint(GROUP) + " " + file.watchers());
        files.put(id, file);
        WatcherHost w = watchers.get(new WatcherId(id));
        if (w != null) {
            crashWatcher(w.id);
            if (file.watchers().contains(w.id)) {
                restartWatcher(w.id);
            }
            return;
        }
        NodeId n = new NodeId(id);
        crashAgent(n);
        restartAgent(n);
    }

    // ---- running --------------------------------------------------------------------------

    /** Runs until {@code untilMs} of virtual time, or the first violation. */
    public void runUntil(long untilMs) {
        while (checker.violation() == null && world.step(untilMs)) {
            if (ipDirty) {
                ipDirty = false;
                recheckHolders();
            } else if (ipOn.size() > 1) {
                recheckHolders();
            }
        }
    }

    public void runFor(long ms) {
        runUntil(world.now() + ms);
    }

    /** Runs {@code action} at {@code atMs} of virtual time, outside any process. */
    public void at(long atMs, Runnable action) {
        world.at(atMs, null, SimWorld.ANY, action);
    }

    public long now() {
        return world.now();
    }

    public Invariants.Violation violation() {
        return checker.violation();
    }

    // ---- the floating IP as the kernel and a client see it ---------------------------------

    /** Nodes whose kernel has the IP configured, live agent or not. */
    public List<NodeId> ipHolders() {
        return List.copyOf(ipOn);
    }

    /** The node a client reaches on the IP: the last to announce it (gratuitous ARP), if any. */
    public NodeId answering() {
        return ipOn.isEmpty() ? null : ipOn.get(ipOn.size() - 1);
    }

    private void setIp(NodeId node, boolean held) {
        ipOn.remove(node);
        if (held) {
            ipOn.add(node);
        }
        ipDirty = true;
    }

    /** How long a release run may take: a hook that hangs to its timeout, the retry 250 ms later, and that run. */
    static final long RELEASE_RUN_MS = HOOK_TIMEOUT_MS + 500;

    /**
     * An acquire configures the IP on {@code node}: every other live holder must have lost its
     * lease by now, or be in its release run (which {@link #RELEASE_RUN_MS} bounds).
     */
    private void acquiring(NodeId node) {
        for (NodeId other : ipOn) {
            NodeHost h = nodes.get(other);
            if (other.equals(node) || !h.proc.live() || h.instance == null || h.releasing) {
                continue; // its release run is under way: the overlap check bounds it
            }
            ProbeReply now = h.instance.status().get(0);
            ClusterConfig file = files.getOrDefault(other.value(), config);
            Timings t = file.groups().get(0).timings();
            int lease = checker.wire.leaseOf(other, now.incarnation(), clockOf(other.value()), now.configEpoch(),
                    t.fenceAfterMs(), file.watchers());
            checker.acquired(node, other + " (epoch " + now.configEpoch() + ", primary " + now.primary() + ", token "
                    + now.highestTerm() + ")", lease, file.majority());
        }
        setIp(node, true);
    }

    private void recheckHolders() {
        int live = 0;
        StringBuilder who = new StringBuilder();
        for (NodeId n : ipOn) {
            NodeHost h = nodes.get(n);
            if (h.proc.live()) {
                live++;
                who.append(who.length() == 0 ? "" : ",").append(n);
            }
        }
        checker.checkHolders(live, RELEASE_RUN_MS, who.toString());
    }

    // ---- faults ---------------------------------------------------------------------------

    public void crashWatcher(WatcherId w) {
        WatcherHost h = watchers.get(w);
        if (!h.proc.up) {
            return;
        }
        checker.note("FAULT crash watcher " + w);
        world.crash(h.proc);
        checker.wire.watcherEnded(w);
        h.store.crash();
        h.instance = null;
    }

    public void restartWatcher(WatcherId w) {
        WatcherHost h = watchers.get(w);
        if (h.proc.up || !hostUp(h.proc.host)) {
            return;
        }
        checker.note("FAULT restart watcher " + w);
        world.restart(h.proc);
        startWatcher(h);
    }

    /** The watcher's state directory is lost (a new disk, an operator's rm): killed, wiped, started again. */
    public void wipeWatcher(WatcherId w) {
        WatcherHost h = watchers.get(w);
        checker.note("FAULT state of watcher " + w + " lost");
        crashWatcher(w);
        h.store.wipe();
        checker.wire.stateLost(w.value());
        restartWatcher(w);
    }

    /** The agent's state directory is lost: killed (the kernel keeps the IP if it had it), wiped, started again. */
    public void wipeAgent(NodeId n) {
        NodeHost h = nodes.get(n);
        checker.note("FAULT state of agent " + n + " lost");
        crashAgent(n);
        h.store.wipe();
        checker.wire.stateLost(n.value());
        restartAgent(n);
    }

    /** SIGTERM of the agent, as systemd sends it: a primary hands over and lets go before it exits ({@link SimStop}). */
    public void stopAgent(NodeId n) {
        NodeHost h = nodes.get(n);
        if (!h.proc.live() || h.instance == null) {
            return;
        }
        checker.note("FAULT SIGTERM agent " + n);
        SimStop.start(this, n, h.proc, h.instance);
    }

    /** SIGTERM of a watcher: it stops (no more votes, probes or steps of a failover it leads) and exits. */
    public void stopWatcher(WatcherId w) {
        WatcherHost h = watchers.get(w);
        if (!h.proc.live() || h.instance == null) {
            return;
        }
        checker.note("FAULT SIGTERM watcher " + w);
        h.instance.stop();
        crashWatcher(w);
    }

    /** A stopping agent's step-down request to one watcher, over the network; {@code accepted} false if refused. */
    void stepDown(SimWorld.Proc from, WatcherId to, NodeId node, java.util.function.Consumer<Boolean> accepted) {
        WatcherHost h = watchers.get(to);
        net.call(from, h.proc, () -> {
            try {
                h.instance.requestFailover(GROUP, null, false, node);
                return true;
            } catch (ProtocolException e) {
                return false;
            }
        }, accepted);
    }

    /** SIGKILL of the agent process: the kernel keeps the IP if it had it. */
    public void crashAgent(NodeId n) {
        NodeHost h = nodes.get(n);
        if (!h.proc.up) {
            return;
        }
        checker.note("FAULT crash agent " + n);
        world.crash(h.proc);
        h.store.crash();
        h.instance = null;
        ipDirty = true;
    }

    /**
     * The node's service check fails, or passes again: its agent answers probes "not serving",
     * as the agent of a host whose database has stopped would. A restarted agent checks afresh
     * (it starts serving).
     */
    public void serviceFails(NodeId n, boolean failing) {
        NodeHost h = nodes.get(n);
        if (!h.proc.up || h.instance == null) {
            return;
        }
        checker.note("FAULT service " + (failing ? "fails" : "passes") + " on " + n);
        h.instance.service(GROUP, !failing, failing ? "simulated: service down" : "simulated: service up");
    }

    public void restartAgent(NodeId n) {
        NodeHost h = nodes.get(n);
        if (h.proc.up || !h.hostUp) {
            return;
        }
        checker.note("FAULT restart agent " + n);
        world.restart(h.proc);
        startAgent(h);
    }

    /** Power off a node's host: its agent, any watcher on it, and the IP go with it. */
    public void crashHost(NodeId n) {
        NodeHost h = nodes.get(n);
        if (!h.hostUp) {
            return;
        }
        checker.note("FAULT power off host " + n);
        h.hostUp = false;
        watchers.values().stream().filter(w -> w.proc.host.equals(n.value())).forEach(w -> crashWatcher(w.id));
        if (h.proc.up) {
            world.crash(h.proc);
            h.store.crash();
            h.instance = null;
        }
        setIp(n, false);
    }

    public void restartHost(NodeId n) {
        NodeHost h = nodes.get(n);
        if (h.hostUp) {
            return;
        }
        // A new boot: the host's monotonic clock starts again near 0, some seconds before the agent.
        clockOrigin.put(n.value(), 1_000 + random.nextLong(60_000) - world.now());
        checker.note("FAULT power on host " + n + ", clock at " + clockOf(n.value()) + " ms since boot");
        h.hostUp = true;
        world.restart(h.proc);
        startAgent(h);
        watchers.values().stream().filter(w -> w.proc.host.equals(n.value())).forEach(w -> restartWatcher(w.id));
    }

    /** SIGSTOP of a process (a watcher id or "agent-" + node id). */
    public void freeze(String proc) {
        SimWorld.Proc p = proc(proc);
        if (p.up && !p.frozen) {
            checker.note("FAULT freeze " + proc);
            world.freeze(p);
            if (watchers.containsKey(new WatcherId(proc))) {
                checker.wire.frozen(new WatcherId(proc));
            }
            ipDirty = true;
        }
    }

    public void thaw(String proc) {
        SimWorld.Proc p = proc(proc);
        if (p.frozen) {
            checker.note("FAULT thaw " + proc);
            WatcherId w = new WatcherId(proc);
            if (watchers.containsKey(w)) {
                ClusterConfig file = files.getOrDefault(proc, config);
                checker.wire.thawed(w, Watcher.tiltStallMs(file), Watcher.tiltMs(file));
            }
            world.thaw(p);
            ipDirty = true;
        }
    }

    /** Cuts every link between the two sets of hosts, both ways. */
    public void partition(List<String> a, List<String> b) {
        checker.note("FAULT partition " + a + " | " + b);
        for (String x : a) {
            for (String y : b) {
                net.block(x, y);
                net.block(y, x);
            }
        }
    }

    /** Cuts the link from one host to another, one way only. */
    public void cutOneWay(String from, String to) {
        checker.note("FAULT one-way cut " + from + " -> " + to);
        net.block(from, to);
    }

    public void heal() {
        checker.note("FAULT heal partitions");
        net.healPartitions();
    }

    public void setLoss(int percent) {
        checker.note("FAULT loss " + percent + "%");
        net.lossPercent = percent;
    }

    public void setDelay(long minMs, long maxMs) {
        checker.note("FAULT delay " + minMs + ".." + maxMs + " ms");
        net.minDelayMs = minMs;
        net.maxDelayMs = maxMs;
    }

    public void setDuplicates(int percent) {
        checker.note("FAULT duplicate " + percent + "%");
        net.duplicatePercent = percent;
    }

    public void setHookFaults(int failPercent, int hangPercent) {
        checker.note("FAULT hooks fail " + failPercent + "% hang " + hangPercent + "%");
        hookFailPercent = failPercent;
        hookHangPercent = hangPercent;
    }

    /** An operator's {@code vigil failover} sent to one watcher; false if it refused. */
    public boolean manualFailover(WatcherId w, NodeId to) {
        return operatorFailover(w, to, false);
    }

    /** {@code vigil failover [--to N] [--force]} sent to one watcher; false if it refused. */
    public boolean operatorFailover(WatcherId w, NodeId to, boolean force) {
        WatcherHost h = watchers.get(w);
        if (!h.proc.live()) {
            return false;
        }
        checker.note("OPERATOR failover via " + w + (to == null ? "" : " to " + to) + (force ? " FORCED" : ""));
        try {
            if (force) {
                checker.wire.forced(h.instance.status().get(0).term() + 1); // the term it leads in, unelected
            }
            h.instance.requestFailover(GROUP, to, force);
            return true;
        } catch (ProtocolException e) {
            checker.note("OPERATOR failover refused: " + e.getMessage());
            return false;
        }
    }

    // ---- inspection -----------------------------------------------------------------------

    public List<WatcherId> watcherIds() {
        return List.copyOf(watchers.keySet());
    }

    public List<NodeId> nodeIds() {
        return List.copyOf(nodes.keySet());
    }

    public List<String> hosts() {
        List<String> out = new ArrayList<>();
        nodes.keySet().forEach(n -> out.add(n.value()));
        watchers.values().forEach(w -> {
            if (!out.contains(w.proc.host)) {
                out.add(w.proc.host);
            }
        });
        return out;
    }

    public String hostOf(WatcherId w) {
        return watchers.get(w).proc.host;
    }

    /** The watcher's view of the group, or null if it is down or frozen. */
    public GroupStatus status(WatcherId w) {
        WatcherHost h = watchers.get(w);
        return h.proc.live() ? h.instance.status().get(0) : null;
    }

    public boolean watcherUp(WatcherId w) {
        return watchers.get(w).proc.up;
    }

    public boolean agentUp(NodeId n) {
        return nodes.get(n).proc.up;
    }

    public boolean agentLive(NodeId n) {
        return nodes.get(n).proc.live();
    }

    public boolean hostUp(NodeId n) {
        return nodes.get(n).hostUp;
    }

    private boolean hostUp(String host) {
        NodeHost h = nodes.get(new NodeId(host));
        return h == null || h.hostUp;
    }

    public List<String> trace(int last) {
        return checker.trace(last);
    }

    public int failovers() {
        return checker.failovers;
    }

    public void onEvent(Consumer<dev.vigil.core.Event> listener) {
        checker.listener = checker.listener.andThen(listener);
    }

    /** The running watcher, for tests that drive it directly; null if down. */
    Watcher watcher(WatcherId w) {
        return watchers.get(w).instance;
    }

    /** The running agent, for tests that drive it directly; null if down. */
    Agent agent(NodeId n) {
        return nodes.get(n).instance;
    }

    long steps() {
        return world.steps();
    }

    private SimWorld.Proc proc(String name) {
        for (WatcherHost w : watchers.values()) {
            if (w.proc.name.equals(name)) {
                return w.proc;
            }
        }
        for (NodeHost n : nodes.values()) {
            if (n.proc.name.equals(name)) {
                return n.proc;
            }
        }
        throw new IllegalArgumentException("no process " + name);
    }

    // ---- wiring ---------------------------------------------------------------------------

    /** The host's monotonic clock now: since its boot, which was up to 30 days before the run. */
    long clockOf(String host) {
        return world.now() + clockOrigin.computeIfAbsent(host, x -> 1_000 + random.nextLong(30L * 24 * 3600 * 1000));
    }

    private SimScheduler scheduler(SimWorld.Proc proc) {
        return new SimScheduler(world, proc, clockOf(proc.host) - world.now());
    }

    private void startWatcher(WatcherHost h) {
        var sched = scheduler(h.proc);
        HookRunner hooks = (call, done) -> {
            leaderHooks.add(call);
            sched.schedule(0, () -> done.accept(HookResult.SKIPPED));
        };
        h.instance = new Watcher(h.id, files.getOrDefault(h.id.value(), config), sched, new Peers(h.proc), new Agents(h.proc), hooks, h.disk(),
                checker, random.split(), options.plant().votes(), options.plant().acks());
        h.instance.start();
    }

    private void startAgent(NodeHost h) {
        var sched = scheduler(h.proc);
        SplittableRandom hookRandom = random.split();
        boolean[] releaseFailed = {false};
        HookRunner hooks = (call, done) -> {
            if (call.kind() == HookKind.RELEASE || call.kind() == HookKind.ACQUIRE) {
                h.releasing = call.kind() == HookKind.RELEASE;
            }
            int roll = hookRandom.nextInt(100);
            Integer broken = brokenHooks.get(h.id.value() + "/" + call.kind().key());
            if (broken != null) {
                sched.schedule(5, () -> done.accept(HookResult.ofExit(broken, "broken for this test")));
                return;
            }
            if (call.kind() == HookKind.RELEASE) {
                // A release that keeps failing leaves the address on the host whatever Vigil
                // does; that residual case is the fence hook's. Here release failures are
                // transient: the retry after a failure succeeds.
                roll = releaseFailed[0] ? 100 : roll;
                releaseFailed[0] = roll < hookHangPercent + hookFailPercent;
            }
            long took = roll < hookHangPercent ? HOOK_TIMEOUT_MS
                    : call.kind() == HookKind.RELEASE ? 2 + hookRandom.nextInt(20) : 5 + hookRandom.nextInt(150);
            boolean fail = roll < hookHangPercent + hookFailPercent;
            // An acquire configures the address part way through (ip addr add, then arping), so
            // an agent that crashes meanwhile, or whose acquire then fails or hangs, may leave
            // the IP here; half of the failed ones do.
            if (call.kind() == HookKind.ACQUIRE && (!fail || hookRandom.nextBoolean())) {
                sched.schedule(hookRandom.nextLong(took), () -> acquiring(h.id));
            }
            if (roll < hookHangPercent) {
                sched.schedule(took, () -> done.accept(new HookResult(HookResult.Outcome.TIMEOUT, -1,
                        "killed after " + HOOK_TIMEOUT_MS + " ms")));
                return;
            }
            // A third of the failures of hooks other than release are permanent (exit 2).
            int exit = fail && call.kind() != HookKind.RELEASE && hookRandom.nextInt(3) == 0 ? 2 : 1;
            sched.schedule(took, () -> {
                if (fail) {
                    done.accept(HookResult.ofExit(exit, "simulated failure"));
                    return;
                }
                if (call.kind() == HookKind.RELEASE) {
                    setIp(h.id, false);
                }
                done.accept(HookResult.OK);
            });
        };
        h.instance = new Agent(h.id, files.getOrDefault(h.id.value(), config), sched, hooks, h.store, checker,
                options.plant().fencing(), incarnation(random));
        h.instance.start();
    }

    private static long incarnation(SplittableRandom random) {
        long id;
        do {
            id = random.nextLong();
        } while (id == 0);
        return id;
    }

    /** A watcher's peer transport; every message is shown to the checker's {@link Wire} as it leaves and is handled. */
    private final class Peers implements PeerTransport {
        private final SimWorld.Proc from;
        private final WatcherId self;

        Peers(SimWorld.Proc from) {
            this.from = from;
            this.self = new WatcherId(from.name);
        }

        @Override
        public void hello(WatcherId to, Hello hello) {
            WatcherHost h = watchers.get(to);
            checker.wire.helloSent(self, hello);
            net.send(from, h.proc, () -> {
                try {
                    h.instance.onHello(hello);
                    checker.wire.helloHandled(to, hello);
                } catch (ProtocolException e) {
                    // refused, as with an error status
                }
            });
        }

        @Override
        public void isPrimaryDown(WatcherId to, Hello mine, Consumer<Hello> reply) {
            WatcherHost h = watchers.get(to);
            checker.wire.helloSent(self, mine);
            net.call(from, h.proc, () -> {
                Hello view = h.instance.onIsPrimaryDown(mine);
                checker.wire.helloHandled(to, mine);
                checker.wire.helloSent(to, view);
                return view;
            }, view -> {
                checker.wire.helloHandled(self, view);
                reply.accept(view);
            });
        }

        @Override
        public void requestVote(WatcherId to, VoteRequest request, Consumer<VoteReply> reply) {
            WatcherHost h = watchers.get(to);
            ClusterConfig file = files.getOrDefault(self.value(), config);
            checker.wire.voteRequested(self, request, file.groups().get(0).quorum(),
                    file.groups().get(0).timings().reportTtlMs(), file.watchers());
            net.call(from, h.proc, () -> {
                VoteReply r = h.instance.onRequestVote(request);
                checker.wire.voteAnswered(request, r);
                return r;
            }, reply);
        }
    }

    /** A watcher's agent client; probes, their replies and commands are shown to the checker's {@link Wire}. */
    private final class Agents implements AgentClient {
        private final SimWorld.Proc from;
        private final WatcherId self;

        Agents(SimWorld.Proc from) {
            this.from = from;
            this.self = new WatcherId(from.name);
        }

        @Override
        public void probe(NodeId node, ProbeRequest request, ProbeCallback reply) {
            NodeHost h = nodes.get(node);
            // arrival on the watcher's clock, as the gRPC edge stamps it
            net.call(from, h.proc, () -> {
                ProbeReply r = h.instance.onProbe(request);
                checker.wire.probeHandled(node, request);
                checker.wire.probeAnswered(r);
                return r;
            }, r -> reply.reply(r, clockOf(from.host)));
        }

        @Override
        public void promote(NodeId node, PromoteRequest request, Consumer<AgentReply> reply) {
            NodeHost h = nodes.get(node);
            checker.wire.commandSent(self, request.term(), node, true, votesNeeded());
            long window = files.getOrDefault(node.value(), config).groups().get(0).timings().failoverTimeoutMs() / 2;
            net.callAsync(from, h.proc, cb -> {
                h.instance.onPromote(request, cb);
                checker.wire.promoteHandled(node, request.term(), window);
            }, reply);
        }

        @Override
        public void release(NodeId node, ReleaseRequest request, Consumer<AgentReply> reply) {
            NodeHost h = nodes.get(node);
            checker.wire.commandSent(self, request.term(), node, false, votesNeeded());
            net.callAsync(from, h.proc, cb -> h.instance.onRelease(request, cb), reply);
        }

        private int votesNeeded() {
            ClusterConfig file = files.getOrDefault(self.value(), config);
            return file.votesNeeded(file.groups().get(0));
        }
    }
}
