package dev.vigil.cli;

import dev.vigil.config.ClusterFile;
import dev.vigil.transport.grpc.AdminClient;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vigil events}: a watcher's recent decisions, each with its reason; {@code --follow} keeps going. */
@Command(name = "events", mixinStandardHelpOptions = true, description = "Print a watcher's recent events.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"1:the cluster file has errors", "2:bad usage", "3:the watcher did not answer"})
public final class EventsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AdminOptions admin;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new events until interrupted.")
    boolean follow;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ClusterFile file = admin.cluster.load(err);
        if (file == null) {
            return ClusterOptions.REFUSED;
        }
        List<AdminClient> clients = admin.admins(file);
        for (AdminClient c : clients) {
            try (c) {
                c.events(follow, e -> {
                    var sb = new StringBuilder(Instant.ofEpochMilli(e.atMs()).toString()).append(' ').append(e.type());
                    e.fields().forEach((k, v) -> sb.append(' ').append(k).append('=')
                            .append(v.indexOf(' ') >= 0 ? '"' + v + '"' : v));
                    out.println(sb);
                    out.flush();
                });
                return ClusterOptions.OK;
            } catch (AdminClient.AdminException e) {
                err.println("vigil events: " + c.target() + ": " + e.getMessage());
                err.flush();
            }
        }
        return ClusterOptions.UNAVAILABLE;
    }
}
