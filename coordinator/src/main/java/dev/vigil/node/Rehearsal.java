package dev.vigil.node;

import dev.vigil.agent.FencingRule;
import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import dev.vigil.core.WatcherId;
import dev.vigil.election.VoteRule;
import dev.vigil.sim.Simulation;
import dev.vigil.store.AgentState;
import dev.vigil.store.FileStateStore;
import dev.vigil.store.WatcherState;
import dev.vigil.transport.grpc.Convert;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fire drill at start: a daemon runs its failover path once before it serves, so that the
 * first real failover does not load and link that code while the group has no primary. Every
 * step of a failover is otherwise a first run in its JVM (class loading, lambda linkage,
 * interpreted code), and in the netns lab that cost about 140 ms per failover, most of Vigil's
 * overhead over the detection window.
 *
 * <p>The drill touches nothing real: simulated clusters ({@link Simulation}, the same protocol
 * code on a virtual clock) until {@value #FAILOVERS} failovers have run, state files written
 * and read in a temporary directory, and the failover's messages through their wire form. It
 * is best effort: a step that fails is reported and the daemon starts all the same.
 */
final class Rehearsal {
    static final int FAILOVERS = 2;
    static final int MAX_SEEDS = 50;
    private static final Logger log = LoggerFactory.getLogger("dev.vigil.rehearsal");

    /** What the drill did; {@code problem} is null unless a step failed. */
    record Summary(int seeds, int failovers, long millis, String problem) {
        String describe() {
            return "rehearsal of the failover path took " + millis + " ms: " + failovers + " simulated failovers in "
                    + seeds + " seeds, state files, messages" + (problem == null ? "" : "; " + problem);
        }
    }

    private Rehearsal() {}

    /** Runs the drill and logs what it did (a warning if a step failed). */
    static Summary run() {
        Summary s = drill();
        if (s.problem() == null) {
            log.info(s.describe());
        } else {
            log.warn(s.describe());
        }
        return s;
    }

    private static Summary drill() {
        long start = System.nanoTime();
        int seeds = 0;
        int failovers = 0;
        String problem = null;
        try {
            // Seeds from 1 on: the same drill on every start, and a seed's failovers replay exactly.
            for (long seed = 1; seed <= MAX_SEEDS && failovers < FAILOVERS; seed++) {
                Simulation.Result r = Simulation.run(seed, 3, VoteRule.STANDARD, FencingRule.STANDARD, true);
                seeds++;
                failovers += r.failovers();
                if (!r.ok()) {
                    problem = "simulated seed " + seed + " broke an invariant: " + r.violation();
                    break;
                }
            }
            stateFiles();
            Convert.rehearse();
        } catch (IOException | RuntimeException e) {
            problem = (problem == null ? "" : problem + "; ") + "a step failed: " + e;
        }
        return new Summary(seeds, failovers, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), problem);
    }

    /** Both kinds of state file, saved and loaded in a temporary directory that is then removed. */
    private static void stateFiles() throws IOException {
        Path dir = Files.createTempDirectory("vigil-rehearsal-");
        try {
            var group = new GroupId("rehearsal");
            var watcher = FileStateStore.forWatcher(dir.resolve("watcher"));
            watcher.save(group, new WatcherState(1, new WatcherId("w1"), 1, 0, 1, new NodeId("n2")));
            watcher.load(group);
            var agent = FileStateStore.forAgent(dir.resolve("agent"));
            agent.save(group, new AgentState(1, 1, new NodeId("n2")));
            agent.load(group);
        } finally {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
