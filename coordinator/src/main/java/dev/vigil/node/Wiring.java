package dev.vigil.node;

import dev.vigil.config.ClusterFile;
import dev.vigil.failover.HookKind;
import dev.vigil.hooks.ProcessHookRunner;
import dev.vigil.transport.grpc.Endpoint;
import dev.vigil.transport.grpc.TlsFiles;
import java.security.SecureRandom;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What both daemons derive from the cluster file: endpoints, TLS files, hooks. */
final class Wiring {
    private Wiring() {}

    /** A new process's incarnation: random, never 0. */
    static long incarnation() {
        long id;
        do {
            id = new SecureRandom().nextLong();
        } while (id == 0);
        return id;
    }

    /**
     * A process's incarnation on the probe datagrams: its start time (wall clock) in the high
     * bits, so that a receiver takes a restart for a new run and refuses recordings of an older
     * one (see transport/udp's ReplayWindow); random low bits, never 0.
     */
    static long datagramIncarnation() {
        long id = (System.currentTimeMillis() << 16) | (new SecureRandom().nextInt() & 0xFFFF);
        return id == 0 ? 1 : id;
    }

    static java.net.InetSocketAddress udp(ClusterFile.HostPort hp) {
        return new java.net.InetSocketAddress(hp.host(), hp.port());
    }

    static Endpoint endpoint(ClusterFile.HostPort hp) {
        return new Endpoint(hp.host(), hp.port());
    }

    static TlsFiles tls(ClusterFile file, String id) {
        ClusterFile.Tls t = file.tls();
        return t == null ? null : new TlsFiles(t.ca(), t.certFor(id), t.keyFor(id));
    }

    /** The hooks of every group, limited to {@code kinds} (the agent's or the leader's). */
    static Map<dev.vigil.core.GroupId, ProcessHookRunner.GroupHooks> hooks(ClusterFile file, Set<HookKind> kinds) {
        var out = new LinkedHashMap<dev.vigil.core.GroupId, ProcessHookRunner.GroupHooks>();
        for (ClusterFile.GroupEntry g : file.groups()) {
            Map<HookKind, List<String>> argv = new EnumMap<>(HookKind.class);
            g.hooks().argv().forEach((k, v) -> {
                if (kinds.contains(k)) {
                    argv.put(k, v);
                }
            });
            out.put(g.id(), new ProcessHookRunner.GroupHooks(argv, g.hooks().timeoutMs(), g.floatingIp().address(),
                    g.floatingIp().prefix(), g.iface()));
        }
        return out;
    }
}
