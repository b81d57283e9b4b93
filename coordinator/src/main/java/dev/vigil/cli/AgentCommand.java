package dev.vigil.cli;

import dev.vigil.config.ClusterFile;
import dev.vigil.config.ClusterFileValues;
import dev.vigil.core.NodeId;
import dev.vigil.node.AgentNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/**
 * {@code vigil agent}: the daemon on each HA node that holds or releases the floating IP. On
 * SIGTERM (or SIGINT) it stops as {@link AgentNode#stop} says: a primary hands over and lets go
 * of the IP, then the JVM exits (143). A second signal cuts the wait for the handover short, a
 * third exits at once.
 */
@Command(name = "agent", mixinStandardHelpOptions = true, description = "Run a node's agent.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"1:the cluster file has errors", "2:bad usage", "3:cannot start (address in use, bad state file, TLS files)"})
public final class AgentCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--node", required = true, description = "This node's id in the cluster file.")
    String node;

    @Option(names = "--stop-timeout", paramLabel = "DURATION", defaultValue = "10s",
            description = "On SIGTERM, how long a primary waits for the watchers' switchover before it runs its "
                    + "release hook itself (default: ${DEFAULT-VALUE}); the release then takes at most the hook timeout.")
    String stopTimeout;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        long stopTimeoutMs;
        try {
            stopTimeoutMs = ClusterFileValues.durationMs(stopTimeout);
        } catch (IllegalArgumentException e) {
            err.println("vigil agent: --stop-timeout: " + e.getMessage());
            err.flush();
            return ClusterOptions.USAGE;
        }
        ClusterFile file = cluster.load(err, AgentNode.HOOKS);
        if (file == null) {
            return ClusterOptions.REFUSED;
        }
        AgentNode agent;
        try {
            agent = AgentNode.start(file, new NodeId(node));
        } catch (RuntimeException | java.io.IOException e) {
            err.println("vigil agent " + node + ": cannot start: " + e.getMessage());
            err.flush();
            return ClusterOptions.UNAVAILABLE;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            AtomicInteger more = new AtomicInteger();
            for (String name : new String[] {"TERM", "INT"}) {
                try {
                    // Once shutdown has begun the JVM ignores further signals: these make them count.
                    Signal.handle(new Signal(name), s -> {
                        if (more.incrementAndGet() == 1) {
                            agent.hurry();
                        } else {
                            Runtime.getRuntime().halt(128 + s.getNumber());
                        }
                    });
                } catch (IllegalArgumentException e) {
                    // the JVM keeps this signal (-Xrs): the stop still runs, bounded by its timeouts
                }
            }
            agent.stop(stopTimeoutMs);
        }, "vigil-shutdown"));
        spec.commandLine().getOut().println("agent " + node + " listening");
        spec.commandLine().getOut().flush();
        agent.awaitTermination();
        return ClusterOptions.OK;
    }
}
