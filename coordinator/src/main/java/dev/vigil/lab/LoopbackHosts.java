package dev.vigil.lab;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lab hosts without namespaces: host {@code i} listens on {@code 127.77.0.(10+i)}, a loopback
 * address of its own, so every daemon keeps its usual port. No floating IP and no network
 * faults; crash and hang are signals. What {@code vigil demo} uses without root.
 */
public final class LoopbackHosts implements LabHosts {
    private final Map<String, String> addresses = new LinkedHashMap<>();
    private final Map<String, List<Process>> processes = new LinkedHashMap<>();
    private final Path logs;

    public LoopbackHosts(List<String> hosts, Path logs) throws IOException {
        this.logs = LabHosts.freshLogs(logs);
        for (int i = 0; i < hosts.size(); i++) {
            addresses.put(hosts.get(i), "127.77.0." + (10 + i));
            processes.put(hosts.get(i), new ArrayList<>());
        }
    }

    @Override
    public List<String> hosts() {
        return List.copyOf(addresses.keySet());
    }

    @Override
    public String address(String host) {
        String a = addresses.get(host);
        if (a == null) {
            throw new IllegalArgumentException("no host " + host + " in the lab " + addresses.keySet());
        }
        return a;
    }

    @Override
    public Path logs() {
        return logs;
    }

    @Override
    public Process start(String host, String name, List<String> argv) throws IOException {
        address(host);
        Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve(name + ".log").toFile())).start();
        processes.get(host).add(p);
        return p;
    }

    @Override
    public String exec(String host, String... argv) {
        address(host);
        return NetnsLab.sh(argv);
    }

    @Override
    public void kill(String host) {
        for (Process p : processes.get(host)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        processes.get(host).clear();
    }

    @Override
    public void signal(String host, boolean cont) {
        for (Process p : processes.get(host)) {
            NetnsLab.run("kill", cont ? "-CONT" : "-STOP", String.valueOf(p.pid()));
        }
    }

    @Override
    public boolean realNetwork() {
        return false;
    }

    @Override
    public void close() {
        processes.keySet().forEach(this::kill);
    }
}
