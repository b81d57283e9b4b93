package dev.vigil.cli;

import dev.vigil.config.ClusterFile;
import dev.vigil.config.ClusterFileLoader;
import dev.vigil.config.ConfigException;
import dev.vigil.core.WatcherId;
import dev.vigil.failover.HookKind;
import dev.vigil.transport.grpc.AdminClient;
import dev.vigil.transport.grpc.Endpoint;
import dev.vigil.transport.grpc.TlsFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/** The options every command that reads the cluster file shares, and the exit codes they share. */
final class ClusterOptions {
    static final int OK = 0;
    static final int REFUSED = 1;
    static final int USAGE = 2;
    static final int UNAVAILABLE = 3;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The cluster file.")
    Path config;

    /** The cluster file, or null after printing every error in it; no hook needs to exist here. */
    ClusterFile load(PrintWriter err) {
        return load(err, Set.of());
    }

    /** As {@link #load(PrintWriter)}, checking that the hooks of {@code runsHere} exist on this host. */
    ClusterFile load(PrintWriter err, Set<HookKind> runsHere) {
        try {
            return ClusterFileLoader.load(config, runsHere);
        } catch (ConfigException e) {
            e.errors().forEach(err::println);
            err.flush();
            return null;
        }
    }

    /** Admin clients for {@code only} (if given) or every watcher, in cluster-file order. */
    static List<AdminClient> admins(ClusterFile file, String only, String as) {
        List<AdminClient> out = new ArrayList<>();
        for (ClusterFile.WatcherEntry w : file.watchers()) {
            if (only != null && !w.id().value().equals(only)) {
                continue;
            }
            TlsFiles tls = file.tls() == null ? null
                    : new TlsFiles(file.tls().ca(), file.tls().certFor(as), file.tls().keyFor(as));
            out.add(new AdminClient(new Endpoint(w.address().host(), w.address().port()), w.id().value(), tls));
        }
        if (only != null && out.isEmpty()) {
            throw new IllegalArgumentException("no watcher " + only + " in " + file.source() + "; watchers: "
                    + file.watchers().stream().map(ClusterFile.WatcherEntry::id).map(WatcherId::value).toList());
        }
        return out;
    }
}
