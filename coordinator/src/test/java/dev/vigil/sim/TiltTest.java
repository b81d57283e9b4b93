package dev.vigil.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.agent.FencingRule;
import dev.vigil.config.Timings;
import dev.vigil.core.Event;
import dev.vigil.core.NodeId;
import dev.vigil.core.WatcherId;
import dev.vigil.election.VoteRule;
import dev.vigil.watcher.Watcher;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** TILT follows the timings: entered on any stall that could distort a window, left once views are fresh. */
class TiltTest {
    private static final NodeId N1 = new NodeId("n1");
    private static final NodeId N2 = new NodeId("n2");
    private static final WatcherId W1 = new WatcherId("w1");

    /** TILT changes as they happened, in virtual time. */
    private record Change(long at, WatcherId watcher, boolean tilt) {}

    private final List<Change> changes = new ArrayList<>();
    private long n2AcquiredAt = -1;

    private SimCluster cluster(Timings t) {
        var c = new SimCluster(11, new SimCluster.Options(3, 2, false, t, Plant.NONE));
        c.onEvent(e -> {
            if (e instanceof Event.TiltChanged x) {
                changes.add(new Change(c.now(), x.watcher(), x.tilt()));
            } else if (e instanceof Event.IpChanged ip && ip.node().equals(N2) && ip.held()) {
                n2AcquiredAt = c.now();
            }
        });
        c.runUntil(5_000);
        assertEquals(List.of(N1), c.ipHolders(), "precondition: n1 serves");
        return c;
    }

    @Test
    void aStallLongerThanFenceAfterLessAProbeIntervalIsTiltAtAOneSecondWindow() {
        Timings fast = Timings.of(250, 1_000, 4_000);
        SimCluster c = cluster(fast);
        c.freeze("w1");
        c.runFor(1_500); // below the fixed 2 s the old rule waited for
        c.thaw("w1");
        c.runFor(100);

        long thawedAt = c.now() - 100;
        assertEquals(List.of(new Change(thawedAt, W1, true)), changes, "w1 back from 1.5 s: TILT");
        assertEquals(500, fast.fenceAfterMs() - fast.probeIntervalMs(), "the longest stall that is not TILT here");
        c.runFor(Watcher.tiltMs(c.config) + Watcher.TICK_MS);
        Change out = changes.get(changes.size() - 1);
        assertEquals(false, out.tilt(), "out of TILT: " + changes);
        assertTrue(out.at() - thawedAt <= Watcher.tiltMs(c.config) + Watcher.TICK_MS,
                "left at the first tick " + Watcher.tiltMs(c.config) + " ms after the stall: " + changes);
        assertNull(c.violation());
    }

    @Test
    void aStallThatCannotDistortAWindowIsNoTilt() {
        SimCluster c = cluster(Timings.defaults());
        c.freeze("w1");
        c.runFor(2_500); // < fence-after 3750 - probe-interval 1000
        c.thaw("w1");
        c.runFor(1_000);

        assertEquals(List.of(), changes);
    }

    @Test
    void twoWatchersStalledWhileThePrimaryDiesDelayTheFailoverByTheirTiltNotThirtySeconds() {
        Timings t = Timings.defaults();
        SimCluster c = cluster(t);
        long crashAt = c.now();
        c.freeze("w2");
        c.freeze("w3");
        c.crashHost(N1);
        c.runFor(3_000);
        c.thaw("w2");
        c.thaw("w3");
        c.runFor(30_000);

        assertNull(c.violation(), () -> String.valueOf(c.violation()));
        assertEquals(List.of(N2), c.ipHolders());
        assertEquals(2, changes.stream().filter(Change::tilt).count(), "w2 and w3 were in TILT: " + changes);
        long leftTilt = changes.stream().filter(x -> !x.tilt()).mapToLong(Change::at).max().orElseThrow();
        assertTrue(leftTilt - (crashAt + 3_000) <= Watcher.tiltMs(c.config) + Watcher.TICK_MS,
                "TILT is report-ttl + probe-timeout, left at the next tick: " + changes);
        assertTrue(n2AcquiredAt - crashAt <= t.downAfterMs() + Watcher.tiltMs(c.config),
                "n2 answered " + (n2AcquiredAt - crashAt) + " ms after the crash");
        assertEquals(3_500, Watcher.tiltMs(c.config));
    }

    @Test
    void aWatcherInTiltRefusesAnOperatorsSwitchover() {
        SimCluster c = cluster(Timings.defaults());
        c.freeze("w1");
        c.runFor(3_000);
        c.thaw("w1");
        c.runFor(100);

        assertTrue(changes.stream().anyMatch(x -> x.watcher().equals(W1) && x.tilt()), "precondition: TILT");
        assertTrue(!c.manualFailover(W1, N2), "refused: its timings cannot be trusted");
        assertTrue(c.manualFailover(new WatcherId("w2"), N2), "another watcher takes it");
        c.runFor(5_000);
        assertNull(c.violation());
        assertEquals(List.of(N2), c.ipHolders());
    }
}
