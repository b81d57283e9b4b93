package dev.vigil.sim;

import dev.vigil.core.NodeId;
import dev.vigil.core.WatcherId;
import dev.vigil.transport.Hello;
import dev.vigil.transport.ProbeReply;
import dev.vigil.transport.ProbeRequest;
import dev.vigil.transport.VoteReply;
import dev.vigil.transport.VoteRequest;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The safety invariants checked on what crosses the simulated network, not on the events the
 * protocol emits about itself (those only fill the trace). {@link SimCluster} reports each
 * message as it is sent or handled: votes are the granted replies voters send; a leader is
 * whoever sends Promote or Release in a term, and must hold a majority of those replies; an
 * election is backed by the SDOWN reports its candidate has handled; terms, epochs and fencing
 * tokens are what watchers gossip and agents answer; a watcher known to have stalled is silent
 * (no SDOWN report, vote, candidacy or command) for its TILT; and an agent acquires only when no
 * other live holder keeps a lease by the acks its watchers delivered.
 */
final class Wire {
    /** The best ack a watcher delivered to one incarnation of an agent, by the lease's own order. */
    private record Ack(long stamp, long vouchTerm, boolean namesIt) {}

    /** A report a watcher handled: from whom, whether it said SDOWN, of which epoch, when. */
    private record Report(boolean sdown, long epoch, long at) {}

    private final Invariants inv;
    private final SimWorld world;
    private final Map<String, WatcherId> votes = new HashMap<>();
    private final Map<String, Set<WatcherId>> grants = new HashMap<>();
    private final Map<Long, WatcherId> leaders = new HashMap<>();
    private final Map<Long, NodeId> promoted = new HashMap<>();
    private final Set<Long> forced = new HashSet<>();
    private final Map<String, Report> reports = new HashMap<>();
    private final Map<WatcherId, Hello> lastSent = new HashMap<>();
    private final Map<WatcherId, long[]> watcherHigh = new HashMap<>();
    private final Map<NodeId, long[]> agentHigh = new HashMap<>();
    private final Map<String, Ack> acks = new HashMap<>();
    private final Map<WatcherId, Long> frozenAt = new HashMap<>();
    private final Map<NodeId, long[]> promotedAt = new HashMap<>();
    private final Map<WatcherId, Long> tiltUntil = new HashMap<>();

    Wire(Invariants inv, SimWorld world) {
        this.inv = inv;
        this.world = world;
    }

    // ---- watchers -------------------------------------------------------------------------

    /** A Hello leaves {@code from}: a push, an IsPrimaryDown request, or the view a peer answers with. */
    void helloSent(WatcherId from, Hello h) {
        lastSent.put(from, h);
        if (h.sdown()) {
            silentInTilt(from, "sent an SDOWN report");
        }
        grows(watcherHigh, from.value(), from, h.term(), h.configEpoch(), "watchers' terms and epochs only grow");
    }

    /** {@code to} handled a Hello: its SDOWN report counts there from now on. */
    void helloHandled(WatcherId to, Hello h) {
        reports.put(to + "<" + h.from(), new Report(h.sdown(), h.configEpoch(), world.now()));
    }

    /** An election's vote request leaves its candidate: it needs ODOWN, backed by reports it handled. */
    void voteRequested(WatcherId candidate, VoteRequest r, int quorum, long reportTtlMs, Iterable<WatcherId> peers) {
        silentInTilt(candidate, "asked for votes in term " + r.term());
        if (r.manual()) {
            return;
        }
        Hello own = lastSent.get(candidate);
        if (own == null || !own.sdown() || own.configEpoch() != r.configEpoch()) {
            inv.fail("no failover without ODOWN", candidate + " asked for votes in term " + r.term()
                    + " but its last Hello did not report SDOWN of epoch " + r.configEpoch());
            return;
        }
        int backers = 1;
        for (WatcherId p : peers) {
            Report rep = reports.get(candidate + "<" + p);
            if (rep != null && rep.sdown && rep.epoch == r.configEpoch() && world.now() - rep.at <= reportTtlMs) {
                backers++;
            }
        }
        if (backers < quorum) {
            inv.fail("no failover without ODOWN", candidate + " asked for votes in term " + r.term() + " with "
                    + backers + " fresh SDOWN reports of epoch " + r.configEpoch() + ", quorum " + quorum);
        }
    }

    /** A voter's answer leaves it. */
    void voteAnswered(VoteRequest r, VoteReply reply) {
        if (!reply.granted()) {
            return;
        }
        silentInTilt(reply.voter(), "granted a vote in term " + r.term());
        WatcherId prev = votes.putIfAbsent(r.term() + "/" + reply.voter(), r.candidate());
        if (prev != null && !prev.equals(r.candidate())) {
            inv.fail("one vote per watcher per term", reply.voter() + " granted " + prev + " and " + r.candidate()
                    + " in term " + r.term());
        }
        grants.computeIfAbsent(r.term() + "/" + r.candidate(), k -> new HashSet<>()).add(reply.voter());
    }

    /** An operator's --force in {@code term}: a leader without an election, by design. */
    void forced(long term) {
        forced.add(term);
    }

