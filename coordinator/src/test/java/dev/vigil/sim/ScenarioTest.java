package dev.vigil.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.Timings;
import dev.vigil.core.Event;
import dev.vigil.core.NodeId;
import dev.vigil.core.WatcherId;
import dev.vigil.transport.AgentReply;
import dev.vigil.transport.PromoteRequest;
import dev.vigil.transport.VoteReply;
import dev.vigil.transport.VoteRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The classic failover cases, each scripted on a simulated cluster (3 watchers on their own
 * hosts, nodes n1 = initial primary and n2, default timings). Every run also passes the
 * simulator's safety invariants after every step.
 */
class ScenarioTest {
    private static final NodeId N1 = new NodeId("n1");
    private static final NodeId N2 = new NodeId("n2");
    private static final WatcherId W1 = new WatcherId("w1");
    private static final WatcherId W2 = new WatcherId("w2");
    private static final WatcherId W3 = new WatcherId("w3");
    private static final Timings T = Timings.defaults();

    private final List<Event> events = new ArrayList<>();
    /** When each event happened in virtual time: its own stamp is on its host's clock. */
    private final java.util.Map<Event, Long> happenedAt = new java.util.IdentityHashMap<>();

    private SimCluster cluster(long seed) {
        SimCluster c = new SimCluster(seed, SimCluster.Options.of(3));
        c.onEvent(e -> {
            events.add(e);
            happenedAt.put(e, c.now());
        });
        c.runUntil(3_000);
        assertEquals(List.of(N1), c.ipHolders(), "n1 holds the IP once a majority probes it");
        return c;
    }

