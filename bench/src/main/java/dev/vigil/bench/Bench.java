package dev.vigil.bench;

import dev.vigil.bench.scale.ScaleBench;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The {@code vigil-bench} entry point: one subcommand per benchmark, each printing a table and
 * writing its results and picture under {@code bench/results/}. The lab benchmarks (latency,
 * accuracy, peers) live in {@code dev.vigil.bench.lab} and are found by class name, so they can
 * be added without editing this class: each is a picocli {@code @Command} implementing
 * {@code Callable<Integer>}. A benchmark's exit code says whether it ran, never whether a
 * target was met.
 */
@Command(name = "vigil-bench", mixinStandardHelpOptions = true, version = "vigil-bench 0.1.0-SNAPSHOT",
        description = "Vigil's benchmarks: latency, accuracy, scale, peers.",
        subcommands = {ScaleBench.class, CommandLine.HelpCommand.class})
public final class Bench implements Runnable {
    /** Benchmarks found by class name: subcommand name to class. */
    static final Map<String, String> LAB = new LinkedHashMap<>();

    static {
        LAB.put("latency", "dev.vigil.bench.lab.LatencyBench");
        LAB.put("accuracy", "dev.vigil.bench.lab.AccuracyBench");
        LAB.put("peers", "dev.vigil.bench.lab.PeersBench");
    }

    @CommandLine.Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The command line with every benchmark; one not written yet answers with exit code 2. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Bench());
        LAB.forEach((name, className) -> cl.addSubcommand(name, labCommand(name, className)));
        return cl;
    }

    private static Object labCommand(String name, String className) {
        try {
            return Class.forName(className).getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            return CommandSpec.wrapWithoutInspection((Callable<Integer>) () -> {
                System.err.println("bench " + name + ": not written yet (" + className + ")");
                return 2;
            }).usageMessage(new CommandLine.Model.UsageMessageSpec().description("(not written yet)"));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create " + className, e);
        }
    }

    public static void main(String[] args) {
        // Ctrl-C or a timeout's SIGTERM skips a benchmark's own cleanup, and its daemons would
        // outlive it and load the machine for the next run. Other threads run on while the hook
        // does, so it kills until no descendant is left. Namespaces a lab run leaves are swept
        // by the next run with the same prefix.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (int round = 0; round < 50 && ProcessHandle.current().descendants().findAny().isPresent(); round++) {
                ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-cleanup"));
        System.exit(commandLine().execute(args));
    }
}
