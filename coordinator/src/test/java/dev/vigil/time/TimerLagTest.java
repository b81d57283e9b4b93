package dev.vigil.time;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TimerLagTest {
    private static final long MS = 1_000_000;

    @Test
    void percentilesAreTheUpperBoundOfTheBucketHoldingTheRank() {
        TimerLag lag = new TimerLag();
        for (int i = 0; i < 98; i++) {
            lag.record(MS / 10); // 0.1 ms
        }
        lag.record(12 * MS);
        lag.record(60 * MS);
        TimerLag.Snapshot s = lag.snapshot();
        assertEquals(100, s.total());
        assertEquals(500, s.percentileAtMostUs(50));
        assertEquals(15_000, s.percentileAtMostUs(99), "the 99th of 100 is the 12 ms timer");
        assertEquals(75_000, s.percentileAtMostUs(100));
        assertEquals(60_000, s.maxUs());
    }

    @Test
    void aWindowIsTheDifferenceOfTwoSnapshots() {
        TimerLag lag = new TimerLag();
        lag.record(900 * MS);
        TimerLag.Snapshot before = lag.snapshot();
        lag.record(2 * MS);
        lag.record(-5); // a timer that ran early counts as on time
        TimerLag.Snapshot window = lag.snapshot().minus(before);
        assertEquals(2, window.total());
        assertEquals(2_000, window.percentileAtMostUs(99));
        assertEquals(500, window.percentileAtMostUs(50));
    }

    @Test
    void lagAboveEveryBoundAndNoTimersAtAllAreSaidSo() {
        TimerLag lag = new TimerLag();
        assertEquals(-1, lag.snapshot().percentileAtMostUs(99));
        lag.record(6_000 * MS);
        assertEquals(Long.MAX_VALUE, lag.snapshot().percentileAtMostUs(99));
    }
}
