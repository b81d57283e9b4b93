package dev.vigil.cli;

import dev.vigil.config.ClusterFile;
import dev.vigil.core.WatcherId;
import dev.vigil.node.WatcherNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vigil watcher}: the voting daemon. Runs until killed. */
@Command(name = "watcher", mixinStandardHelpOptions = true, description = "Run a voting watcher.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"1:the cluster file has errors", "2:bad usage", "3:cannot start (address in use, bad state file, TLS files)"})
public final class WatcherCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--id", required = true, description = "This watcher's id in the cluster file.")
    String id;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        ClusterFile file = cluster.load(err, WatcherNode.HOOKS);
        if (file == null) {
            return ClusterOptions.REFUSED;
        }
        WatcherNode node;
        try {
            node = WatcherNode.start(file, new WatcherId(id));
        } catch (RuntimeException | java.io.IOException e) {
            err.println("vigil watcher " + id + ": cannot start: " + e.getMessage());
            err.flush();
            return ClusterOptions.UNAVAILABLE;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(node::close, "vigil-shutdown"));
        spec.commandLine().getOut().println("watcher " + id + " listening on port " + node.port());
        spec.commandLine().getOut().flush();
        node.awaitTermination();
        return ClusterOptions.OK;
    }
}
