package dev.vigil.node;

import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import dev.vigil.core.WatcherId;
import dev.vigil.sim.Plant;
import dev.vigil.sim.Simulation;
import dev.vigil.store.AgentState;
import dev.vigil.store.FileStateStore;
import dev.vigil.store.WatcherState;
import dev.vigil.transport.grpc.Convert;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
 * code on a virtual clock, events formatted as the log would) from seed 1 on, until
 * {@value #FAILOVERS} failovers have run or {@value #BUDGET_MS} ms have passed; both kinds of
 * state file written and read in a temporary directory; the failover's messages through their
 * wire form. Each step is best effort: one that fails is logged, and the daemon starts all the
 * same.
 */
final class Rehearsal {
    static final int FAILOVERS = 2;
    static final int MAX_SEEDS = 50;
    static final long BUDGET_MS = 1_000;
    private static final Logger log = LoggerFactory.getLogger("dev.vigil.rehearsal");

    /** What the drill did; {@code problems} is empty unless a step failed. */
    record Summary(int seeds, int failovers, long millis, List<String> problems) {
        String describe() {
            return "rehearsal took_ms=" + millis + " seeds=" + seeds + " simulated_failovers=" + failovers
                    + (problems.isEmpty() ? "" : " problems=\"" + String.join("; ", problems) + "\"");
        }
    }

    private Rehearsal() {}

    /** Runs the drill in the JVM's temporary directory and logs what it did. */
    static Summary run() {
        Summary s = drill(Path.of(System.getProperty("java.io.tmpdir")), BUDGET_MS);
        if (s.problems().isEmpty()) {
            log.info(s.describe());
        } else {
            log.warn(s.describe());
        }
        return s;
    }

    /** The drill, its state files under {@code tmp}; at least one seed, then more within {@code budgetMs}. */
    static Summary drill(Path tmp, long budgetMs) {
        long start = System.nanoTime();
        long budgetNs = TimeUnit.MILLISECONDS.toNanos(budgetMs);
        List<String> problems = new ArrayList<>();
        int seeds = 0;
        int failovers = 0;
        try {
            // From seed 1: the same drill on every start. The trace makes each event describe itself.
            do {
                Simulation.Result r = Simulation.run(++seeds, 3, Plant.NONE, true);
                failovers += r.failovers();
                if (!r.ok()) {
                    problems.add("simulated seed " + seeds + " broke an invariant: " + r.violation());
                    break;
                }
            } while (failovers < FAILOVERS && seeds < MAX_SEEDS && System.nanoTime() - start < budgetNs);
        } catch (Exception | LinkageError | VirtualMachineError e) {
            problems.add("simulation: " + e);
        }
        try {
            stateFiles(tmp);
        } catch (Exception | LinkageError | VirtualMachineError e) {
            problems.add("state files: " + e);
        }
        try {
            Convert.rehearse();
        } catch (Exception | LinkageError | VirtualMachineError e) {
            problems.add("messages: " + e);
        }
        return new Summary(seeds, failovers, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), problems);
    }

    /** Both kinds of state file, saved and loaded in a new directory under {@code tmp} that is then removed. */
    private static void stateFiles(Path tmp) throws IOException {
        Path dir = Files.createTempDirectory(tmp, "vigil-rehearsal-");
        try {
            var group = new GroupId("rehearsal");
            var watcher = FileStateStore.forWatcher(dir.resolve("watcher"));
            watcher.save(group, new WatcherState(1, new WatcherId("w1"), 1, 0, 1, new NodeId("n2")));
            watcher.load(group);
            var agent = FileStateStore.forAgent(dir.resolve("agent"));
            agent.save(group, new AgentState(1, 1, new NodeId("n2"), true));
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
