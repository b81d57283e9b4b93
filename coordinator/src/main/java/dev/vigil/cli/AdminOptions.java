package dev.vigil.cli;

import dev.vigil.config.ClusterFile;
import dev.vigil.transport.grpc.AdminClient;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options of every command that asks a watcher: the cluster file, which watcher, as whom. */
final class AdminOptions {
    @Mixin
    ClusterOptions cluster;

    @Option(names = "--watcher", paramLabel = "ID", description = "Ask this watcher (default: each in turn).")
    String watcher;

    @Option(names = "--as", paramLabel = "NAME", defaultValue = "operator",
            description = "TLS identity: the certificate {id} to use (default: ${DEFAULT-VALUE}).")
    String as;

    List<AdminClient> admins(ClusterFile file) {
        return ClusterOptions.admins(file, watcher, as);
    }
}
