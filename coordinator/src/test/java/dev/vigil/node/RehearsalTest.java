package dev.vigil.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class RehearsalTest {
    @Test
    void theDrillRunsRealFailoversAndLeavesNothingBehind() throws IOException {
        List<Path> before = drillDirs();
        Rehearsal.Summary s = Rehearsal.run();
        assertNull(s.problem(), s.describe());
        assertTrue(s.failovers() >= Rehearsal.FAILOVERS, s.describe());
        assertTrue(s.seeds() >= 1 && s.seeds() <= Rehearsal.MAX_SEEDS, s.describe());
        assertEquals(before, drillDirs(), "the drill's temporary state directory is removed");
    }

    @Test
    void everyStartDrillsTheSameSeeds() {
        Rehearsal.Summary a = Rehearsal.run();
        Rehearsal.Summary b = Rehearsal.run();
        assertEquals(a.seeds(), b.seeds());
        assertEquals(a.failovers(), b.failovers());
    }

    private static List<Path> drillDirs() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("vigil-rehearsal-")).sorted().toList();
        }
    }
}
