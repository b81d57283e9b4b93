package dev.vigil.cli;

import dev.vigil.config.ClusterConfig;
import dev.vigil.config.ClusterFile;
import dev.vigil.config.ClusterFileLoader;
import dev.vigil.config.ConfigException;
import dev.vigil.config.GroupConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vigil check-config FILE}: loads the cluster file exactly as the daemons do and prints
 * either an OK line (then each group's config fingerprint) or every problem, one per line as {@code file:line: key: message}, so an
 * operator (or a deploy pipeline) can fix the file in one pass before any daemon reads it.
 */
@Command(name = "check-config", mixinStandardHelpOptions = true,
        description = "Validate a cluster file and print every problem found.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the file is valid", "1:the file has problems (listed on stderr)", "2:bad usage"})
public final class CheckConfigCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The cluster file (YAML).")
    Path file;

    @Override
    public Integer call() {
        try {
            ClusterFile cluster = ClusterFileLoader.load(file);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("OK: %s (%d watchers, %d groups)%n", file, cluster.watchers().size(), cluster.groups().size());
            ClusterConfig protocol = cluster.protocol();
            for (GroupConfig g : protocol.groups()) {
                // what `vigil status` compares across hosts: the same file gives the same line everywhere
                out.printf("group %s: config fingerprint %s%n", g.id(), protocol.fingerprint(g.id()));
            }
            out.flush();
            return 0;
        } catch (ConfigException e) {
            PrintWriter err = spec.commandLine().getErr();
            e.errors().forEach(err::println);
            err.flush();
            return 1;
        }
    }
}
