package dev.vigil.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.agent.FencingRule;
import dev.vigil.election.VoteRule;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The simulator over many seeds: every safety invariant after every step, liveness once faults
 * stop. Seeds alternate between 3 and 5 watchers. A failure names each violating seed and the
 * one command that replays it.
 */
class SimulationSeedsTest {
    static final int SEEDS = Integer.getInteger("vigil.sim.seeds", 10_000);

    @Test
    void everySeedHoldsEveryInvariant() {
        AtomicInteger failovers = new AtomicInteger();
        List<Simulation.Result> bad = LongStream.rangeClosed(1, SEEDS).parallel()
                .mapToObj(s -> Simulation.run(s, s % 2 == 0 ? 3 : 5, Plant.NONE, false))
                .peek(r -> failovers.addAndGet(r.failovers()))
                .filter(r -> !r.ok())
                .collect(Collectors.toList());
        System.out.printf("simulation: seeds=%d violations=%d failovers=%d%n", SEEDS, bad.size(), failovers.get());
        assertEquals(List.of(), bad.stream().map(SimulationSeedsTest::describe).toList());
    }

    static String describe(Simulation.Result r) {
        return "seed " + r.seed() + " (" + r.watchers() + " watchers): " + r.violation()
                + "\n  replay: ./vigil simulate --seeds 1 --seed " + r.seed() + " --watchers " + r.watchers()
                + " --trace\n    " + String.join("\n    ", r.trace());
    }
}
