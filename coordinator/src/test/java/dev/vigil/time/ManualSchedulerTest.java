package dev.vigil.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManualSchedulerTest {
    private final ManualScheduler s = new ManualScheduler();
    private final List<String> ran = new ArrayList<>();

    @Test
    void runsDueTasksInTimeThenInsertionOrderAndStopsAtTheTarget() {
        s.schedule(20, () -> ran.add("b@" + s.nowMillis()));
        s.schedule(10, () -> ran.add("a@" + s.nowMillis()));
        s.schedule(20, () -> ran.add("c@" + s.nowMillis()));
        s.schedule(31, () -> ran.add("late"));

        s.advance(30);

        assertEquals(List.of("a@10", "b@20", "c@20"), ran);
        assertEquals(30, s.nowMillis());
        assertEquals(1, s.pending());
    }

    @Test
    void runsTasksScheduledByTasksWhenTheyFallDue() {
        s.schedule(10, () -> {
            ran.add("outer@" + s.nowMillis());
            s.schedule(0, () -> ran.add("now@" + s.nowMillis()));
            s.schedule(5, () -> ran.add("later@" + s.nowMillis()));
            s.schedule(100, () -> ran.add("too-late"));
        });

        s.advance(50);

        assertEquals(List.of("outer@10", "now@10", "later@15"), ran);
    }

    @Test
    void cancelledTimerNeverRuns() {
        Scheduler.Timer t = s.schedule(10, () -> ran.add("cancelled"));
        s.schedule(10, () -> ran.add("kept"));
        t.cancel();

        s.advance(10);
        t.cancel();

        assertEquals(List.of("kept"), ran);
    }

    @Test
    void negativeDelayRunsAtOnceAndTimeNeverGoesBack() {
        s.advance(5);
        s.schedule(-3, () -> ran.add("at " + s.nowMillis()));
        s.runDue();

        assertEquals(List.of("at 5"), ran);
        assertThrows(IllegalArgumentException.class, () -> s.advance(-1));
        assertThrows(IllegalArgumentException.class, () -> s.advanceTo(4));
    }
}
