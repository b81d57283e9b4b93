package dev.vigil.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.ClusterConfig;
import dev.vigil.config.GroupConfig;
import dev.vigil.config.Timings;
import dev.vigil.core.Event;
import dev.vigil.core.Fingerprints;
import dev.vigil.core.NodeId;
import dev.vigil.core.WatcherId;
import dev.vigil.transport.VoteReply;
import dev.vigil.transport.VoteRequest;
import dev.vigil.watcher.GroupStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Hosts on different cluster files (DESIGN.md, "One configuration"; README, "Changing the
 * watcher set"): a watcher refuses the vote and ignores the SDOWN of a peer whose config
 * fingerprint differs, says so once and counts it; the one-watcher-at-a-time procedure keeps one
 * leader per term through a rolling 3 → 4 → 5 → 4 → 3, while 3 → 5 in one step does not.
 */
class ConfigChangeTest {
    private static final NodeId N1 = new NodeId("n1");
    private static final WatcherId W1 = new WatcherId("w1");
    private static final WatcherId W2 = new WatcherId("w2");
    private static final WatcherId W3 = new WatcherId("w3");

    private final List<Event> events = new ArrayList<>();

    private SimCluster cluster(long seed, int watchers, int spares) {
        SimCluster c = new SimCluster(seed, SimCluster.Options.of(watchers), spares);
        c.onEvent(events::add);
        c.runUntil(3_000);
        assertEquals(List.of(N1), c.ipHolders(), "n1 holds the IP once a majority probes it");
        return c;
    }

    /** The same watchers and group, one timing changed: another fingerprint. */
    private static ClusterConfig otherTimings(ClusterConfig c) {
        GroupConfig g = c.groups().get(0);
        Timings t = g.timings();
        var changed = new Timings(t.probeIntervalMs(), t.probeTimeoutMs(), t.reprobeIntervalMs(), t.downAfterMs(),
                t.fenceAfterMs(), t.failoverTimeoutMs() + 1_000);
        return new ClusterConfig(c.watchers(), List.of(new GroupConfig(g.id(), g.nodes(), g.initialPrimary(), changed,
                g.quorum())));
    }

    private <E extends Event> List<E> events(Class<E> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static void assertSafe(SimCluster c) {
        assertNull(c.violation(), () -> "invariant violated: " + c.violation() + "\n" + String.join("\n", c.trace(80)));
    }

    @Test
    void aVoteRequestUnderAnotherFingerprintIsRefusedNamingBothAndCounted() {
        SimCluster c = cluster(1, 3, 0);
        c.partition(List.of("w1"), List.of("w2", "w3"));
        c.partition(List.of("w2"), List.of("w3"));
        c.crashHost(N1);
        c.runFor(5_500); // w3 has had no reply for longer than fence-after: it would grant a vote
        String mine = c.config.fingerprint(SimCluster.GROUP);
        String theirs = otherTimings(c.config).fingerprint(SimCluster.GROUP);
        long term = c.status(W3).term() + 10;

        VoteReply first = c.watcher(W3).onRequestVote(new VoteRequest(SimCluster.GROUP, W1, term, 0, false, null, theirs));
        VoteReply second = c.watcher(W3).onRequestVote(new VoteRequest(SimCluster.GROUP, W1, term + 1, 0, false, null, theirs));

        assertFalse(first.granted());
        assertEquals("config fingerprint " + theirs + " differs from mine " + mine, first.reason());
        assertEquals(mine, first.fingerprint(), "the refusal says which file the voter runs");
        assertFalse(second.granted());
        var logged = events(Event.ConfigMismatch.class).stream().filter(e -> e.host().equals("w3")).toList();
        assertEquals(1, logged.size(), "logged once, not per message: " + logged);
        assertEquals(theirs, logged.get(0).theirs());
        assertEquals(mine, logged.get(0).mine());
        assertEquals("w1", logged.get(0).peer());
        GroupStatus s = c.status(W3);
        assertEquals(mine, s.fingerprint());
        assertEquals(List.of(new Fingerprints.Peer("watcher", "w1", theirs, 2)), s.configPeers(), "counted every one");
        assertSafe(c);

        VoteReply same = c.watcher(W3).onRequestVote(new VoteRequest(SimCluster.GROUP, W1, term + 2, 0, false, null, mine));
        assertTrue(same.granted(), same.reason());
        assertEquals(1, events(Event.ConfigAgreed.class).size(), "agreeing again is logged once too");
    }

    /**
     * w1 hears only w3, which runs another file. Without fingerprints w3's SDOWN makes w1's ODOWN
     * (quorum 2) and w3's vote makes w1 leader: a failover decided under two files.
     */
    @Test
    void anSdownReportUnderAnotherFingerprintDoesNotCountTowardOdown() {
        SimCluster c = cluster(2, 3, 0);
        c.restartWith("w3", otherTimings(c.config));
        c.runFor(3_000);
        c.partition(List.of("w1"), List.of("w2"));
        c.partition(List.of("w2"), List.of("w3"));
        c.crashHost(N1);
        c.runFor(20_000);

        assertSafe(c);
        assertTrue(events(Event.SdownChanged.class).stream().anyMatch(e -> e.watcher().equals(W1) && e.down()));
        assertTrue(events(Event.SdownChanged.class).stream().anyMatch(e -> e.watcher().equals(W3) && e.down()));
        assertTrue(events(Event.OdownChanged.class).stream().noneMatch(Event.OdownChanged::down),
                "no watcher has a second SDOWN under its own file: " + events(Event.OdownChanged.class));
        assertEquals(0, c.failovers());
        assertTrue(c.status(W1).configPeers().stream().anyMatch(p -> p.id().equals("w3") && p.mismatched() > 0));
    }

    /**
     * A 3 → 5 change where one host kept the old file: w1 runs 3 watchers (2 votes win), w2..w5
     * run 5 (3 win). Cut {w1, w2} from {w3, w4, w5} and crash the primary. Without fingerprints
     * w2's SDOWN gives w1 its ODOWN, w2 grants w1's request, and w3 leads the other side: two
     * leaders in term 1. With them, w1 counts neither w2's SDOWN nor its vote, and only the
     * five-watcher side can elect. (The standby is cut off from every watcher, so that neither side
     * learns of the other's failover before it elects.)
     */
    @Test
    void aHostOnAStaleFileCannotHelpElectASecondLeader() {
        SimCluster c = cluster(3, 3, 2);
        ClusterConfig five = c.config(5);
        for (String id : List.of("w4", "w5", "n1", "n2", "w2", "w3")) {
            c.restartWith(id, five);
            c.runFor(2_000);
        }
        c.partition(List.of("w1", "w2"), List.of("w3", "w4", "w5"));
        // n2 cut off too, so no side finishes a failover that the other would learn of first
        c.partition(List.of("w1", "w2", "w3", "w4", "w5"), List.of(c.status(W1).primary().equals(N1) ? "n2" : "n1"));
        c.crashHost(c.status(W1).primary());
        c.runFor(30_000);

        assertSafe(c);
        assertTrue(events(Event.LeaderElected.class).stream().noneMatch(e -> e.leader().equals(W1)),
                "w1 won with a vote from another file: " + events(Event.LeaderElected.class));
        assertTrue(events(Event.ConfigMismatch.class).stream().anyMatch(e -> e.host().equals("w1")
                && e.peer().equals("w2")), "w1 says w2 runs another file");
        assertEquals(List.of(W3), events(Event.LeaderElected.class).stream().map(Event.LeaderElected::leader).distinct()
                .toList(),
                "the five-watcher side elects");
    }

    /**
     * Why the README says never 3 → 5 in one step: once w3 has the new file, {w1, w2} are a
     * majority of three and {w3, w4, w5} one of five, with no watcher in common. Fingerprints
     * cannot help: each side agrees with itself. (w4 and w5 were members once and kept their
     * state: new ones would first have to hear from three other watchers, which w1 and w2 on
     * the old file do not answer.)
     */
    @Test
    void threeToFiveInOneStepCanElectTwoLeadersInOneTerm() {
        Invariants.Violation first = null;
        for (long seed = 1; seed <= 20 && first == null; seed++) {
            first = threeToFiveInOneStep(seed);
        }
        assertNotNull(first, "two disjoint majorities in one of 20 seeds");
        assertEquals("one leader per term", first.invariant());
    }

    private Invariants.Violation threeToFiveInOneStep(long seed) {
        SimCluster c = cluster(seed, 3, 2);
        c.ranBefore(new dev.vigil.core.WatcherId("w4"));
        c.ranBefore(new dev.vigil.core.WatcherId("w5"));
        ClusterConfig five = c.config(5);
        for (String id : List.of("w4", "w5", "n1", "n2", "w3")) {
            c.restartWith(id, five);
            c.runFor(2_000);
        }
        c.partition(List.of("w1", "w2"), List.of("w3", "w4", "w5"));
        c.runFor(10_000); // the restarted watchers' failover-timeout cool-down passes: both sides are at one term
        c.crashHost(c.status(W1).primary());
        c.runFor(30_000);
        return c.violation();
    }

    /**
     * The procedure, over many seeds: 3 → 4 → 5 → 4 → 3, one watcher per step; within a step
     * every agent and watcher restarts with the new file in a random order, while watchers are
     * partitioned at random and the primary's host may crash. Between steps every process runs
     * the new file (what `vigil status` shows before the next step). Every invariant holds
     * throughout, and at the end the cluster still fails over.
     */
    @Test
    void growingAndShrinkingOneWatcherAtATimeKeepsOneLeaderPerTerm() {
        int seeds = Integer.getInteger("vigil.sim.configSeeds", 300);
        int failovers = 0;
        for (long seed = 1; seed <= seeds; seed++) {
            var rnd = new SplittableRandom(seed * 7919);
            SimCluster c = new SimCluster(seed, SimCluster.Options.of(3), 2);
            c.runUntil(3_000);
            int n = 3;
            for (int to : new int[] {4, 5, 4, 3}) {
                ClusterConfig file = c.config(to);
                List<String> order = new ArrayList<>(List.of("n1", "n2"));
                for (int i = 1; i <= Math.max(n, to); i++) {
                    order.add("w" + i);
                }
                shuffle(order, rnd);
                for (String id : order) {
                    chaos(c, rnd, Math.max(n, to));
                    c.restartWith(id, file);
                    c.runFor(500 + rnd.nextLong(4_000));
                    assertSafe(c, seed);
                }
                settle(c);
                assertSafe(c, seed);
                for (int i = 1; i <= to; i++) {
                    GroupStatus s = c.status(new WatcherId("w" + i));
                    assertNotNull(s, "seed " + seed + ": w" + i + " runs");
                    assertEquals(file.fingerprint(SimCluster.GROUP), s.fingerprint(), "seed " + seed);
                }
                n = to;
            }
            int before = c.failovers();
            NodeId primary = c.status(W1).primary();
            c.crashHost(primary);
            c.runFor(30_000);
            assertSafe(c, seed);
            assertTrue(c.failovers() > before, "seed " + seed + ": three watchers again fail " + primary + " over");
            failovers += c.failovers();
        }
        assertTrue(failovers > seeds, "faults during the rollouts caused failovers too: " + failovers);
    }

    private static void chaos(SimCluster c, SplittableRandom rnd, int watchers) {
        int roll = rnd.nextInt(10);
        if (roll < 3) {
            List<String> a = new ArrayList<>();
            List<String> b = new ArrayList<>();
            for (int i = 1; i <= watchers; i++) {
                (rnd.nextBoolean() ? a : b).add("w" + i);
            }
            c.heal();
            c.partition(a, b);
        } else if (roll < 5) {
            c.heal();
        } else if (roll == 5) {
            for (NodeId node : c.nodeIds()) {
                if (!c.hostUp(node)) {
                    c.restartHost(node);
                }
            }
            GroupStatus s = c.status(W1) != null ? c.status(W1) : c.status(W2);
            if (s != null && c.nodeIds().stream().allMatch(c::hostUp)) {
                c.crashHost(s.primary());
            }
        }
    }

    /** Faults stop; every host is up again, and the cluster agrees on its primary. */
    private static void settle(SimCluster c) {
        c.heal();
        for (NodeId node : c.nodeIds()) {
            c.restartHost(node);
        }
        c.runFor(30_000);
    }

    private static void shuffle(List<String> l, SplittableRandom rnd) {
        for (int i = l.size() - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            l.set(i, l.set(j, l.get(i)));
        }
    }

    private static void assertSafe(SimCluster c, long seed) {
        assertNull(c.violation(), () -> "seed " + seed + ": " + c.violation() + "\n" + String.join("\n", c.trace(80)));
    }
}