    private <E extends Event> List<E> events(Class<E> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static void assertSafe(SimCluster c) {
        assertNull(c.violation(), () -> "invariant violated: " + c.violation() + "\n" + String.join("\n", c.trace(60)));
    }

    private long ipAcquiredAt(NodeId node) {
        return events(Event.IpChanged.class).stream().filter(e -> e.node().equals(node) && e.held())
                .mapToLong(happenedAt::get).max().orElse(-1);
    }

    @Test
    void primaryCrashGivesExactlyOneFailoverWithinTheDetectionWindow() {
        SimCluster c = cluster(1);
        long crashAt = c.now();
        c.crashHost(N1);
        c.runFor(30_000);

        assertSafe(c);
        var done = events(Event.FailoverCompleted.class);
        assertEquals(1, done.size(), "exactly one failover");
        assertEquals(N2, done.get(0).newPrimary());
        assertEquals(List.of(N2), c.ipHolders());
        for (WatcherId w : c.watcherIds()) {
            assertEquals(N2, c.status(w).primary(), w + " names n2 primary");
        }
        long took = ipAcquiredAt(N2) - crashAt;
        // The last valid reply may predate the crash by up to a probe interval.
        assertTrue(took <= T.downAfterMs() + T.probeIntervalMs() + 500, "standby answered " + took + " ms after the crash");
        assertEquals(1, events(Event.LeaderElected.class).size(), "one election sufficed");
        var notified = c.leaderHooks.stream().filter(h -> h.kind() == dev.vigil.failover.HookKind.NOTIFY).toList();
        assertEquals(1, notified.size(), "the leader runs the notify hook once: " + c.leaderHooks);
        assertEquals(N1, notified.get(0).oldPrimary());
        assertEquals(N2, notified.get(0).newPrimary());
    }

    @Test
    void aStandbyWhoseHostRebootedTakesTheIpWhenThePrimaryDies() {
        SimCluster c = cluster(4);
        long before = c.clockOf("n2");
        c.crashHost(N2);
        c.runFor(5_000);
        c.restartHost(N2); // its clock starts again near 0, far below what the watchers acked
        assertTrue(c.clockOf("n2") < before, "precondition: n2's clock went back");
        c.runFor(10_000);
        long crashAt = c.now();
        c.crashHost(N1);
        c.runFor(30_000);

        assertSafe(c);
        assertEquals(List.of(N2), c.ipHolders(), "the rebooted standby took over");
        assertTrue(ipAcquiredAt(N2) - crashAt <= T.downAfterMs() + T.probeIntervalMs() + 500,
                "n2 answered " + (ipAcquiredAt(N2) - crashAt) + " ms after the crash");
    }

    @Test
    void aSwitchoverToADeadStandbyIsRefusedBeforeThePrimaryIsTouched() {
        SimCluster c = cluster(5);
        events.clear(); // the start-up's releases are not the switchover's
        c.crashAgent(N2);
        c.runFor(3_000); // well within down-after: n2 would still count as healthy until 5 s

        assertFalse(c.manualFailover(W1, null), "no standby answers");
        assertFalse(c.manualFailover(W1, N2), "n2 does not answer");
        c.runFor(15_000);

        assertSafe(c);
        assertEquals(List.of(N1), c.ipHolders());
        assertTrue(events(Event.IpChanged.class).stream().noneMatch(e -> e.node().equals(N1) && !e.held()),
                "the healthy primary never let go");
        assertEquals(0, events(Event.ElectionStarted.class).size());
        assertEquals(2, events(Event.FailoverRefused.class).size());
    }

    @Test
    void aSwitchoverNeedsItsTargetToAnswerAMajorityOfWatchers() {
        SimCluster c = cluster(7);
        events.clear();
        c.partition(List.of("n2"), List.of("w2", "w3")); // only w1 still hears n2
        c.runFor(2_000);

        assertTrue(c.manualFailover(W1, N2), "w1 sees n2 answer: it asks for votes");
        c.runFor(15_000);

        assertSafe(c);
        assertEquals(List.of(N1), c.ipHolders());
        assertEquals(0, events(Event.LeaderElected.class).size());
        assertTrue(events(Event.VoteRefused.class).stream().anyMatch(v -> v.reason().contains("does not answer")),
                events(Event.VoteRefused.class).toString());
        assertTrue(events(Event.IpChanged.class).stream().noneMatch(e -> e.node().equals(N1) && !e.held()));
    }

    @Test
    void aForcedFailoverDemotesAnAnsweringPrimaryInsteadOfFencingIt() {
        SimCluster c = cluster(6);
        List<List<NodeId>> seen = holdersAtEveryChange(c);

        assertTrue(c.operatorFailover(W1, null, true));
        c.runFor(5_000);

        assertSafe(c);
        assertTrue(c.leaderHooks.stream().noneMatch(h -> h.kind() == dev.vigil.failover.HookKind.FENCE),
                "no fence hook for a primary that answers: " + c.leaderHooks);
        assertN1LetGoBeforeN2TookOver(seen, c);
    }

    @Test
    void aSigtermOfThePrimarysAgentHandsOverWithinASwitchoverGap() {
        SimCluster c = cluster(10);
        List<List<NodeId>> seen = holdersAtEveryChange(c);
        long stopAt = c.now();
        c.stopAgent(N1);
        c.runFor(5_000);

        assertSafe(c);
        assertN1LetGoBeforeN2TookOver(seen, c);
        assertFalse(c.agentUp(N1), "the agent exited once it had let go");
        long took = ipAcquiredAt(N2) - stopAt;
        assertTrue(took < T.probeIntervalMs(), "n2 answered " + took + " ms after SIGTERM, not after down-after");
        long released = events(Event.IpChanged.class).stream().filter(e -> e.node().equals(N1) && !e.held())
                .mapToLong(happenedAt::get).max().orElseThrow();
        assertTrue(ipAcquiredAt(N2) - released < 500, "switchover gap " + (ipAcquiredAt(N2) - released) + " ms");
    }

    @Test
    void aSigtermOfAStandbysAgentJustExits() {
        SimCluster c = cluster(11);
        events.clear();
        c.stopAgent(N2);
        c.runFor(5_000);

        assertSafe(c);
        assertFalse(c.agentUp(N2));
        assertEquals(List.of(N1), c.ipHolders());
        assertTrue(events(Event.IpChanged.class).stream().noneMatch(e -> e.node().equals(N1) && !e.held()));
    }

    @Test
    void aMinorityOfWatchersCutOffCausesNoFailover() {
        SimCluster c = cluster(2);
        c.partition(List.of("w1"), List.of("n1", "n2", "w2", "w3"));
        c.runFor(20_000);
        c.heal();
        c.partition(List.of("w1"), List.of("w2"));
        c.partition(List.of("w2"), List.of("w3"));
        c.runFor(20_000);

        assertSafe(c);
        assertTrue(events(Event.SdownChanged.class).stream().anyMatch(e -> e.watcher().equals(W1) && e.down()),
                "the isolated watcher does see the primary down");
        assertEquals(0, events(Event.ElectionStarted.class).size(), "but no election starts");
        assertEquals(List.of(N1), c.ipHolders());
    }

    /** The nodes holding the IP after each change of it, from now on. */
    private static List<List<NodeId>> holdersAtEveryChange(SimCluster c) {
        List<List<NodeId>> seen = new ArrayList<>();
        c.onEvent(e -> {
            if (e instanceof Event.IpChanged) {
                seen.add(c.ipHolders());
            }
        });
        return seen;
    }

    /** n1's last release came before n2's acquire, the IP never had two holders, and n2 has it. */
    private void assertN1LetGoBeforeN2TookOver(List<List<NodeId>> seen, SimCluster c) {
        long released = events(Event.IpChanged.class).stream().filter(e -> e.node().equals(N1) && !e.held())
                .mapToLong(happenedAt::get).max().orElseThrow();
        long acquired = ipAcquiredAt(N2);
        assertTrue(released < acquired, "n1 let go at " + released + " ms, before n2 took over at " + acquired + " ms");
        assertTrue(seen.stream().allMatch(h -> h.size() <= 1), "never two holders: " + seen);
        assertEquals(List.of(N2), c.ipHolders());
    }

    @Test
    void primaryCutOffFromWatchersReleasesTheIpBeforeTheStandbyAcquiresIt() {
        SimCluster c = cluster(3);
        c.partition(List.of("n1"), List.of("w1", "w2", "w3"));
        List<List<NodeId>> seen = holdersAtEveryChange(c);
        c.runFor(20_000);

        assertSafe(c);
        assertN1LetGoBeforeN2TookOver(seen, c);

        c.heal();
        c.runFor(10_000);
        assertSafe(c);
        assertEquals(List.of(N2), c.ipHolders(), "the old primary comes back as a standby");
    }

    @Test
    void aPrimaryWhoseServiceFailsLetsGoBeforeTheStandbyAcquiresEvenIfCutOffAtTheVote() {
        SimCluster c = cluster(3);
        c.serviceFails(N1, true); // n1 answers every probe, "not serving"
        boolean[] cut = {false};
        c.onEvent(e -> {
            // the leader's Release and the probes that carry the vote are lost: n1's lease is
            // all that makes it let go
            if (e instanceof Event.ElectionStarted && !cut[0]) {
                cut[0] = true;
                c.partition(List.of("n1"), List.of("w1", "w2", "w3"));
            }
        });
        List<List<NodeId>> seen = holdersAtEveryChange(c);
        c.runFor(20_000);

        assertSafe(c);
        assertTrue(cut[0], "an election started");
        assertN1LetGoBeforeN2TookOver(seen, c);
    }

    @Test
    void leaderCrashMidFailoverIsCompletedInAHigherTerm() {
        SimCluster c = cluster(4);
        AtomicReference<WatcherId> struck = new AtomicReference<>();
        c.onEvent(e -> {
            if (e instanceof Event.LeaderElected l && struck.get() == null) {
                struck.set(l.leader());
                // Dies before its Promote can reach n2: crash it at once, as if mid-step.
                c.at(c.now(), () -> c.crashWatcher(l.leader()));
            }
        });
        c.crashAgent(N1);
        c.runFor(40_000);

        assertSafe(c);
        assertNotNull(struck.get());
        var leaders = events(Event.LeaderElected.class);
        assertTrue(leaders.size() >= 2, "another watcher took over: " + leaders);
        var done = events(Event.FailoverCompleted.class);
        assertFalse(done.isEmpty(), "the failover completed");
        assertTrue(done.get(done.size() - 1).term() > leaders.get(0).term(), "in a higher term");
        assertEquals(N2, c.answering());
    }

    @Test
    void aWatcherThatLostItsStateVotesInNoTermItMayHaveVotedInBefore() {
        SimCluster c = cluster(8);
        c.crashHost(N1);
        c.runFor(10_000);
        long term = c.status(W3).term();
        assertEquals(1, events(Event.FailoverCompleted.class).size(), "precondition: a failover in term " + term);

        c.wipeWatcher(W3);
        VoteReply learning = c.watcher(W3).onRequestVote(new VoteRequest(SimCluster.GROUP, W2, term, 1, false, null,
                c.config.fingerprint(SimCluster.GROUP)));
        assertFalse(learning.granted(), "no state: it may have voted in this term");
        assertTrue(learning.reason().contains("learning terms"), learning.reason());
        c.runFor(2_000);

        assertEquals(term, c.status(W3).term(), "the term learned from the other watchers");
        VoteReply learned = c.watcher(W3).onRequestVote(new VoteRequest(SimCluster.GROUP, W2, term, 1, false, null,
                c.config.fingerprint(SimCluster.GROUP)));
        assertFalse(learned.granted(), "it abstains in the highest term a majority knows: " + learned.reason());
        assertTrue(events(Event.StateLearning.class).stream().anyMatch(e -> e.process().equals("w3") && !e.learning()));
        assertSafe(c);
    }

    @Test
    void aWatcherThatLostItsStateIsNoCoolingDownVoterOnceItHasLearned() {
        SimCluster c = cluster(9);
        c.crashHost(N1);
        c.runFor(10_000);
        c.restartHost(N1);
        c.wipeWatcher(W3);
        c.runFor(3_000); // learned, epoch included: that is no failover that has just happened
        events.clear();
        c.crashHost(N2);
        c.runFor(10_000);

        assertSafe(c);
        assertTrue(events(Event.VoteRefused.class).stream().noneMatch(v -> v.voter().equals(W3)),
                events(Event.VoteRefused.class).toString());
        assertEquals(List.of(N1), c.ipHolders());
    }

    @Test
    void aVoteSurvivesARestartOfTheVoter() {
        SimCluster c = cluster(5);
        // Watchers cut off from each other: no ODOWN, so no election moves the epoch meanwhile.
        c.partition(List.of("w1"), List.of("w2", "w3"));
        c.partition(List.of("w2"), List.of("w3"));
        c.crashHost(N1);
        c.runFor(5_500); // every watcher now sees n1 silent beyond fence-after
        var w3 = c.watcher(W3);
        long term = c.status(W3).term() + 10;
        VoteReply first = w3.onRequestVote(new VoteRequest(SimCluster.GROUP, W1, term, 0, false, null,
                c.config.fingerprint(SimCluster.GROUP)));
        assertTrue(first.granted(), first.reason());

        c.crashWatcher(W3);
        c.restartWatcher(W3);
        c.runFor(6_000); // past fence-after again, so only the persisted vote can refuse
        VoteReply second = c.watcher(W3).onRequestVote(new VoteRequest(SimCluster.GROUP, W2, term, 0, false, null,
                c.config.fingerprint(SimCluster.GROUP)));

        assertFalse(second.granted(), "a restarted watcher must not vote twice in term " + term);
        assertTrue(second.reason().contains("already voted for w1"), second.reason());
    }

    @Test
    void aFlappingPrimaryIsNotFailedOverAndNothingFailsBack() {
        SimCluster c = cluster(6);
        for (int i = 0; i < 5; i++) { // outages shorter than down-after
            c.partition(List.of("n1"), List.of("w1", "w2", "w3"));
            c.runFor(3_000);
            c.heal();
            c.runFor(3_000);
        }
        assertEquals(0, events(Event.ElectionStarted.class).size(), "short outages never start an election");

        c.crashHost(N1);
        c.runFor(15_000);
        c.restartHost(N1);
        for (int i = 0; i < 5; i++) { // the returning node flaps too
            c.crashAgent(N1);
            c.runFor(2_000);
            c.restartAgent(N1);
            c.runFor(2_000);
        }
        c.runFor(20_000);

        assertSafe(c);
        assertEquals(1, events(Event.FailoverCompleted.class).size(), "one failover, no ping-pong");
        assertEquals(List.of(N2), c.ipHolders(), "no automatic failback");
    }

    @Test
    void aStaleLeadersPromoteIsRefusedByTheAgent() {
        SimCluster c = cluster(7);
        c.crashHost(N1);
        c.runFor(15_000);
        long term = c.status(W1).configEpoch();
        assertTrue(term > 0, "a failover happened");

        var reply = new AtomicReference<AgentReply>();
        c.agent(N2).onPromote(new PromoteRequest(SimCluster.GROUP, N2, term - 1, W2, N1,
                c.config.fingerprint(SimCluster.GROUP)), reply::set);

        assertEquals(AgentReply.Outcome.STALE_TERM, reply.get().outcome());
        assertEquals(term, reply.get().highestTerm());
        assertTrue(events(Event.AgentRefused.class).stream().anyMatch(e -> e.term() == term - 1));
    }

    @Test
    void manualSwitchoverMovesTheIpInGracefulOrder() {
        SimCluster c = cluster(8);
        assertTrue(c.manualFailover(W2, N2));
        c.runFor(5_000);

        assertSafe(c);
        assertEquals(List.of(N2), c.ipHolders());
        long released = events(Event.IpChanged.class).stream().filter(e -> e.node().equals(N1) && !e.held())
                .mapToLong(happenedAt::get).max().orElseThrow();
        assertTrue(released < ipAcquiredAt(N2), "demote and release happen before promote");
        assertEquals("manual", events(Event.LeaderElected.class).get(0).cause());
    }

    @Test
    void aLeaderFrozenMidFailoverCannotMoveTheIpBack() {
        SimCluster c = cluster(9);
        AtomicReference<WatcherId> frozen = new AtomicReference<>();
        c.onEvent(e -> {
            if (e instanceof Event.LeaderElected l && frozen.get() == null) {
                frozen.set(l.leader());
                c.at(c.now(), () -> c.freeze(l.leader().value()));
            }
        });
        c.crashHost(N1);
        c.runFor(30_000);
        c.thaw(frozen.get().value());
        c.runFor(30_000);

        assertSafe(c);
        assertEquals(List.of(N2), c.ipHolders());
        assertTrue(events(Event.TiltChanged.class).stream().anyMatch(e -> e.watcher().equals(frozen.get()) && e.tilt()),
                "the thawed leader entered TILT");
    }

    @Test
    void aStandbyWhosePromoteHookFailsForGoodIsPassedOverInTheNextTerm() {
        SimCluster c = new SimCluster(10, new SimCluster.Options(3, 3, false, T, Plant.NONE));
        c.onEvent(events::add);
        c.runUntil(3_000);
        NodeId n3 = new NodeId("n3");
        c.brokenHooks.put("n2/promote", 2); // n2 has the higher priority of the two standbys
        c.crashHost(N1);
        c.runFor(40_000);

        assertSafe(c);
        assertTrue(events(Event.FailoverAborted.class).stream().anyMatch(a -> a.reason().contains("n2 cannot be promoted")),
                "the run that chose n2 ends at its permanent failure");
        var done = events(Event.FailoverCompleted.class);
        assertEquals(1, done.size(), "one failover completes");
        assertEquals(n3, done.get(0).newPrimary());
        assertEquals(List.of(n3), c.ipHolders(), "n2 never took the IP: its promote hook never succeeded");
    }

    @Test
    void onASlowNetworkTheFirstTermElectsTheLeader() {
        // 80-120 ms each way: an SDOWN report's push plus a vote request take up to 240 ms,
        // more than a candidacy slot of 150 ms allowed (seed 17 then needed a second term).
        // Watchers that see the primary down must still not split the vote.
        for (long seed = 1; seed <= 40; seed++) {
            events.clear();
            SimCluster c = cluster(seed);
            c.setDelay(80, 120);
            c.runFor(5_000);
            c.crashHost(N1);
            c.runFor(30_000);

            assertSafe(c);
            String replay = "seed " + seed + " (replay: ScenarioTest#onASlowNetworkTheFirstTermElectsTheLeader, seed " + seed + "): ";
            var terms = events(Event.ElectionStarted.class).stream().map(Event.ElectionStarted::term).distinct().toList();
            assertEquals(List.of(1L), terms, replay + "elections in terms " + terms);
            assertEquals(1, events(Event.LeaderElected.class).size(), replay + "one leader");
            assertEquals(List.of(N2), c.ipHolders(), replay);
        }
    }
}
