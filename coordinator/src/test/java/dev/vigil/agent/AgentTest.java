package dev.vigil.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.ClusterConfig;
import dev.vigil.config.GroupConfig;
import dev.vigil.config.NodeConfig;
import dev.vigil.config.Timings;
import dev.vigil.core.Event;
import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import dev.vigil.core.WatcherId;
import dev.vigil.failover.HookCall;
import dev.vigil.failover.HookKind;
import dev.vigil.failover.HookResult;
import dev.vigil.failover.HookRunner;
import dev.vigil.store.AgentState;
import dev.vigil.store.MemoryStateStore;
import dev.vigil.store.StateStore;
import dev.vigil.time.ManualScheduler;
import dev.vigil.transport.AgentReply;
import dev.vigil.transport.ProbeReply;
import dev.vigil.transport.ProbeRequest;
import dev.vigil.transport.PromoteRequest;
import dev.vigil.transport.ReleaseRequest;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The agent on virtual time. The clock starts at 10 s, as a process started some time after
 * boot would see it, so that the ack stamp 0 of a watcher's first probe is one this agent never
 * issued.
 */
class AgentTest {
    private static final long START = 10_000;
    /** The incarnation of every agent these tests start. */
    private static final long INC = 42;
    private static final GroupId WEB = new GroupId("web");
    private static final NodeId N1 = new NodeId("n1");
    private static final NodeId N2 = new NodeId("n2");
    private static final WatcherId W1 = new WatcherId("w1");
    private static final WatcherId W2 = new WatcherId("w2");
    private static final WatcherId W3 = new WatcherId("w3");
    private static final Timings T = Timings.defaults();
    private static final ClusterConfig CLUSTER = new ClusterConfig(List.of(W1, W2, W3), List.of(
            new GroupConfig(WEB, List.of(new NodeConfig(N1, 100), new NodeConfig(N2, 50)), N1, T, 2)));
    private static final String FP = CLUSTER.fingerprint(WEB);

    /** Records every hook call; completes it on the scheduler with OK unless told otherwise. */
    private final class RecordingHooks implements HookRunner {
        final List<HookCall> calls = new ArrayList<>();
        final Map<HookKind, HookResult> results = new EnumMap<>(HookKind.class);

        @Override
        public void run(HookCall call, Consumer<HookResult> done) {
            calls.add(call);
            HookResult r = results.getOrDefault(call.kind(), HookResult.OK);
            scheduler.schedule(0, () -> done.accept(r));
        }

        List<HookKind> kinds() {
            return calls.stream().map(HookCall::kind).toList();
        }
    }

    private final ManualScheduler scheduler = new ManualScheduler(START);
    private final MemoryStateStore<AgentState> store = new MemoryStateStore<>(scheduler::nowMillis);
    private final RecordingHooks hooks = new RecordingHooks();
    private final List<Event> events = new ArrayList<>();
    /** Per watcher: the stamp of the latest reply it got, echoed by its next probe (0 before any). */
    private final Map<WatcherId, Long> acks = new HashMap<>();

    /** The state of an agent that has run before, in epoch 0: one that starts without state first learns the terms. */
    private void ranBefore() {
        if (store.load(WEB) == null) {
            store.save(WEB, new AgentState(0, 0, N1, true));
        }
    }

    private Agent agent(NodeId node) {
        ranBefore();
        Agent a = new Agent(node, CLUSTER, scheduler, hooks, store, events::add, FencingRule.STANDARD, INC);
        a.start();
        scheduler.runDue();
        return a;
    }

    /** A watcher's probe in config epoch 0 (n1 primary), vouching for epoch 0. */
    private ProbeReply probe(Agent a, NodeId node, WatcherId w) {
        return probe(a, node, w, 0, N1, 0);
    }

    private ProbeReply probe(Agent a, NodeId node, WatcherId w, long epoch, NodeId primary, long vouchTerm) {
        long ack = acks.getOrDefault(w, 0L);
        ProbeReply r = a.onProbe(new ProbeRequest(WEB, w, node, epoch, primary, vouchTerm, ack == 0 ? 0 : INC, ack, vouchTerm,
                FP));
        acks.put(w, r.stamp());
        scheduler.runDue();
        return r;
    }

    private boolean holds(Agent a) {
        return a.status().get(0).holdsIp();
    }

