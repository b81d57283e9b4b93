package dev.vigil.cli;

import dev.vigil.config.ClusterFile;
import dev.vigil.core.NodeId;
import dev.vigil.node.AgentNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vigil agent}: the daemon on each HA node that holds or releases the floating IP. */
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

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
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
        Runtime.getRuntime().addShutdownHook(new Thread(agent::close, "vigil-shutdown"));
        spec.commandLine().getOut().println("agent " + node + " listening");
        spec.commandLine().getOut().flush();
        agent.awaitTermination();
        return ClusterOptions.OK;
    }
}
