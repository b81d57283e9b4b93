package dev.vigil.transport.udp;

import static dev.vigil.transport.udp.ReplayWindow.Verdict.FRESH;
import static dev.vigil.transport.udp.ReplayWindow.Verdict.OLD_INCARNATION;
import static dev.vigil.transport.udp.ReplayWindow.Verdict.REPLAY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The anti-replay window: every datagram once, reordering within 64 tolerated, earlier runs never again. */
class ReplayWindowTest {
    private final ReplayWindow w = new ReplayWindow();
    private static final long RUN1 = ReplayWindow.incarnation(1_000_000, 7);
    private static final long RUN2 = ReplayWindow.incarnation(1_005_000, 3);

    @Test
    void aReplayedDatagramIsRefused() {
        assertEquals(FRESH, w.accept("w1", RUN1, 1));
        assertEquals(FRESH, w.accept("w1", RUN1, 2));
        assertEquals(REPLAY, w.accept("w1", RUN1, 2));
        assertEquals(REPLAY, w.accept("w1", RUN1, 1));
    }

    @Test
    void reorderingWithinTheWindowCountsOnceAndOlderIsRefused() {
        assertEquals(FRESH, w.accept("w1", RUN1, 100));
        assertEquals(FRESH, w.accept("w1", RUN1, 99));
        assertEquals(FRESH, w.accept("w1", RUN1, 37));
        assertEquals(REPLAY, w.accept("w1", RUN1, 99));
        assertEquals(REPLAY, w.accept("w1", RUN1, 36), "64 behind the highest: outside the window");
        assertEquals(FRESH, w.accept("w1", RUN1, 500), "a jump forward");
        assertEquals(REPLAY, w.accept("w1", RUN1, 100));
    }

    @Test
    void sendersHaveTheirOwnWindows() {
        assertEquals(FRESH, w.accept("w1", RUN1, 5));
        assertEquals(FRESH, w.accept("w2", RUN1, 5));
    }

    @Test
    void aRestartStartsAFreshWindowAndTheEarlierRunIsNeverTakenAgain() {
        assertEquals(FRESH, w.accept("w1", RUN1, 1_000));
        assertEquals(FRESH, w.accept("w1", RUN2, 1), "a later start: a restart, its count from 1");
        assertEquals(FRESH, w.accept("w1", RUN2, 2));
        assertEquals(OLD_INCARNATION, w.accept("w1", RUN1, 1_001), "a recording of the earlier run");
        assertEquals(FRESH, w.accept("w1", RUN2, 3), "and the current run is unaffected");
    }

    @Test
    void incarnationsAreOrderedByStartTimeAndNeverZero() {
        assertTrue(Long.compareUnsigned(RUN2, RUN1) > 0);
        assertTrue(Long.compareUnsigned(ReplayWindow.incarnation(1_000_001, 0), ReplayWindow.incarnation(1_000_000, 0xFFFF)) > 0);
        assertEquals(1, ReplayWindow.incarnation(0, 0));
    }
}
