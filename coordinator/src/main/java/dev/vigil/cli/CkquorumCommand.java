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

/** {@code vigil ckquorum GROUP}: can the watchers reach enough of each other to fail GROUP over? */
@Command(name = "ckquorum", mixinStandardHelpOptions = true,
        description = "Check that enough watchers can reach each other to authorize a failover.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:OK", "1:NOQUORUM, or unknown group", "2:bad usage", "3:no watcher answered"})
public final class CkquorumCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    AdminOptions admin;

    @Parameters(index = "0", paramLabel = "GROUP")
    String group;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ClusterFile file = admin.cluster.load(err);
        if (file == null) {
            return ClusterOptions.REFUSED;
        }
        for (AdminClient c : admin.admins(file)) {
            try (c) {
                AdminClient.QuorumView q = c.checkQuorum(group);
                out.println(q.reason() + " (asked " + c.target() + ")");
                out.flush();
                return q.ok() ? ClusterOptions.OK : ClusterOptions.REFUSED;
            } catch (AdminClient.AdminException e) {
                if (e.code().equals("NOT_FOUND") || e.code().equals("INVALID_ARGUMENT")) {
                    err.println("vigil ckquorum: " + e.getMessage());
                    err.flush();
                    return ClusterOptions.REFUSED;
                }
            }
        }
        err.println("vigil ckquorum: no watcher answered");
        err.flush();
        return ClusterOptions.UNAVAILABLE;
    }
}