    private <E extends Event> List<E> events(Class<E> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private AgentReply promote(Agent a, NodeId node, long term) {
        var reply = new ArrayList<AgentReply>();
        a.onPromote(new PromoteRequest(WEB, node, term, W1, N1, FP), reply::add);
        scheduler.runDue();
        return reply.isEmpty() ? null : reply.get(0);
    }

    private AgentReply release(Agent a, NodeId node, long term) {
        var reply = new ArrayList<AgentReply>();
        a.onRelease(new ReleaseRequest(WEB, node, term, W1, false, FP), reply::add);
        scheduler.runDue();
        return reply.isEmpty() ? null : reply.get(0);
    }

    /** n1 acquires: every given watcher probes once (no ack yet), then once more acking the reply. */
    private Agent primaryHolding(WatcherId... watchers) {
        Agent a = agent(N1);
        for (WatcherId w : watchers) {
            probe(a, N1, w);
        }
        scheduler.advance(T.probeIntervalMs());
        for (WatcherId w : watchers) {
            probe(a, N1, w);
        }
        assertTrue(holds(a), "precondition: n1 holds the IP");
        return a;
    }

    /** n2, a standby, probed by w1 and w2, who voted in term 3 and vouch with it. */
    private Agent standbyVouchedForInTerm3() {
        Agent a = agent(N2);
        for (WatcherId w : List.of(W1, W2)) {
            probe(a, N2, w, 0, N1, 3);
        }
        scheduler.advance(T.probeIntervalMs());
        for (WatcherId w : List.of(W1, W2)) {
            probe(a, N2, w, 0, N1, 3);
        }
        assertFalse(holds(a), "precondition: a standby never holds");
        return a;
    }

    /** The test's disk, which fills up (saves throw) while {@code full} is set. */
    private StateStore<AgentState> fillable(java.util.concurrent.atomic.AtomicBoolean full) {
        return new StateStore<>() {
            @Override
            public AgentState load(GroupId group) {
                return store.load(group);
            }

            @Override
            public void save(GroupId group, AgentState value) {
                if (full.get()) {
                    throw new java.io.UncheckedIOException(new java.io.IOException("No space left on device"));
                }
                store.save(group, value);
            }

            @Override
            public void saveLater(GroupId group, AgentState value) {
                store.saveLater(group, value);
            }
        };
    }

    @Test
    void initialPrimaryAcquiresOnlyOnceAMajorityAckStampsItIssued() {
        Agent a = agent(N1);
        assertFalse(holds(a));

        probe(a, N1, W1);
        probe(a, N1, W2);
        assertFalse(holds(a), "first probes carry ack stamp 0: no lease");

        scheduler.advance(T.probeIntervalMs());
        probe(a, N1, W1);
        assertFalse(holds(a), "one ack of three watchers is no majority");
        assertFalse(hooks.kinds().contains(HookKind.ACQUIRE));

        probe(a, N1, W2);
        assertTrue(holds(a));
        assertEquals(HookKind.ACQUIRE, hooks.calls.get(hooks.calls.size() - 1).kind());
        var ip = events(Event.IpChanged.class);
        assertTrue(ip.get(ip.size() - 1).held());
    }

    @Test
    void aLeaseThatWouldLapseBeforeTheNextProbeRoundIsNotTakenButIsKept() {
        Agent a = agent(N1);
        probe(a, N1, W1);
        probe(a, N1, W2);
        long acked = START;
        // an overloaded node: the echoes of its replies come back nearly fence-after late
        scheduler.advanceTo(acked + T.fenceAfterMs() - T.probeIntervalMs() + 1);
        probe(a, N1, W1);
        probe(a, N1, W2);
        assertFalse(holds(a), "a lease that lapses within a probe interval is not worth an acquire");
        var ip = events(Event.IpChanged.class);
        assertTrue(ip.get(ip.size() - 1).reason().contains("for another probe interval"), ip.toString());

        scheduler.advance(T.probeIntervalMs() / 2);
        probe(a, N1, W1);
        probe(a, N1, W2);
        assertTrue(holds(a), "fresh acks: taken");
        scheduler.advance(T.fenceAfterMs() - T.probeIntervalMs() + 1);
        assertTrue(holds(a), "and kept while it lasts, however short the rest");
    }

    @Test
    void atTheTightestFenceAfterAllowedWatchersOutOfPhaseStillLetThePrimaryTakeTheIp() {
        // fence-after = 2 probe intervals + probe-timeout: the least Timings accepts
        var tight = new Timings(1_000, 200, 250, 5_000, 2_200, 10_000);
        var cluster = new ClusterConfig(List.of(W1, W2, W3), List.of(
                new GroupConfig(WEB, List.of(new NodeConfig(N1, 100), new NodeConfig(N2, 50)), N1, tight, 2)));
        for (long phase = 100; phase < 1_000; phase += 100) {
            var s = new ManualScheduler(START);
            var a = new Agent(N1, cluster, s, (call, done) -> s.schedule(0, () -> done.accept(HookResult.OK)),
                    new MemoryStateStore<>(), e -> {}, FencingRule.STANDARD, INC);
            a.start();
            s.runDue();
            Map<WatcherId, Long> echo = new HashMap<>();
            for (long t = START; t < START + 6_000; t += 50) { // w1 probes on the second, w2 `phase` ms later
                s.advanceTo(t);
                for (WatcherId w : List.of(W1, W2)) {
                    if ((t - START - (w.equals(W1) ? 0 : phase)) % 1_000 == 0) {
                        long ack = echo.getOrDefault(w, 0L);
                        echo.put(w, a.onProbe(new ProbeRequest(WEB, w, N1, 0, N1, 0, ack == 0 ? 0 : INC, ack, 0,
                                cluster.fingerprint(WEB))).stamp());
                        s.runDue();
                    }
                }
            }
            assertTrue(a.status().get(0).holdsIp(), "w2 probing " + phase + " ms after w1: n1 never took the IP");
        }
    }

    @Test
    void aFullDiskStartsNoAcquireAndLeavesNothingToAcquireOnLater() {
        var diskFull = new java.util.concurrent.atomic.AtomicBoolean();
        StateStore<AgentState> disk = fillable(diskFull);
        ranBefore();
        Agent a = new Agent(N1, CLUSTER, scheduler, hooks, disk, events::add, FencingRule.STANDARD, INC);
        a.start();
        scheduler.runDue(); // released at start: mayHoldIp false
        diskFull.set(true);
        int failedWrites = 0;
        for (int round = 0; round < 3; round++) {
            for (WatcherId w : List.of(W1, W2)) {
                try {
                    probe(a, N1, w);
                } catch (java.io.UncheckedIOException e) {
                    failedWrites++;
                }
            }
            scheduler.advance(T.probeIntervalMs() / 2);
        }

        assertTrue(failedWrites >= 2, "every attempt to take the IP tried to write first: " + failedWrites);
        assertFalse(hooks.kinds().contains(HookKind.ACQUIRE), "no acquire while the disk says the IP is not here");
        diskFull.set(false);
        probe(a, N1, W1);
        assertTrue(holds(a));
        assertTrue(store.durable(WEB).mayHoldIp());
    }

    @Test
    void aFencingTokenThatCouldNotBeSavedIsNotObeyed() {
        var diskFull = new java.util.concurrent.atomic.AtomicBoolean();
        StateStore<AgentState> disk = fillable(diskFull);
        ranBefore();
        Agent a = new Agent(N2, CLUSTER, scheduler, hooks, disk, events::add, FencingRule.STANDARD, INC);
        a.start();
        scheduler.runDue();
        diskFull.set(true);

        assertThrows(java.io.UncheckedIOException.class,
                () -> a.onRelease(new ReleaseRequest(WEB, N2, 5, W1, false, FP), r -> { }));
        assertThrows(java.io.UncheckedIOException.class,
                () -> a.onPromote(new PromoteRequest(WEB, N2, 6, W1, N1, FP), r -> { }));
        assertThrows(java.io.UncheckedIOException.class,
                () -> a.onProbe(new ProbeRequest(WEB, W1, N2, 7, N2, 7, 0, 0, 7, FP)));
        scheduler.runDue();

        ProbeReply now = a.status().get(0);
        assertEquals(0, now.highestTerm(), "disk first: a token never saved is never answered");
        assertEquals(0, now.configEpoch());
        assertEquals(N1, now.primary());
        assertTrue(events(Event.AgentObeyed.class).isEmpty());
        assertFalse(hooks.kinds().contains(HookKind.PROMOTE));
    }

    @Test
    void anAgentWithoutStateObeysNothingUntilAMajorityOfWatchersToldItTheirTerms() {
        Agent a = new Agent(N2, CLUSTER, scheduler, hooks, store, events::add, FencingRule.STANDARD, INC);
        a.start(); // the state directory was lost: it may have obeyed term 8 before
        scheduler.runDue();

        AgentReply early = promote(a, N2, 3);
        assertEquals(AgentReply.Outcome.RETRYABLE, early.outcome());
        assertTrue(early.reason().contains("learning terms"), early.reason());
        ProbeReply r1 = a.onProbe(new ProbeRequest(WEB, W1, N2, 0, N1, 0, 0, 0, 8, FP));
        assertEquals(0, r1.highestTerm(), "one watcher of three is no majority");
        a.onProbe(new ProbeRequest(WEB, W2, N2, 0, N1, 0, 0, 0, 7, FP));
        scheduler.runDue();

        assertEquals(8, a.status().get(0).highestTerm(), "the highest term a majority holds");
        assertEquals(8, store.durable(WEB).highestTerm(), "and on disk");
        assertEquals(AgentReply.Outcome.STALE_TERM, promote(a, N2, 3).outcome(), "a stale leader is refused again");
        assertFalse(hooks.kinds().contains(HookKind.PROMOTE));
        assertEquals(List.of(true, false), events(Event.StateLearning.class).stream().map(Event.StateLearning::learning)
                .toList());
    }

    @Test
    void ackStampThisIncarnationNeverIssuedGivesNoLease() {
        Agent a = agent(N1);

        for (WatcherId w : List.of(W1, W2, W3)) {
            // an earlier run's stamps, on a clock that was ahead of this one or behind it
            a.onProbe(new ProbeRequest(WEB, w, N1, 0, N1, 0, INC + 1, START - 1, 0, FP));
            a.onProbe(new ProbeRequest(WEB, w, N1, 0, N1, 0, INC + 1, START + 1, 0, FP));
            a.onProbe(new ProbeRequest(WEB, w, N1, 0, N1, 0, INC, START + 60_000, 0, FP)); // in the future
        }
        scheduler.runDue();

        assertFalse(holds(a));
        assertEquals(INC, a.status().get(0).incarnation(), "replies say which run issued their stamps");
    }

    @Test
    void releasesWhenAcksAgePastFenceAfter() {
        Agent a = primaryHolding(W1, W2);
        long acked = START; // both watchers acked the replies of the first round

        scheduler.advanceTo(acked + T.fenceAfterMs());
        assertTrue(holds(a), "still within fence-after of the acked reply");

        scheduler.advanceTo(acked + T.fenceAfterMs() + 1);
        assertFalse(holds(a), "released by itself, without any message");
        var ip = events(Event.IpChanged.class);
        assertFalse(ip.get(ip.size() - 1).held());
        assertTrue(ip.get(ip.size() - 1).reason().contains("lease lost"), ip.get(ip.size() - 1).reason());
    }

    @Test
    void releasesWhenAMajorityOfWatchersVouchForANewerTerm() {
        Agent a = primaryHolding(W1, W2, W3);
        scheduler.advance(T.probeIntervalMs());

        probe(a, N1, W1, 0, N1, 1);
        assertTrue(holds(a), "two of three still vouch");

        probe(a, N1, W2, 0, N1, 1);
        assertFalse(holds(a), "a watcher that voted for a failover no longer vouches");
    }

    @Test
    void probeWithANewerConfigEpochNamingAnotherPrimaryMakesTheHolderRelease() {
        Agent a = primaryHolding(W1, W2, W3);

        ProbeReply r = probe(a, N1, W3, 5, N2, 5);
        scheduler.runDue();

        assertFalse(holds(a));
        assertEquals(5, r.configEpoch());
        assertEquals(N2, r.primary());
        var adopted = events(Event.AgentEpochAdopted.class);
        assertEquals(1, adopted.size());
        assertEquals(W3, adopted.get(0).from());
        assertEquals(new AgentState(5, 5, N2, false), store.load(WEB), "the new epoch and the release are persisted");
    }

    @Test
    void promoteAnswersOkAfterThePromoteAndAcquireHooksWithTheFencingTokenPersistedFirst() {
        Agent a = standbyVouchedForInTerm3();
        hooks.calls.clear();

        var replies = new ArrayList<AgentReply>();
        var storedAtReply = new ArrayList<AgentState>();
        a.onPromote(new PromoteRequest(WEB, N2, 3, W1, N1, FP), r -> {
            replies.add(r);
            storedAtReply.add(store.load(WEB));
        });
        assertEquals(List.of(), replies, "no answer before the hooks have run");

        scheduler.runDue();

        assertEquals(List.of(HookKind.PROMOTE, HookKind.ACQUIRE), hooks.kinds());
        assertEquals(3, hooks.calls.get(0).term());
        assertEquals(1, replies.size());
        assertEquals(AgentReply.Outcome.OK, replies.get(0).outcome());
        assertEquals(3, replies.get(0).highestTerm());
        assertEquals(new AgentState(3, 3, N2, true), storedAtReply.get(0));
        assertTrue(holds(a));
        assertEquals(1, events(Event.AgentObeyed.class).size());
    }

    @Test
    void promoteWithoutALeaseIsRetryableAndAcquiresNothing() {
        Agent a = agent(N2);
        hooks.calls.clear();

        AgentReply r = promote(a, N2, 3);

        assertNotNull(r);
        assertEquals(AgentReply.Outcome.RETRYABLE, r.outcome());
        assertTrue(r.reason().contains("lease"), r.reason());
        assertFalse(hooks.kinds().contains(HookKind.ACQUIRE));
        assertEquals(3, store.load(WEB).highestTerm(), "the term is obeyed even so");
    }

    @Test
    void promoteAndReleaseFromALowerTermAreRefusedAsStale() {
        Agent a = agent(N2);
        promote(a, N2, 3);
        hooks.calls.clear();

        AgentReply p = promote(a, N2, 2);
        AgentReply r = release(a, N2, 1);

        assertEquals(AgentReply.Outcome.STALE_TERM, p.outcome());
        assertEquals(3, p.highestTerm());
        assertEquals(AgentReply.Outcome.STALE_TERM, r.outcome());
        assertEquals(List.of(), hooks.calls, "a stale command runs no hook");
        var refused = events(Event.AgentRefused.class);
        assertEquals(2, refused.size());
        assertEquals(2, refused.get(0).term());
        assertEquals(3, refused.get(0).highestTerm());
        assertEquals("promote", refused.get(0).command());
        assertEquals("release", refused.get(1).command());
        assertEquals(3, store.load(WEB).highestTerm());
    }

    @Test
    void releaseFromANewerTermMakesTheHolderLetGoBeforeAnswering() {
        Agent a = primaryHolding(W1, W2, W3);

        AgentReply r = release(a, N1, 4);

        assertEquals(AgentReply.Outcome.OK, r.outcome());
        assertFalse(holds(a));
        assertEquals(4, store.load(WEB).highestTerm());
    }

    @Test
    void failingPromoteHookIsRetryableAndALaterPromoteRunsItAgain() {
        Agent a = agent(N2);
        hooks.results.put(HookKind.PROMOTE, HookResult.ofExit(1, "not yet"));
        hooks.calls.clear();

        AgentReply first = promote(a, N2, 3);

        assertEquals(AgentReply.Outcome.RETRYABLE, first.outcome());
        assertTrue(first.reason().contains("promote hook"), first.reason());

        hooks.results.remove(HookKind.PROMOTE);
        promote(a, N2, 3);

        assertEquals(List.of(HookKind.PROMOTE, HookKind.PROMOTE),
                hooks.kinds().stream().filter(k -> k == HookKind.PROMOTE).toList());
    }

    @Test
    void failingAcquireHookLeavesTheIpUnheldAndALaterPromoteAcquiresIt() {
        Agent a = standbyVouchedForInTerm3();
        hooks.results.put(HookKind.ACQUIRE, HookResult.ofExit(1, "arping failed"));
        var replies = new ArrayList<AgentReply>();

        a.onPromote(new PromoteRequest(WEB, N2, 3, W1, N1, FP), replies::add);
        scheduler.runDue();

        assertFalse(holds(a));
        assertTrue(replies.stream().noneMatch(r -> r.outcome() == AgentReply.Outcome.OK),
                "never OK while the IP is not held: " + replies);

        hooks.results.remove(HookKind.ACQUIRE);
        var retried = new ArrayList<AgentReply>();
        a.onPromote(new PromoteRequest(WEB, N2, 3, W1, N1, FP), retried::add); // the leader retries
        scheduler.advance(T.probeIntervalMs() / 2);

        assertTrue(holds(a));
        assertEquals(AgentReply.Outcome.OK, retried.get(0).outcome());
        assertTrue(hooks.kinds().stream().filter(k -> k == HookKind.ACQUIRE).count() >= 2, hooks.kinds().toString());
    }

    @Test
    void fencingTokenSurvivesARestart() {
        Agent before = agent(N2);
        promote(before, N2, 3);
        before.stop();

        Agent after = agent(N2);
        AgentReply r = promote(after, N2, 2);

        assertEquals(3, after.status().get(0).highestTerm());
        assertEquals(AgentReply.Outcome.STALE_TERM, r.outcome());
    }

    @Test
    void restartAfterASuccessfulReleaseRunsNoReleaseHook() {
        Agent before = agent(N2);
        assertEquals(List.of(HookKind.RELEASE), hooks.kinds(), "a first start cannot know: it releases");
        scheduler.advance(StateStore.LATER_MS);
        assertFalse(store.durable(WEB).mayHoldIp(), "the successful release is on disk");
        before.stop();
        store.crash();
        hooks.calls.clear();

        Agent after = agent(N2);
        scheduler.advance(T.probeIntervalMs());

        assertEquals(List.of(), hooks.kinds());
        assertFalse(holds(after));
        var ip = events(Event.IpChanged.class);
        assertTrue(ip.get(ip.size() - 1).reason().contains("state file"), ip.toString());
    }

    @Test
    void aCrashBeforeTheReleaseIsRecordedReleasesAgain() {
        agent(N2).stop();
        store.crash(); // within StateStore.LATER_MS of the release
        hooks.calls.clear();

        agent(N2);

        assertEquals(List.of(HookKind.RELEASE), hooks.kinds());
    }

    @Test
    void aReleaseUndoneByAnAcquireIsNeverRecorded() {
        primaryHolding(W1, W2, W3).stop();
        scheduler.advance(10);
        Agent again = agent(N1); // releases at start: no lease yet
        for (int round = 0; round < 2; round++) {
            for (WatcherId w : List.of(W1, W2)) {
                probe(again, N1, w);
            }
            scheduler.advance(T.probeIntervalMs() / 2);
        }

        assertEquals(List.of(HookKind.RELEASE, HookKind.ACQUIRE), hooks.kinds().subList(2, 4));
        assertTrue(holds(again));
        assertTrue(store.durable(WEB).mayHoldIp());
        scheduler.advance(StateStore.LATER_MS);
        assertTrue(store.durable(WEB).mayHoldIp());
    }

    @Test
    void restartOfAHolderReleasesAgain() {
        primaryHolding(W1, W2, W3).stop();
        hooks.calls.clear();

        agent(N1);

        assertEquals(List.of(HookKind.RELEASE), hooks.kinds(), "the IP may still be configured here");
    }

    @Test
    void mayHoldIpIsOnDiskBeforeTheAcquireHookStartsAndStaysAfterAFailedRelease() {
        var seenAtAcquire = new ArrayList<Boolean>();
        Agent a = new Agent(N1, CLUSTER, scheduler, (call, done) -> {
            if (call.kind() == HookKind.ACQUIRE) {
                seenAtAcquire.add(store.durable(WEB).mayHoldIp());
            }
            hooks.run(call, done);
        }, store, events::add, FencingRule.STANDARD, INC);
        a.start();
        scheduler.runDue();
        for (int round = 0; round < 2; round++) {
            for (WatcherId w : List.of(W1, W2)) {
                probe(a, N1, w);
            }
            scheduler.advance(T.probeIntervalMs());
        }
        assertEquals(List.of(true), seenAtAcquire);

        hooks.results.put(HookKind.RELEASE, HookResult.ofExit(1, "ip: RTNETLINK answers: Operation not permitted"));
        scheduler.advance(T.fenceAfterMs() + 1); // no probes: the lease lapses, the release fails
        assertTrue(hooks.kinds().contains(HookKind.RELEASE));
        assertTrue(store.load(WEB).mayHoldIp(), "a failed release proves nothing");
    }

    @Test
    void failingAcquireHookMakesPromoteAnswerRetryable() {
        Agent a = standbyVouchedForInTerm3();
        hooks.results.put(HookKind.ACQUIRE, HookResult.ofExit(1, "arping failed"));
        var replies = new ArrayList<AgentReply>();

        a.onPromote(new PromoteRequest(WEB, N2, 3, W1, N1, FP), replies::add);
        scheduler.advance(T.probeIntervalMs()); // the leader's step timeout

        assertFalse(holds(a));
        assertEquals(1, replies.size(), "Promote must answer; hooks run: " + hooks.kinds());
        assertEquals(AgentReply.Outcome.RETRYABLE, replies.get(0).outcome());
    }

    @Test
    void permanentlyFailingAcquireHookMakesPromoteAnswerPermanent() {
        Agent a = standbyVouchedForInTerm3();
        hooks.results.put(HookKind.ACQUIRE, HookResult.ofExit(2, "no such interface"));
        var replies = new ArrayList<AgentReply>();

        a.onPromote(new PromoteRequest(WEB, N2, 3, W1, N1, FP), replies::add);
        scheduler.advance(T.probeIntervalMs());

        assertEquals(1, replies.size(), "Promote must answer; hooks run: " + hooks.kinds());
        assertEquals(AgentReply.Outcome.PERMANENT, replies.get(0).outcome());
    }

    @Test
    void anAcquireThatFailsForGoodIsUndoneAtOnceAndNotRetriedWhileBroken() {
        Agent a = standbyVouchedForInTerm3();
        hooks.results.put(HookKind.ACQUIRE, HookResult.ofExit(2, "arping: no such interface"));
        a.onPromote(new PromoteRequest(WEB, N2, 3, W1, N1, FP), r -> { });
        scheduler.runDue(); // promote, the acquire that fails (it may have configured the IP), then at once a release

        assertEquals(List.of(HookKind.PROMOTE, HookKind.ACQUIRE, HookKind.RELEASE),
                hooks.kinds().subList(hooks.kinds().size() - 3, hooks.kinds().size()));
        hooks.results.remove(HookKind.ACQUIRE);
        for (int round = 0; round < 3; round++) {
            scheduler.advance(T.probeIntervalMs());
            probe(a, N2, W1, 3, N2, 3);
            probe(a, N2, W2, 3, N2, 3);
        }
        assertFalse(holds(a), "out of the running for failover-timeout, and not holding the IP meanwhile");
        assertEquals(HookKind.RELEASE, hooks.calls.get(hooks.calls.size() - 1).kind());
    }

    @Test
    void agentStartedAtTimeZeroTakesNoLeaseFromFirstProbesWithAckStampZero() {
        var s0 = new ManualScheduler(0);
        var h = new HookRunner() {
            @Override
            public void run(HookCall call, Consumer<HookResult> done) {
                s0.schedule(0, () -> done.accept(HookResult.OK));
            }
        };
        Agent a = new Agent(N1, CLUSTER, s0, h, new MemoryStateStore<>(), e -> {}, FencingRule.STANDARD, INC);
        a.start();
        s0.advance(0);

        a.onProbe(new ProbeRequest(WEB, W1, N1, 0, N1, 0, 0, 0, 0, FP));
        a.onProbe(new ProbeRequest(WEB, W2, N1, 0, N1, 0, 0, 0, 0, FP));
        s0.advance(0);

        assertFalse(a.status().get(0).holdsIp(), "no watcher has acked any reply yet");
    }

    /**
     * During a rolling change of the cluster file some watchers run another file than the agent:
     * their acks still keep the lease (README, "Changing the watcher set"), and the agent says so
     * once per watcher, counts every probe, and answers with its own fingerprint.
     */
    @Test
    void probesUnderAnotherFingerprintAreLoggedOnceAndTheirAcksStillHoldTheLease() {
        Agent a = agent(N1);
        String other = "0123456789ab";
        for (int round = 0; round < 3; round++) {
            for (WatcherId w : List.of(W1, W2)) {
                ProbeReply r = a.onProbe(new ProbeRequest(WEB, w, N1, 0, N1, 0, acks.getOrDefault(w, 0L) == 0 ? 0 : INC,
                        acks.getOrDefault(w, 0L), 0, other));
                acks.put(w, r.stamp());
                assertEquals(FP, r.fingerprint(), "the agent's own file, for the watchers' status");
                scheduler.runDue();
            }
            scheduler.advance(T.probeIntervalMs());
        }

        assertTrue(holds(a), "two of three watchers vouch, whatever file they run");
        var logged = events.stream().filter(e -> e instanceof Event.ConfigMismatch).map(e -> (Event.ConfigMismatch) e)
                .toList();
        assertEquals(List.of("w1", "w2"), logged.stream().map(Event.ConfigMismatch::peer).toList(), "once per watcher");
        assertEquals(other, logged.get(0).theirs());
        assertEquals(FP, logged.get(0).mine());
        assertEquals("its ack counts toward the lease", logged.get(0).effect());
    }

    // ---- stopping: a primary lets go of the IP on the way out, a standby has nothing to do ----

    @Test
    void aStoppingPrimaryRunsItsReleaseHookAndTakesTheIpNoMore() {
        Agent a = primaryHolding(W1, W2);
        assertEquals(List.of(WEB), a.primaryOf(), "what a stop hands over");
        assertEquals(List.of(WEB), a.holding());
        hooks.calls.clear();

        a.leave();
        scheduler.runDue();
        assertEquals(List.of(HookKind.RELEASE), hooks.kinds(), "the release hook runs at once, lease or not");
        assertFalse(holds(a));
        assertEquals(List.of(), a.holding(), "nothing left to wait for before exiting");
        var ip = events(Event.IpChanged.class);
        assertTrue(ip.get(ip.size() - 1).reason().startsWith("stopping"), ip.toString());

        for (int round = 0; round < 3; round++) {
            scheduler.advance(T.probeIntervalMs());
            probe(a, N1, W1);
            probe(a, N1, W2);
        }
        assertEquals(List.of(HookKind.RELEASE), hooks.kinds(), "a live lease does not take the IP back");
    }

    @Test
    void aStoppingStandbyRunsNoHook() {
        Agent a = standbyVouchedForInTerm3();
        assertEquals(List.of(), a.primaryOf());
        hooks.calls.clear();

        a.leave();
        scheduler.runDue();
        assertEquals(List.of(), hooks.kinds(), "nothing is here to release");
        assertEquals(List.of(), a.holding());
    }

    @Test
    void aStopDuringAnAcquireReleasesOnceTheAcquireHookIsDone() {
        Agent a = agent(N1);
        probe(a, N1, W1);
        probe(a, N1, W2);
        scheduler.advance(T.probeIntervalMs());
        probe(a, N1, W1);
        a.onProbe(new ProbeRequest(WEB, W2, N1, 0, N1, 0, INC, acks.get(W2), 0, FP)); // starts the acquire hook
        assertEquals(HookKind.ACQUIRE, hooks.calls.get(hooks.calls.size() - 1).kind());
        assertEquals(List.of(WEB), a.holding(), "a running acquire may configure the IP");

        a.leave();
        scheduler.runDue();
        var kinds = hooks.kinds();
        assertEquals(List.of(HookKind.ACQUIRE, HookKind.RELEASE), kinds.subList(kinds.size() - 2, kinds.size()));
        assertFalse(holds(a));
        assertEquals(List.of(), a.holding());
    }

    @Test
    void aFailingReleaseAtStopIsRetriedAndTheIpCountsAsHereUntilItSucceeds() {
        Agent a = primaryHolding(W1, W2);
        hooks.calls.clear();
        hooks.results.put(HookKind.RELEASE, HookResult.ofExit(1, "ip: RTNETLINK answers: Operation not permitted"));
        a.leave();
        scheduler.runDue();
        assertEquals(List.of(WEB), a.holding(), "a failed release leaves the IP possibly here");

        hooks.results.remove(HookKind.RELEASE);
        scheduler.advance(250);
        assertEquals(List.of(), a.holding());
        assertEquals(List.of(HookKind.RELEASE, HookKind.RELEASE), hooks.kinds());
    }
}
