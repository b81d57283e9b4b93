package dev.vigil.sim;

import dev.vigil.core.Event;
import dev.vigil.core.NodeId;
import dev.vigil.core.WatcherId;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The faults of one seed: one to five episodes in the first {@link #FAULT_END_MS} of virtual
 * time, each a crash, hang, partition, loss, delay, duplication, hook failure, failing service
 * check or operator action with a random start and length, or one of what real hosts do: a
 * power cycle (a reboot: the host's monotonic clock starts again near 0), a lost state
 * directory, a rolling restart of every process, a cluster file changed on one host; sometimes
 * a leader is struck the moment it is elected, or an agent while it is being promoted (before,
 * during or after its promote and acquire hooks).
 * At {@link #FAULT_END_MS} every fault stops, except that one node's host may stay powered off,
 * which is what a failover is for.
 */
final class FaultPlan {
    static final long FAULT_END_MS = 30_000;
    private static final int KINDS = 19;

    private final SimCluster c;
    private final SplittableRandom r;
    private final List<String> frozen = new ArrayList<>();
    private NodeId victim;
    private boolean wiped;

    private FaultPlan(SimCluster c, SplittableRandom r) {
        this.c = c;
        this.r = r;
    }

    static void apply(SimCluster c, SplittableRandom r) {
        new FaultPlan(c, r).schedule();
    }

    private void schedule() {
        int episodes = 1 + r.nextInt(5);
        for (int i = 0; i < episodes; i++) {
            long start = 2_000 + r.nextLong(FAULT_END_MS - 4_000);
            long length = 300 + r.nextLong(12_000);
            episode(i == 0 && r.nextBoolean() ? 0 : r.nextInt(KINDS), start, Math.min(start + length, FAULT_END_MS));
        }
        if (r.nextInt(4) == 0) {
            boolean crash = r.nextBoolean();
            long delay = r.nextLong(400);
            long length = 500 + r.nextLong(8_000);
            c.onEvent(e -> {
                if (e instanceof Event.LeaderElected l && c.now() < FAULT_END_MS && r.nextInt(2) == 0) {
                    strikeLeader(l.leader(), crash, delay, length);
                }
            });
        }
        if (r.nextInt(4) == 0) {
            long length = 500 + r.nextLong(8_000);
            c.onEvent(e -> {
                if (e instanceof Event.AgentObeyed o && o.command().startsWith("promote") && c.now() < FAULT_END_MS
                        && r.nextInt(2) == 0) {
                    strikeAgent(o.node(), r.nextLong(300), length);
                }
            });
        }
        c.at(FAULT_END_MS, this::healAll);
    }

    private void strikeAgent(NodeId node, long delay, long length) {
        long at = c.now() + delay;
        if (at >= FAULT_END_MS) {
            return;
        }
        c.at(at, () -> c.crashAgent(node));
        c.at(Math.min(at + length, FAULT_END_MS), () -> c.restartAgent(node));
    }

    private void episode(int kind, long start, long end) {
        switch (kind) {
            case 0 -> c.at(start, () -> {
                NodeId p = c.answering() != null ? c.answering() : pickNode();
                if (victim == null && r.nextBoolean()) {
                    victim = p;
                }
                c.crashHost(p);
                if (!p.equals(victim)) {
                    c.at(end, () -> c.restartHost(p));
                }
            });
            case 1 -> {
                // SIGKILL, or systemd's SIGTERM: a primary's agent then hands over before it exits
                NodeId n = pickNode();
                boolean term = r.nextBoolean();
                c.at(start, () -> {
                    if (term) {
                        c.stopAgent(n);
                    } else {
                        c.crashAgent(n);
                    }
                });
                restartAgentOnceDown(n, end);
            }
            case 2 -> {
                WatcherId w = pickWatcher();
                boolean term = r.nextBoolean();
                c.at(start, () -> {
                    if (term) {
                        c.stopWatcher(w);
                    } else {
                        c.crashWatcher(w);
                    }
                });
                c.at(end, () -> c.restartWatcher(w));
            }
            case 3, 4 -> {
                String p = kind == 3 ? pickWatcher().value() : "agent-" + pickNode().value();
                long stop = Math.min(end, start + 500 + r.nextLong(6_000));
                frozen.add(p);
                c.at(start, () -> c.freeze(p));
                c.at(stop, () -> c.thaw(p));
            }
            case 5 -> {
                List<String> hosts = c.hosts();
                String h = hosts.get(r.nextInt(hosts.size()));
                List<String> rest = new ArrayList<>(hosts);
                rest.remove(h);
                c.at(start, () -> c.partition(List.of(h), rest));
                c.at(end, c::heal);
            }
            case 6 -> {
                List<String> a = new ArrayList<>();
                List<String> b = new ArrayList<>();
                for (String h : c.hosts()) {
                    (r.nextBoolean() ? a : b).add(h);
                }
                c.at(start, () -> c.partition(a, b));
                c.at(end, c::heal);
            }
            case 7 -> {
                List<String> hosts = c.hosts();
                int cuts = 1 + r.nextInt(3);
                for (int i = 0; i < cuts; i++) {
                    String from = hosts.get(r.nextInt(hosts.size()));
                    String to = hosts.get(r.nextInt(hosts.size()));
                    c.at(start, () -> c.cutOneWay(from, to));
                }
                c.at(end, c::heal);
            }
            case 8 -> {
                int[] levels = {5, 20, 40};
                int loss = levels[r.nextInt(levels.length)];
                c.at(start, () -> c.setLoss(loss));
                c.at(end, () -> c.setLoss(0));
            }
            case 9 -> {
                long max = r.nextBoolean() ? 300 : SimNetwork.MAX_DELAY_MS;
                c.at(start, () -> c.setDelay(1, max));
                c.at(end, () -> c.setDelay(1, 5));
            }
            case 10 -> {
                int dup = 10 + r.nextInt(30);
                c.at(start, () -> c.setDuplicates(dup));
                c.at(end, () -> c.setDuplicates(0));
            }
            case 11 -> {
                int fail = 10 + r.nextInt(40);
                int hang = r.nextInt(15);
                c.at(start, () -> c.setHookFaults(fail, hang));
                c.at(end, () -> c.setHookFaults(0, 0));
            }
            case 12 -> {
                WatcherId w = pickWatcher();
                c.at(start, () -> c.manualFailover(w, null));
            }
            case 13 -> c.at(start, () -> {
                // The primary's service fails: its agent still answers, "not serving".
                NodeId p = c.answering() != null ? c.answering() : pickNode();
                c.serviceFails(p, true);
                c.at(end, () -> c.serviceFails(p, false));
            });
            case 15 -> {
                // A replaced disk or a deleted state directory: one process of the seed loses its
                // state (a majority of watchers losing theirs at once is beyond repair, README).
                if (wiped) {
                    return;
                }
                wiped = true;
                if (r.nextBoolean()) {
                    WatcherId w = pickWatcher();
                    c.at(start, () -> c.wipeWatcher(w));
                } else {
                    NodeId n = pickNode();
                    c.at(start, () -> c.wipeAgent(n));
                }
            }
            case 16 -> {
                // A rolling restart (an upgrade): every process in turn, a second or two apart.
                List<String> order = new ArrayList<>();
                c.watcherIds().forEach(w -> order.add(w.value()));
                c.nodeIds().forEach(n -> order.add(n.value()));
                long at = start;
                for (String id : order) {
                    if (at >= FAULT_END_MS) {
                        break;
                    }
                    long down = 50 + r.nextLong(500);
                    c.at(at, () -> restartProcess(id, down));
                    at += down + 500 + r.nextLong(2_000);
                }
            }
            case 17 -> {
                // One host's cluster file edited (another failover-timeout: another fingerprint) and undone.
                List<String> ids = new ArrayList<>();
                c.watcherIds().forEach(w -> ids.add(w.value()));
                c.nodeIds().forEach(n -> ids.add(n.value()));
                String id = ids.get(r.nextInt(ids.size()));
                c.at(start, () -> c.restartWith(id, otherFile()));
                c.at(end, () -> c.restartWith(id, c.config));
            }
            case 18 -> c.at(start, () -> {
                // A reboot of a node's host, a few seconds long.
                NodeId n = pickNode();
                c.crashHost(n);
                if (!n.equals(victim)) {
                    c.at(Math.min(c.now() + 2_000 + r.nextLong(20_000), FAULT_END_MS), () -> c.restartHost(n));
                }
            });
            default -> c.at(start, () -> {
                // The primary cut off from every watcher, still reachable by its clients.
                NodeId p = c.answering() != null ? c.answering() : pickNode();
                List<String> watcherHosts = new ArrayList<>();
                for (WatcherId w : c.watcherIds()) {
                    if (!c.hostOf(w).equals(p.value())) {
                        watcherHosts.add(c.hostOf(w));
                    }
                }
                c.partition(List.of(p.value()), watcherHosts);
                c.at(end, c::heal);
            });
        }
    }

    private void strikeLeader(WatcherId leader, boolean crash, long delay, long length) {
        long at = c.now() + delay;
        if (at >= FAULT_END_MS) {
            return;
        }
        c.at(at, () -> {
            if (crash) {
                c.crashWatcher(leader);
            } else {
                c.freeze(leader.value());
            }
        });
        c.at(Math.min(at + length, FAULT_END_MS), () -> {
            if (crash) {
                c.restartWatcher(leader);
            } else {
                c.thaw(leader.value());
            }
        });
    }

    private void healAll() {
        c.heal();
        c.setLoss(0);
        c.setDelay(1, 5);
        c.setDuplicates(0);
        c.setHookFaults(0, 0);
        for (WatcherId w : c.watcherIds()) {
            c.thaw(w.value());
        }
        for (NodeId n : c.nodeIds()) {
            c.serviceFails(n, false);
            c.thaw("agent-" + n.value());
            if (!n.equals(victim)) {
                c.restartHost(n);
                restartAgentOnceDown(n, c.now());
            }
        }
        for (WatcherId w : c.watcherIds()) {
            c.restartWatcher(w);
        }
    }

    /** {@code systemctl restart}: SIGTERM, and a start again {@code downMs} after the process has exited. */
    private void restartProcess(String id, long downMs) {
        for (WatcherId w : c.watcherIds()) {
            if (w.value().equals(id)) {
                c.stopWatcher(w);
                c.at(c.now() + downMs, () -> c.restartWatcher(w));
                return;
            }
        }
        NodeId n = new NodeId(id);
        c.stopAgent(n);
        restartAgentOnceDown(n, c.now() + downMs);
    }

    /** Starts the agent at {@code at}, or as soon after as a stop that is still handing over has ended. */
    private void restartAgentOnceDown(NodeId n, long at) {
        c.at(at, () -> {
            if (c.agentUp(n) && c.now() < FAULT_END_MS + SimStop.STOP_TIMEOUT_MS + SimCluster.HOOK_TIMEOUT_MS) {
                restartAgentOnceDown(n, c.now() + 250);
            } else {
                c.restartAgent(n);
            }
        });
    }

    /** The cluster file with another failover-timeout: the same safety bounds, another fingerprint. */
    private dev.vigil.config.ClusterConfig otherFile() {
        var g = c.group;
        var t = g.timings();
        var other = new dev.vigil.config.Timings(t.probeIntervalMs(), t.probeTimeoutMs(), t.reprobeIntervalMs(),
                t.downAfterMs(), t.fenceAfterMs(), t.failoverTimeoutMs() + 1_000);
        return new dev.vigil.config.ClusterConfig(c.config.watchers(),
                List.of(new dev.vigil.config.GroupConfig(g.id(), g.nodes(), g.initialPrimary(), other, g.quorum())));
    }

    private NodeId pickNode() {
        List<NodeId> nodes = c.nodeIds();
        return nodes.get(r.nextInt(nodes.size()));
    }

    private WatcherId pickWatcher() {
        List<WatcherId> ws = c.watcherIds();
        return ws.get(r.nextInt(ws.size()));
    }
}
