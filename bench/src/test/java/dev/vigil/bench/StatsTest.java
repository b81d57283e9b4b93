package dev.vigil.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class StatsTest {
    @Test
    void percentilesAreNearestRankOfMeasuredValues() {
        Stats s = Stats.of(LongStream.rangeClosed(1, 100).map(i -> 101 - i).toArray());
        assertEquals(100, s.n());
        assertEquals(1, s.min());
        assertEquals(50, s.p50());
        assertEquals(99, s.p99());
        assertEquals(100, s.max());
        assertEquals(50.5, s.mean());
    }

    @Test
    void smallSamplesTakeTheValueAtTheRankRoundedUp() {
        Stats s = Stats.of(List.of(10, 30, 20));
        assertEquals(20, s.p50(), "rank ceil(1.5) = 2");
        assertEquals(30, s.p99(), "rank ceil(2.97) = 3");
        assertEquals(20, s.mean());
        Stats one = Stats.of(7.5);
        assertEquals(7.5, one.min());
        assertEquals(7.5, one.p99());
    }

    @Test
    void emptySampleIsNaNNotAnError() {
        Stats s = Stats.of(new double[0]);
        assertEquals(0, s.n());
        assertTrue(Double.isNaN(s.p50()));
    }

    @Test
    void percentileOutsideRangeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Stats.percentile(new double[] {1}, 0));
        assertThrows(IllegalArgumentException.class, () -> Stats.percentile(new double[] {1}, 101));
    }

    @Test
    void fieldsAreNamedAfterThePrefix() {
        assertEquals(3.0, Stats.of(1, 2, 3).fields("lag_ms").get("lag_ms_max"));
    }
}
