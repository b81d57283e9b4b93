package dev.vigil.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchTest {
    @Test
    void dispatchesEveryBenchmarkByName() {
        var names = Bench.commandLine().getSubcommands().keySet();
        assertEquals(true, names.containsAll(List.of("latency", "accuracy", "scale", "peers")), names.toString());
    }
}