    /** A Promote or Release leaves {@code leader}: it is the one leader of {@code term}, elected by a majority. */
    void commandSent(WatcherId leader, long term, NodeId node, boolean promote, int votesNeeded) {
        silentInTilt(leader, (promote ? "sent Promote" : "sent Release") + " in term " + term);
        WatcherId prev = leaders.putIfAbsent(term, leader);
        if (prev != null && !prev.equals(leader)) {
            inv.fail("one leader per term", "term " + term + " has leaders " + prev + " and " + leader
                    + " (both sent commands)");
        }
        int votes = 1 + grants.getOrDefault(term + "/" + leader, Set.of()).size();
        if (votes < votesNeeded && !forced.contains(term)) {
            inv.fail("a leader holds a majority", leader + " sent commands in term " + term + " with " + votes
                    + " granted votes on the wire, " + votesNeeded + " needed");
        }
        if (promote) {
            NodeId p = promoted.putIfAbsent(term, node);
            if (p != null && !p.equals(node)) {
                inv.fail("one primary per config epoch", "term " + term + " promoted " + p + " and " + node);
            }
        }
    }

    /** SIGSTOP and SIGCONT of a watcher: a stall longer than {@code stallMs} is TILT for {@code tiltMs}. */
    void frozen(WatcherId w) {
        frozenAt.put(w, world.now());
    }

    void thawed(WatcherId w, long stallMs, long tiltMs) {
        Long at = frozenAt.remove(w);
        if (at != null && world.now() - at > stallMs) {
            tiltUntil.put(w, world.now() + tiltMs);
        }
    }

    /** The watcher's process ended: a new one starts without the stall, so without TILT. */
    void watcherEnded(WatcherId w) {
        frozenAt.remove(w);
        tiltUntil.remove(w);
    }

    private void silentInTilt(WatcherId w, String what) {
        Long until = tiltUntil.get(w);
        if (until != null && world.now() < until) {
            inv.fail("no SDOWN report, vote or failover in TILT", w + " " + what + " " + (until - world.now())
                    + " ms before its TILT could end");
        }
    }

    // ---- agents ---------------------------------------------------------------------------

    /** {@code node}'s agent handled a probe: its ack counts toward that incarnation's lease, as the agent counts it. */
    void probeHandled(NodeId node, ProbeRequest r) {
        String key = node + "/" + r.ackIncarnation() + "/" + r.watcher();
        Ack old = acks.get(key);
        if (old == null || r.ackStamp() > old.stamp || (r.ackStamp() == old.stamp && r.vouchTerm() > old.vouchTerm)) {
            acks.put(key, new Ack(r.ackStamp(), r.vouchTerm(), node.equals(r.primary())));
        }
    }

    /** {@code node}'s agent handled a Promote: the first of a term opens its window for older vouches, as Lease does. */
    void promoteHandled(NodeId node, long term, long windowMs) {
        long[] p = promotedAt.computeIfAbsent(node, n -> new long[] {0, Long.MIN_VALUE});
        if (term > p[0]) {
            p[0] = term;
            p[1] = world.now() + windowMs;
        }
    }

    /** An agent's probe reply leaves it: its epoch and fencing token never go back. */
    void probeAnswered(ProbeReply r) {
        grows(agentHigh, r.node().value(), r.node(), r.highestTerm(), r.configEpoch(),
                "agents' fencing tokens and epochs only grow");
    }

    /**
     * Whether {@code holder}'s incarnation still has a lease by the acks delivered to it: the
     * number of watchers whose best ack is within {@code fenceAfterMs} of its clock and vouches
     * with its epoch, or with an older term when it names the holder primary or in the window the
     * holder's last Promote opened.
     */
    int leaseOf(NodeId holder, long incarnation, long clock, long epoch, long fenceAfterMs, Iterable<WatcherId> ws) {
        long[] p = promotedAt.getOrDefault(holder, new long[] {0, Long.MIN_VALUE});
        boolean older = world.now() < p[1];
        int live = 0;
        for (WatcherId w : ws) {
            Ack a = acks.get(holder + "/" + incarnation + "/" + w);
            if (a != null && clock - a.stamp <= fenceAfterMs
                    && (a.vouchTerm == epoch || (a.vouchTerm < epoch && (a.namesIt || older)))) {
                live++;
            }
        }
        return live;
    }

    /** A watcher or agent lost its state directory: what it said before binds it no more. */
    void stateLost(String process) {
        votes.keySet().removeIf(k -> k.endsWith("/" + process));
        watcherHigh.remove(new WatcherId(process));
        agentHigh.keySet().removeIf(n -> n.value().equals(process));
    }

    private <K> void grows(Map<K, long[]> high, String who, K key, long term, long epoch, String invariant) {
        long[] h = high.computeIfAbsent(key, k -> new long[] {term, epoch});
        if (term < h[0] || epoch < h[1]) {
            inv.fail(invariant, who + " went from term " + h[0] + ", epoch " + h[1] + " to term " + term + ", epoch "
                    + epoch);
        }
        h[0] = Math.max(h[0], term);
        h[1] = Math.max(h[1], epoch);
    }
}
