package dev.vigil.bench.scale;

import dev.vigil.transport.grpc.AdminClient;
import dev.vigil.transport.grpc.Endpoint;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A loopback cluster of real processes for the scale benchmark: 3 watchers, {@code agents}
 * agents that each serve many groups, and one group, {@value #KILL_GROUP}, whose primary has
 * an agent to itself so that it can be killed without touching the others. Every group has its
 * own floating IP from 198.18.0.0/15 (the benchmarking range) that is never configured. With
 * {@code hookProcesses} the acquire and release hooks only append a line to {@code hooks.log}, one
 * {@code sh} process each; without, no group has hooks and the agents take and let go of the IPs
 * at once. Either way every change is counted from the agents' {@code IpChanged} events.
 *
 * <p>With {@code pin}, the watchers run on every CPU but the last and the agents (with their
 * hook processes) on the last, as if they were on other hosts: what is measured is what a
 * watcher needs, not how it fares against a storm of hook processes on its own cores.
 */
final class ScaleCluster implements AutoCloseable {
    static final String KILL_GROUP = "gkill";
    static final String KILL_NODE = "k1";
    static final List<String> WATCHERS = List.of("w1", "w2", "w3");

    private final Path dir;
    private final Map<String, Integer> watcherPorts = new LinkedHashMap<>();
    private final Map<String, Integer> agentPorts = new LinkedHashMap<>();
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Map<String, List<String>> commands = new LinkedHashMap<>();

    private final boolean pin;
    private final boolean hookProcesses;

    ScaleCluster(Path dir, int groups, int agents, boolean pin, boolean hookProcesses) throws IOException {
        this.dir = dir;
        this.pin = pin;
        this.hookProcesses = hookProcesses;
        List<Integer> ports = freePorts(WATCHERS.size() + agents + 1);
        int p = 0;
        for (String w : WATCHERS) {
            watcherPorts.put(w, ports.get(p++));
        }
        for (int a = 1; a <= agents; a++) {
            agentPorts.put("n" + a, ports.get(p++));
        }
        agentPorts.put(KILL_NODE, ports.get(p));
        Files.createDirectories(dir.resolve("state"));
        Path hook = dir.resolve("record-hook.sh");
        Files.writeString(hook, "#!/bin/sh\n# Records the hook call; configures nothing.\n"
                + "echo \"$1 $VIGIL_NODE $VIGIL_GROUP $VIGIL_TERM $VIGIL_FLOATING_IP\" >> '" + dir.resolve("hooks.log")
                + "'\n");
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(config(), clusterFile(groups, agents, hook));
    }

    Path config() {
        return dir.resolve("cluster.yaml");
    }

    Path log(String id) {
        return dir.resolve(id + ".log");
    }

    /** Groups g1..gN on nodes taken in pairs (n1 n2, n3 n4, ...), primaries alternating, plus the kill group. */
    private String clusterFile(int groups, int agents, Path hook) {
        StringBuilder y = new StringBuilder("state-dir: ").append(dir.resolve("state")).append("\nwatchers:\n");
        watcherPorts.forEach((w, port) -> y.append("  - id: ").append(w).append("\n    address: 127.0.0.1:").append(port)
                .append('\n'));
        y.append("groups:\n");
        int pairs = Math.max(1, agents / 2);
        for (int g = 1; g <= groups; g++) {
            int pair = (g - 1) % pairs;
            String a = "n" + (2 * pair + 1);
            String b = "n" + (2 * pair + 2);
            group(y, "g" + g, g, g % 2 == 0 ? b : a, a, b, hook);
        }
        group(y, KILL_GROUP, groups + 1, KILL_NODE, KILL_NODE, "n2", hook);
        return y.toString();
    }

    /** One group in flow style, two nodes, recording hooks if any: about 300 bytes. */
    private void group(StringBuilder y, String id, int index, String primary, String a, String b, Path hook) {
        y.append("  - {id: ").append(id).append(", floating-ip: 198.").append(18 + index / 65536).append('.')
                .append(index / 256 % 256).append('.').append(index % 256).append("/32, interface: bench0, initial-primary: ")
                .append(primary).append(",\n     ");
        if (hookProcesses) {
            y.append("hooks: {acquire: [").append(hook).append(", acquire], release: [").append(hook)
                    .append(", release]},\n     ");
        }
        y.append("nodes: [");
        for (String n : List.of(a, b)) {
            y.append(n.equals(a) ? "" : ", ").append("{id: ").append(n).append(", agent: \"127.0.0.1:")
                    .append(agentPorts.get(n)).append("\"}");
        }
        y.append("]}\n");
    }

    /**
     * Starts every agent, then every watcher, each as {@code java [jvmOpts] -jar jar ...} logging
     * to its own file, under {@code taskset} if pinned.
     */
    void start(Path jar, List<String> jvmOpts) throws IOException {
        int cpus = Runtime.getRuntime().availableProcessors();
        String agentCpus = String.valueOf(cpus - 1);
        String watcherCpus = cpus == 2 ? "0" : "0-" + (cpus - 2);
        for (String n : agentPorts.keySet()) {
            start(n, agentCpus, jar, jvmOpts, "agent", "--node", n);
        }
        for (String w : WATCHERS) {
            start(w, watcherCpus, jar, jvmOpts, "watcher", "--id", w);
        }
    }

    private void start(String id, String cpus, Path jar, List<String> jvmOpts, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(pin ? List.of("taskset", "-c", cpus, "java") : List.of("java"));
        cmd.addAll(jvmOpts);
        cmd.addAll(List.of("-jar", jar.toString(), args[0], "--config", config().toString(), args[1], args[2]));
        commands.put(id, cmd);
        processes.put(id, new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log(id).toFile()).start());
    }

    /** SIGKILL, then the same command again, its output appended to the same log. */
    void restart(String id) throws IOException, InterruptedException {
        processes.get(id).destroyForcibly().waitFor();
        processes.put(id, new ProcessBuilder(commands.get(id)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log(id).toFile())).start());
    }

    /**
     * How many times each agent has taken or let go of an IP so far, by kind and node ("release
     * n1"), from the agents' {@code IpChanged} events: one per hook that succeeded (or, with no
     * hooks, per change); a start-up that finds in its state file that the IP is not here
     * releases nothing and is not counted.
     */
    Map<String, Long> ipChanges() throws IOException {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String n : agentPorts.keySet()) {
            if (!Files.exists(log(n))) {
                continue;
            }
            try (var lines = Files.lines(log(n))) {
                lines.filter(l -> l.contains(" IpChanged ") && !l.contains(" reason=\"not here"))
                        .forEach(l -> counts.merge((l.contains(" held=true ") ? "acquire " : "release ") + n, 1L, Long::sum));
            }
        }
        return counts;
    }

    /** The size of the agents' logs: they grow with every hook and every change of an IP, and not while all is steady. */
    long agentLogBytes() {
        long bytes = 0;
        for (String n : agentPorts.keySet()) {
            try {
                bytes += Files.size(log(n));
            } catch (IOException e) {
                // not written yet
            }
        }
        return bytes;
    }

    /** The agents that serve many groups (not the kill group's own). */
    List<String> sharedAgents() {
        return agentPorts.keySet().stream().filter(n -> !n.equals(KILL_NODE)).toList();
    }

    long pid(String id) {
        return processes.get(id).pid();
    }

    boolean alive(String id) {
        return processes.get(id).isAlive();
    }

    /** SIGKILL, as a crash would. */
    void kill(String id) {
        processes.get(id).destroyForcibly();
    }

    AdminClient admin(String watcher) {
        return new AdminClient(new Endpoint("127.0.0.1", watcherPorts.get(watcher)), watcher, null);
    }

    @Override
    public void close() {
        processes.values().forEach(Process::destroy);
        for (Process p : processes.values()) {
            try {
                if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }

    private static List<Integer> freePorts(int n) throws IOException {
        List<ServerSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                open.add(new ServerSocket(0));
            }
            return open.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (ServerSocket s : open) {
                s.close();
            }
        }
    }
}
