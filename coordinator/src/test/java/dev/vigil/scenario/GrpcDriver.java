package dev.vigil.scenario;

import dev.vigil.config.ClusterFile;
import dev.vigil.config.ClusterFileLoader;
import dev.vigil.config.ConfigException;
import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import dev.vigil.core.WatcherId;
import dev.vigil.node.AgentNode;
import dev.vigil.node.EventLog;
import dev.vigil.node.FreePorts;
import dev.vigil.node.WatcherNode;
import dev.vigil.transport.grpc.AdminClient;
import dev.vigil.transport.grpc.Endpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * {@link ClusterDriver} on real daemons in this JVM: three {@link WatcherNode}s and two
 * {@link AgentNode}s on loopback with free ports, real gRPC (plaintext), real
 * {@code SystemScheduler}s on wall-clock time, state files under a temporary directory, and
 * the group's hooks a shell script that appends {@code "$VIGIL_NODE $VIGIL_EVENT $VIGIL_TERM"}
 * to a file when it starts. Status and manual failover go through each watcher's admin gRPC
 * service, as the CLI's do.
 *
 * <p>A crash here is {@code close()}: the server stops, the core thread ends, the state files
 * stay, and the agent neither releases the IP nor runs any hook on the way out, so the group
 * sees what it would see after SIGKILL. Unlike SIGKILL, connections end with a GOAWAY rather
 * than a reset, a hook already running finishes, and a request in flight may still be answered
 * during the server's short grace period. {@code DaemonsIT} covers SIGKILL of real processes.
 */
final class GrpcDriver implements ClusterDriver {
    private static final GroupId GROUP = new GroupId("web");
    private static final long POLL_MS = 100;

    private final Path dir;
    private final Path calls;
    private final FreePorts ports = new FreePorts(8);
    private ClusterFile file;
    private final Map<String, WatcherNode> watchers = new LinkedHashMap<>();
    private final Map<String, AgentNode> agents = new LinkedHashMap<>();
    private final Map<String, AdminClient> admins = new LinkedHashMap<>();
    /** Every incarnation's event log, crashed ones included, for failure reports. */
    private final List<Map.Entry<String, EventLog>> logs = new ArrayList<>();

    GrpcDriver(Path dir) {
        this.dir = dir;
        this.calls = dir.resolve("calls.log");
    }

