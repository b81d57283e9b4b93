package dev.vigil.sim;

import dev.vigil.config.ClusterConfig;
import dev.vigil.config.GroupConfig;
import dev.vigil.core.Event;
import dev.vigil.core.EventSink;
import dev.vigil.core.NodeId;
import dev.vigil.core.WatcherId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The safety invariants of DESIGN.md "Guarantees to prove", checked as each event is emitted and
 * after every step: one leader per (group, term); one granted vote per watcher per (group, term),
 * across restarts; one primary per config epoch; config epochs only grow; no election without
 * ODOWN backed by real SDOWNs (or a manual request); no agent obeys a term below one it obeyed;
 * never two live holders of the IP for longer than the fencing bound. Keeps the last events as
 * a trace for the report. The first violation wins; the run stops at it.
 */
final class Invariants implements EventSink {
    record Violation(String invariant, String detail, long at) {}

    private static final int TRACE = 400;

    private final SimWorld world;
    private final ClusterConfig cluster;
    private final long reportWindowMs;
    private final Map<String, WatcherId> leaders = new HashMap<>();
    private final Map<String, WatcherId> votes = new HashMap<>();
    private final Map<String, NodeId> epochPrimary = new HashMap<>();
    private final Map<WatcherId, Long> epochOf = new HashMap<>();
    private final Map<String, Long> obeyed = new HashMap<>();
    private final Map<WatcherId, Long> sdownSince = new HashMap<>();
    private final Map<WatcherId, Long> sdownClearedAt = new HashMap<>();
    private final Object[] trace = new Object[TRACE];
    private int traced;
    private Violation violation;
    private long overlapSince = -1;
    Consumer<Event> listener = e -> {};
    int failovers;

    Invariants(SimWorld world, ClusterConfig cluster) {
        this.world = world;
        this.cluster = cluster;
        GroupConfig g = cluster.groups().get(0);
        // A report lives reportTtl after it is received, and may have spent the network's
        // longest delay in flight.
        this.reportWindowMs = g.timings().reportTtlMs() + SimNetwork.MAX_DELAY_MS + g.timings().probeIntervalMs();
    }

    Violation violation() {
        return violation;
    }

    void fail(String invariant, String detail) {
        if (violation == null) {
            violation = new Violation(invariant, detail, world.now());
            note("VIOLATION " + invariant + ": " + detail);
        }
    }

    void note(String s) {
        trace[traced++ % TRACE] = "t=" + world.now() + " " + s;
    }

    /** An event as the trace keeps it: with the virtual time, since its own stamp is on its host's clock. */
    private record Traced(long at, Event event) {}

    @Override
    public void emit(Event e) {
        trace[traced++ % TRACE] = new Traced(world.now(), e);
        check(e);
        listener.accept(e);
    }

    private void check(Event e) {
        if (e instanceof Event.LeaderElected l) {
            WatcherId prev = leaders.putIfAbsent(l.group() + "/" + l.term(), l.leader());
            if (prev != null && !prev.equals(l.leader())) {
                fail("one leader per term", "term " + l.term() + " has leaders " + prev + " and " + l.leader());
            }
        } else if (e instanceof Event.VoteGranted v) {
            WatcherId prev = votes.putIfAbsent(v.group() + "/" + v.term() + "/" + v.voter(), v.candidate());
            if (prev != null && !prev.equals(v.candidate())) {
                fail("one vote per watcher per term", v.voter() + " voted for " + prev + " and " + v.candidate()
                        + " in term " + v.term());
            }
        } else if (e instanceof Event.EpochAdopted a) {
            Long prev = epochOf.put(a.watcher(), a.epoch());
            if (prev != null && a.epoch() <= prev) {
                fail("config epochs only grow", a.watcher() + " went from epoch " + prev + " to " + a.epoch());
            }
            primaryOf(a.group() + "/" + a.epoch(), a.primary());
        } else if (e instanceof Event.AgentObeyed o) {
            String key = o.node() + "/" + o.group();
            Long prev = obeyed.get(key);
            if (prev != null && o.term() < prev) {
                fail("agents never obey a lower term", o.node() + " obeyed term " + o.term() + " after " + prev);
            }
            obeyed.put(key, prev == null ? o.term() : Math.max(prev, o.term()));
            if (o.command().startsWith("promote")) {
                primaryOf(o.group() + "/" + o.term(), o.node());
            }
        } else if (e instanceof Event.SdownChanged s) {
            if (s.down()) {
                sdownSince.put(s.watcher(), world.now());
            } else {
                sdownSince.remove(s.watcher());
                sdownClearedAt.put(s.watcher(), world.now());
            }
        } else if (e instanceof Event.ElectionStarted s) {
            if (s.cause().equals("odown")) {
                checkOdown(s);
            }
        } else if (e instanceof Event.FailoverCompleted) {
            failovers++;
        }
    }

    private void checkOdown(Event.ElectionStarted s) {
        var backers = new HashSet<>(s.downReports());
        backers.add(s.candidate());
        int quorum = cluster.group(s.group()).orElseThrow().quorum();
        if (backers.size() < quorum) {
            fail("no failover without ODOWN", s.candidate() + " started term " + s.term() + " with " + backers.size()
                    + " SDOWN reports, quorum " + quorum);
            return;
        }
        for (WatcherId w : backers) {
            Long cleared = sdownClearedAt.get(w);
            boolean down = sdownSince.containsKey(w) || (cleared != null && world.now() - cleared <= reportWindowMs);
            if (!down) {
                fail("no failover without ODOWN", s.candidate() + " counted " + w
                        + "'s SDOWN report in term " + s.term() + " but " + w + " was not in SDOWN");
                return;
            }
        }
    }

    private void primaryOf(String groupEpoch, NodeId node) {
        NodeId prev = epochPrimary.putIfAbsent(groupEpoch, node);
        if (prev != null && !prev.equals(node)) {
            fail("one primary per config epoch", "epoch " + groupEpoch + " names " + prev + " and " + node);
        }
    }

    /**
     * A watcher lost its state: it may vote again in a term whose election ended without a
     * leader (nothing on disk says it voted there), never in one that elected one; the one-leader
     * invariant keeps checking the latter. Its earlier votes stop binding it, and it adopts the
     * epoch it had again (one primary per epoch still holds).
     */
    void stateLost(WatcherId w) {
        votes.keySet().removeIf(k -> k.endsWith("/" + w.value()));
        epochOf.remove(w);
    }

    void watcherCrashed(WatcherId w) {
        if (sdownSince.remove(w) != null) {
            sdownClearedAt.put(w, world.now());
        }
    }

    /** After every step: live holders of the IP, and how long two or more have overlapped. */
    void checkHolders(int liveHolders, long boundMs, String who) {
        if (liveHolders < 2) {
            overlapSince = -1;
            return;
        }
        if (overlapSince < 0) {
            overlapSince = world.now();
            note("IP held by " + who);
        } else if (world.now() - overlapSince > boundMs) {
            fail("never two live holders beyond the fencing bound",
                    "IP held by " + who + " for " + (world.now() - overlapSince) + " ms > " + boundMs + " ms");
        }
    }

    List<String> trace(int last) {
        List<String> out = new ArrayList<>();
        int n = Math.min(last, Math.min(traced, TRACE));
        for (int i = traced - n; i < traced; i++) {
            Object o = trace[i % TRACE];
            out.add(o instanceof Traced t ? "t=" + t.at + " " + t.event.describe() : String.valueOf(o));
        }
        return out;
    }
}
