package dev.vigil.cli;

import dev.vigil.sim.Plant;
import dev.vigil.sim.Simulation;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code vigil simulate}: runs whole clusters on virtual time, one per seed, with injected
 * faults and every safety invariant checked after every step. Prints each violation with its
 * trace and replay command, then exactly one summary line. Exit 1 on any violation.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Run the deterministic simulator over many seeds and check every invariant.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every seed held every invariant", "1:a violation was found", "2:bad usage"})
public final class SimulateCommand implements Callable<Integer> {
    private static final int SHOWN = 3;

    @Spec
    CommandSpec spec;

    @Option(names = "--seeds", defaultValue = "1000", description = "How many seeds to run (default: ${DEFAULT-VALUE}).")
    long seeds;

    @Option(names = "--seed", defaultValue = "1", description = "The first seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--watchers", description = "3 or 5 watchers (default: 3 for even seeds, 5 for odd).")
    Integer watchers;

    @Option(names = "--threads", description = "Worker threads (default: the number of cores).")
    Integer threads;

    @Option(names = "--trace", description = "Print the last events of every seed, violation or not.")
    boolean trace;

    @Override
    public Integer call() throws Exception {
        if (seeds < 1) {
            throw new ParameterException(spec.commandLine(), "--seeds must be at least 1, got " + seeds);
        }
        if (watchers != null && watchers != 3 && watchers != 5) {
            throw new ParameterException(spec.commandLine(), "--watchers must be 3 or 5, got " + watchers);
        }
        int nThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (nThreads < 1) {
            throw new ParameterException(spec.commandLine(), "--threads must be at least 1, got " + nThreads);
        }
        PrintWriter out = spec.commandLine().getOut();
        long started = System.nanoTime();
        AtomicLong next = new AtomicLong(seed);
        long last = seed + seeds;
        List<Simulation.Result> bad = new ArrayList<>();
        long[] totals = new long[3];
        ExecutorService pool = Executors.newFixedThreadPool(nThreads);
        try {
            List<Future<long[]>> parts = new ArrayList<>();
            for (int i = 0; i < nThreads; i++) {
                parts.add(pool.submit(() -> {
                    long[] sum = new long[3];
                    for (long s = next.getAndIncrement(); s < last; s = next.getAndIncrement()) {
                        int w = watchers != null ? watchers : (s % 2 == 0 ? 3 : 5);
                        Simulation.Result r = Simulation.run(s, w, Plant.NONE, trace);
                        sum[0] += r.failovers();
                        sum[1] += r.events();
                        sum[2] += r.virtualMs();
                        if (!r.ok() || trace) {
                            synchronized (bad) {
                                bad.add(r);
                            }
                        }
                    }
                    return sum;
                }));
            }
            for (Future<long[]> f : parts) {
                long[] sum = f.get();
                for (int i = 0; i < 3; i++) {
                    totals[i] += sum[i];
                }
            }
        } finally {
            pool.shutdownNow();
        }
        bad.sort(Comparator.comparingLong(Simulation.Result::seed));
        long violations = bad.stream().filter(r -> !r.ok()).count();
        int shown = 0;
        for (Simulation.Result r : bad) {
            if (r.ok()) {
                out.printf("seed %d (%d watchers): ok, %d failovers%n", r.seed(), r.watchers(), r.failovers());
                r.trace().forEach(line -> out.println("  " + line));
            } else if (shown++ < SHOWN) {
                report(out, r);
            }
        }
        double secs = (System.nanoTime() - started) / 1e9;
        out.printf("throughput: %.0f seeds/s, %.2fM events/s, %.0f s virtual per seed, %d threads%n",
                seeds / secs, totals[1] / secs / 1e6, totals[2] / 1000.0 / seeds, nThreads);
        out.printf("simulate: seeds=%d violations=%d failovers=%d elapsed=%.1fs%n", seeds, violations, totals[0], secs);
        out.flush();
        return violations == 0 ? 0 : 1;
    }

    private static void report(PrintWriter out, Simulation.Result r) {
        out.printf("VIOLATION seed=%d watchers=%d: %s%n", r.seed(), r.watchers(), r.violation());
        out.println("  last events:");
        r.trace().forEach(line -> out.println("    " + line));
        out.printf("  replay: ./vigil simulate --seeds 1 --seed %d --watchers %d --trace%n", r.seed(), r.watchers());
    }
}
