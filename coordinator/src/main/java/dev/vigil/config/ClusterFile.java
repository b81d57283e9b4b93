package dev.vigil.config;

import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import dev.vigil.core.WatcherId;
import dev.vigil.failover.HookKind;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole cluster file as loaded and validated by {@link ClusterFileLoader}: where state
 * lives, TLS, how probes travel, the voting watchers and the groups with everything the edges need (addresses,
 * floating IP, probe, hooks). {@link #protocol()} is the part the protocol core sees. Every
 * value here has passed validation; the records only guard against nulls.
 */
public record ClusterFile(Path source, Path stateDir, Tls tls, ProbeTransport probes, List<WatcherEntry> watchers,
        List<GroupEntry> groups) {
    public ClusterFile {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(probes, "probes");
        watchers = List.copyOf(watchers);
        groups = List.copyOf(groups);
    }

    /** The protocol's view: watcher ids and group configs. */
    public ClusterConfig protocol() {
        return new ClusterConfig(watchers.stream().map(WatcherEntry::id).toList(),
                groups.stream().map(GroupEntry::protocol).toList());
    }

    /** The named watcher; an unknown id is an operator error (a wrong {@code --id}). */
    public WatcherEntry watcher(WatcherId id) {
        return findWatcher(id).orElseThrow(() -> new IllegalArgumentException("watcher " + id + " is not in "
                + source + "; it names " + watchers.stream().map(w -> w.id().value()).toList()));
    }

    public Optional<WatcherEntry> findWatcher(WatcherId id) {
        return watchers.stream().filter(w -> w.id().equals(id)).findFirst();
    }

    public Optional<GroupEntry> group(GroupId id) {
        return groups.stream().filter(g -> g.id().equals(id)).findFirst();
    }

    /** The groups a node belongs to: what {@code vigil agent --node N} serves. */
    public List<GroupEntry> groupsOf(NodeId node) {
        return groups.stream().filter(g -> g.agents().containsKey(node)).toList();
    }

    /** The agent address of a node, the same in every group it belongs to. */
    public Optional<HostPort> agent(NodeId node) {
        return Optional.ofNullable(agents().get(node));
    }

    /** Every node's agent address, across groups, in file order. */
    public Map<NodeId, HostPort> agents() {
        var all = new LinkedHashMap<NodeId, HostPort>();
        groups.forEach(g -> g.agents().forEach(all::putIfAbsent));
        return Collections.unmodifiableMap(all);
    }

    /** Where a process with this id (watcher or node) keeps its state: {@code <state-dir>/<id>/}. */
    public Path stateDirOf(String id) {
        return stateDir.resolve(id);
    }

    /** A voting watcher and the address its peers and the CLI reach it at. */
    public record WatcherEntry(WatcherId id, HostPort address) {
        public WatcherEntry {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(address, "address");
        }
    }

    /** One group: its protocol config plus what the edges need. {@code agents} keeps file order. */
    public record GroupEntry(GroupConfig protocol, FloatingIp floatingIp, String iface, Probe probe, Hooks hooks,
            Map<NodeId, HostPort> agents) {
        public GroupEntry {
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(floatingIp, "floatingIp");
            Objects.requireNonNull(iface, "iface");
            Objects.requireNonNull(probe, "probe");
            Objects.requireNonNull(hooks, "hooks");
            agents = Collections.unmodifiableMap(new LinkedHashMap<>(agents));
        }

        public GroupId id() {
            return protocol.id();
        }

        public Optional<HostPort> agent(NodeId node) {
            return Optional.ofNullable(agents.get(node));
        }
    }

    /** A host (IPv4 literal, IPv6 literal without brackets, or lower-case DNS name) and a port. */
    public record HostPort(String host, int port) {
        public HostPort {
            Objects.requireNonNull(host, "host");
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("port must be 1 to 65535, got " + port);
            }
        }

        /** Parses host:port or [v6]:port without any DNS lookup. */
        public static HostPort parse(String text) {
            return ClusterFileValues.hostPort(text);
        }

        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** The group's floating IP; the address is in canonical text form. */
    public record FloatingIp(String address, int prefix, boolean v6) {
        public FloatingIp {
            Objects.requireNonNull(address, "address");
            if (prefix < 0 || prefix > (v6 ? 128 : 32)) {
                throw new IllegalArgumentException("prefix /" + prefix + " out of range");
            }
        }

        public static FloatingIp parse(String text) {
            return ClusterFileValues.floatingIp(text);
        }

        @Override
        public String toString() {
            return address + "/" + prefix;
        }
    }

    /**
     * How a node's service is checked. Watchers always probe the agent; with {@code AGENT} a live
     * agent is enough, with the other kinds the agent checks its local service (on 127.0.0.1)
     * and answers "not serving" while that check fails. Fields a kind does not use are 0, empty
     * or false.
     */
    public record Probe(Kind kind, int port, String path, int expect, boolean https, List<String> command,
            String service) {
        public enum Kind {
            AGENT("agent"), TCP("tcp"), HTTP("http"), EXEC("exec"), GRPC_HEALTH("grpc-health");

            private final String key;

            Kind(String key) {
                this.key = key;
            }

            public String key() {
                return key;
            }

            public static Optional<Kind> of(String key) {
                for (Kind k : values()) {
                    if (k.key.equals(key)) {
                        return Optional.of(k);
                    }
                }
                return Optional.empty();
            }
        }

        public Probe {
            Objects.requireNonNull(kind, "kind");
            path = path == null ? "" : path;
            service = service == null ? "" : service;
            command = List.copyOf(command == null ? List.of() : command);
        }

        public static Probe agent() {
            return new Probe(Kind.AGENT, 0, "", 0, false, List.of(), "");
        }
    }

    /** A group's hooks: argv per kind (absent kinds are not run) and the per-run timeout. */
    public record Hooks(Map<HookKind, List<String>> argv, long timeoutMs) {
        public static final long DEFAULT_TIMEOUT_MS = 10_000;

        public Hooks {
            var copy = new EnumMap<HookKind, List<String>>(HookKind.class);
            argv.forEach((k, v) -> copy.put(k, List.copyOf(v)));
            argv = Collections.unmodifiableMap(copy);
            if (timeoutMs <= 0) {
                throw new IllegalArgumentException("hook timeout must be positive, got " + timeoutMs + " ms");
            }
        }

        public static Hooks none() {
            return new Hooks(Map.of(), DEFAULT_TIMEOUT_MS);
        }

        public Optional<List<String>> of(HookKind kind) {
            return Optional.ofNullable(argv.get(kind));
        }
    }

    /** TLS material; {@code {id}} in the cert and key patterns is replaced by the process id. */
    public record Tls(Path ca, String certPattern, String keyPattern) {
        public Tls {
            Objects.requireNonNull(ca, "ca");
            Objects.requireNonNull(certPattern, "certPattern");
            Objects.requireNonNull(keyPattern, "keyPattern");
        }

        public Path certFor(String id) {
            return Path.of(certPattern.replace("{id}", id));
        }

        public Path keyFor(String id) {
            return Path.of(keyPattern.replace("{id}", id));
        }
    }

    /**
     * How watchers probe agents ({@code probe-transport}; when absent, udp with a key file and
     * gRPC without) and the
     * key that authenticates probe datagrams ({@code probe-key-file}). An agent listens for
     * datagrams whenever a key file is set, so agents can be rolled before the watchers switch.
     * {@code key} is read only by a process that runs a daemon here (null otherwise, and when no
     * key file is set).
     */
    public record ProbeTransport(Kind kind, Path keyFile, ClusterFileKey key) {
        public enum Kind {
            GRPC, UDP
        }

        public ProbeTransport {
            Objects.requireNonNull(kind, "kind");
            if (kind == Kind.UDP && keyFile == null) {
                throw new IllegalArgumentException("probe-transport udp needs probe-key-file");
            }
        }

        public static ProbeTransport grpc() {
            return new ProbeTransport(Kind.GRPC, null, null);
        }
    }
}