    @Override
    public void start() {
        try {
            Files.createFile(calls);
            Path hook = dir.resolve("hook.sh");
            Files.writeString(hook, "#!/bin/sh\necho \"$VIGIL_NODE $VIGIL_EVENT $VIGIL_TERM\" >> " + calls + "\n");
            Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path config = dir.resolve("cluster.yaml");
            Files.writeString(config, clusterFile(hook));
            file = ClusterFileLoader.parse(Files.readString(config), config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ConfigException e) {
            throw new IllegalStateException("the generated cluster file is refused: " + e.getMessage(), e);
        }
        var timings = file.group(GROUP).orElseThrow().protocol().timings();
        if (!timings.equals(TIMINGS)) {
            throw new IllegalStateException("the cluster file's timings " + timings + " differ from " + TIMINGS);
        }
        WATCHERS.forEach(this::restartWatcher);
        NODES.forEach(this::restartAgent);
    }

    private String clusterFile(Path hook) throws IOException {
        var sb = new StringBuilder("state-dir: " + dir.resolve("state") + "\nwatchers:\n");
        for (String w : WATCHERS) {
            sb.append("  - {id: ").append(w).append(", address: 127.0.0.1:").append(ports.next()).append("}\n");
        }
        sb.append("""
                groups:
                  - id: web
                    floating-ip: 192.0.2.10/24
                    interface: lo
                    quorum: 2
                    initial-primary: n1
                """);
        sb.append("    probe-interval: ").append(TIMINGS.probeIntervalMs()).append("ms\n");
        sb.append("    down-after: ").append(TIMINGS.downAfterMs()).append("ms\n");
        sb.append("    failover-timeout: ").append(TIMINGS.failoverTimeoutMs()).append("ms\n");
        sb.append("    hooks:\n");
        for (String k : List.of("promote", "demote", "acquire", "release")) {
            sb.append("      ").append(k).append(": [").append(hook).append("]\n");
        }
        sb.append("    nodes:\n");
        sb.append("      - {id: n1, agent: 127.0.0.1:").append(ports.next()).append(", priority: 100}\n");
        sb.append("      - {id: n2, agent: 127.0.0.1:").append(ports.next()).append(", priority: 90}\n");
        return sb.toString();
    }

    @Override
    public void crashAgent(String node) {
        AgentNode a = agents.remove(node);
        if (a != null) {
            a.close();
        }
    }

    @Override
    public void restartAgent(String node) {
        if (agents.containsKey(node)) {
            return;
        }
        try {
            AgentNode a = AgentNode.start(file, new NodeId(node));
            agents.put(node, a);
            logs.add(Map.entry(node, a.events()));
        } catch (IOException e) {
            throw new UncheckedIOException("agent " + node + " did not start", e);
        }
    }

    @Override
    public void crashWatcher(String watcher) {
        AdminClient c = admins.remove(watcher);
        if (c != null) {
            c.close();
        }
        WatcherNode w = watchers.remove(watcher);
        if (w != null) {
            w.close();
        }
    }

    @Override
    public void restartWatcher(String watcher) {
        if (watchers.containsKey(watcher)) {
            return;
        }
        WatcherId id = new WatcherId(watcher);
        try {
            WatcherNode w = WatcherNode.start(file, id);
            watchers.put(watcher, w);
            logs.add(Map.entry(watcher, w.events()));
        } catch (IOException e) {
            throw new UncheckedIOException("watcher " + watcher + " did not start", e);
        }
        ClusterFile.HostPort at = file.watcher(id).address();
        admins.put(watcher, new AdminClient(new Endpoint(at.host(), at.port()), watcher, null));
    }

    @Override
    public boolean manualFailover(String viaWatcher, String toNode) {
        AdminClient c = admins.get(viaWatcher);
        if (c == null) {
            return false;
        }
        try {
            c.failover(GROUP.value(), toNode, false);
            return true;
        } catch (AdminClient.AdminException e) {
            return false;
        }
    }

    @Override
    public void await(String what, Duration max, BooleanSupplier cond) {
        long start = System.nanoTime();
        long end = start + max.toNanos();
        String error = null;
        while (true) {
            try {
                if (cond.getAsBoolean()) {
                    return;
                }
                error = null;
            } catch (RuntimeException e) {
                error = e.toString();
            }
            if (System.nanoTime() >= end) {
                break;
            }
            sleep(POLL_MS);
        }
        throw new AssertionError("not within " + max.toMillis() + " ms: " + what
                + (error == null ? "" : "; last check threw " + error) + report());
    }

    @Override
    public void elapse(Duration d) {
        sleep(d.toMillis());
    }

    @Override
    public String primaryAt(String watcher) {
        AdminClient c = admins.get(watcher);
        return c == null ? null : c.status(GROUP.value()).get(0).primary();
    }

    @Override
    public List<String> hookCalls() {
        try {
            return Files.readAllLines(calls);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        admins.values().forEach(AdminClient::close);
        admins.clear();
        List.copyOf(agents.keySet()).forEach(this::crashAgent);
        List.copyOf(watchers.keySet()).forEach(this::crashWatcher);
    }

    private String report() {
        record Line(long wallMs, String text) {}
        List<Line> lines = new ArrayList<>();
        for (var log : logs) {
            log.getValue().recent().forEach(e -> lines.add(new Line(e.wallMs(), log.getKey() + " " + e.event().describe())));
        }
        lines.sort(Comparator.comparingLong(Line::wallMs));
        var sb = new StringBuilder("\nhook calls: ").append(file == null ? "[]" : hookCalls()).append("\nlast events:");
        lines.subList(Math.max(0, lines.size() - 50), lines.size())
                .forEach(l -> sb.append("\n").append(l.wallMs()).append(' ').append(l.text()));
        return sb.toString();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

}
