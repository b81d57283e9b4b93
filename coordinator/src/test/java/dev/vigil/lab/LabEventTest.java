package dev.vigil.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.core.Event;
import dev.vigil.core.GroupId;
import org.junit.jupiter.api.Test;

/** Events survive the trip through a log line: what the lab, the demo and the benchmarks read. */
class LabEventTest {
    @Test
    void aHookOutputWithLineBreaksAndQuotesStaysOneLineAndReadsBackExactly() {
        var e = new Event.HookFinished(5, "n2", new GroupId("web"), "acquire", "RETRYABLE", 1,
                "lab: \"injected\" failure\nsecond line \\ end");
        String line = "2026-11-22T08:19:56.781Z WARN  events " + e.describe();
        assertTrue(line.lines().count() == 1, line);
        LabEvent read = LabEvent.parse("agent-n2", line, 1_000).orElseThrow();
        assertEquals("HookFinished", read.type());
        assertEquals(e.fields(), read.fields());
        assertEquals(java.time.Instant.parse("2026-11-22T08:19:56.781Z").toEpochMilli() - 1_000, read.at());
    }

    @Test
    void linesThatAreNotEventsAreSkipped() {
        assertTrue(LabEvent.parse("w1", "2026-11-22T08:19:56.781Z INFO  WatcherNode listening on 10.77.0.10:7400", 0)
                .isEmpty());
        assertTrue(LabEvent.parse("w1", "\tat dev.vigil.Foo.bar(Foo.java:1)", 0).isEmpty());
    }
}
