package dev.vigil.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RehearsalTest {
    @Test
    void theDrillRunsSimulatedFailoversAndLeavesNothingBehind(@TempDir Path tmp) throws IOException {
        Rehearsal.Summary s = Rehearsal.drill(tmp, 60_000);
        assertEquals(List.of(), s.problems(), s.describe());
        assertTrue(s.failovers() >= Rehearsal.FAILOVERS, s.describe());
        assertTrue(s.seeds() <= Rehearsal.MAX_SEEDS, s.describe());
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList(), "the drill's state directory is removed");
        }
    }

    @Test
    void withNoTimeLeftTheDrillStillRunsOneSeed(@TempDir Path tmp) {
        Rehearsal.Summary s = Rehearsal.drill(tmp, 0);
        assertEquals(1, s.seeds(), s.describe());
        assertEquals(List.of(), s.problems(), s.describe());
    }

    @Test
    void aStepThatFailsIsReportedAndTheOthersStillRun(@TempDir Path tmp) throws IOException {
        Path notADirectory = Files.writeString(tmp.resolve("file"), "x");
        Rehearsal.Summary s = Rehearsal.drill(notADirectory, 60_000);
        assertEquals(1, s.problems().size(), s.describe());
        assertTrue(s.problems().get(0).startsWith("state files: "), s.describe());
        assertTrue(s.failovers() >= Rehearsal.FAILOVERS, "the simulation ran: " + s.describe());
        assertTrue(s.describe().contains("problems=\"state files: "), s.describe());
    }
}
