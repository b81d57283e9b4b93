package dev.vigil.cli;

import dev.vigil.sim.Demo;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code vigil demo}: a failover told as a timeline. For now it runs on the simulator (virtual
 * time, the real protocol classes); the network-namespace lab with a real floating IP replaces
 * it when the daemons land.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Crash a primary and watch Vigil fail over, step by step (simulated cluster).")
public final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the simulated network (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("vigil demo: simulated cluster on virtual time (3 watchers, primary n1, standby n2,");
        out.println("probe-interval 1000 ms, down-after 5000 ms); no real IP is touched.");
        out.println();
        Demo.Outcome o = Demo.run(seed, out);
        out.println();
        if (o.crashToStandbyMs() < 0) {
            out.println("demo: the standby never took over: this is a bug, please report it with --seed " + seed);
            out.flush();
            return 1;
        }
        out.printf("demo: crash->odown=%dms crash->standby=%dms overhead=%dms down-after=%dms failovers=%d%n",
                o.crashToOdownMs(), o.crashToStandbyMs(), o.crashToStandbyMs() - o.crashToOdownMs(), o.downAfterMs(),
                o.failovers());
        out.flush();
        return 0;
    }
}
