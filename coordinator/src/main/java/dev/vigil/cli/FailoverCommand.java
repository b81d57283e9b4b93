package dev.vigil.cli;

import dev.vigil.config.ClusterFile;
import dev.vigil.transport.grpc.AdminClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vigil failover GROUP}: a manual switchover through an election, in graceful order;
 * waits for the new primary unless told not to. {@code --force} skips the election.
 */
@Command(name = "failover", mixinStandardHelpOptions = true, description = "Move a group's primary role and IP.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done (or started, with --no-wait)", "1:refused (unknown group or node, one already running, "
            + "or no new primary within failover-timeout)", "2:bad usage", "3:no watcher answered"})
public final class FailoverCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AdminOptions admin;

    @Parameters(index = "0", paramLabel = "GROUP")
    String group;

    @Option(names = "--to", paramLabel = "NODE", description = "The node to promote (default: the best standby).")
    String to;

    @Option(names = "--force", description = "No election, no quorum: for disasters only. Split brain is possible.")
    boolean force;

    @Option(names = "--no-wait", description = "Return once the failover has started.")
    boolean noWait;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ClusterFile file = admin.cluster.load(err);
        if (file == null) {
            return ClusterOptions.REFUSED;
        }
        if (force) {
            err.println("WARNING: --force fails " + group + " over WITHOUT an election or quorum. If the current primary "
                    + "is alive and reachable by clients, both may hold the floating IP. Use only in a disaster.");
            err.flush();
        }
        for (AdminClient c : admin.admins(file)) {
            try (c) {
                String before = c.status(group).get(0).primary();
                long term = c.failover(group, to, force);
                out.println("failover of " + group + " started by " + c.target() + " in term " + term);
                out.flush();
                return noWait ? ClusterOptions.OK : await(c, file, before, out, err);
            } catch (AdminClient.AdminException e) {
                if (!e.code().equals("UNAVAILABLE") && !e.code().equals("DEADLINE_EXCEEDED")) {
                    err.println("vigil failover: " + e.getMessage());
                    err.flush();
                    return ClusterOptions.REFUSED;
                }
                err.println("vigil failover: " + c.target() + " unreachable, trying the next watcher");
            }
        }
        err.println("vigil failover: no watcher answered");
        err.flush();
        return ClusterOptions.UNAVAILABLE;
    }

    private int await(AdminClient c, ClusterFile file, String before, PrintWriter out, PrintWriter err)
            throws InterruptedException {
        long timeout = file.group(new dev.vigil.core.GroupId(group)).orElseThrow().protocol().timings().failoverTimeoutMs();
        long start = System.nanoTime();
        while ((System.nanoTime() - start) / 1_000_000 < timeout + 2_000) {
            AdminClient.GroupView v = c.status(group).get(0);
            if (!v.primary().equals(before)) {
                out.printf("%s: primary is now %s (config epoch %d), after %d ms%n", group, v.primary(), v.configEpoch(),
                        (System.nanoTime() - start) / 1_000_000);
                out.flush();
                return ClusterOptions.OK;
            }
            Thread.sleep(100);
        }
        err.println("vigil failover: " + group + " still has primary " + before + " after failover-timeout; "
                + "see vigil events for why");
        err.flush();
        return ClusterOptions.REFUSED;
    }
}
