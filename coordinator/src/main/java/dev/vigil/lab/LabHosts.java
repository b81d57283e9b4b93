package dev.vigil.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Where a lab's hosts live: network namespaces on a bridge ({@link NetnsLab}, with a real
 * floating IP and network faults), or plain processes on loopback addresses
 * ({@link LoopbackHosts}, for machines without root). Processes are started per host, so a
 * host's crash or hang is a signal to all of them; a subclass says only how a command runs
 * on a host.
 */
public abstract class LabHosts implements AutoCloseable {
    private final Map<String, String> addresses = new LinkedHashMap<>();
    private final Map<String, List<Process>> processes = new LinkedHashMap<>();
    private final Map<String, Process> byName = new LinkedHashMap<>();
    private final Path logs;

    protected LabHosts(Path logs) {
        this.logs = logs;
    }

    /** {@code argv} as it must run on {@code host}. */
    protected abstract List<String> onHost(String host, List<String> argv);

    /** Whether hosts have their own network: a floating IP, link and packet faults. */
    public abstract boolean realNetwork();

    protected void addHost(String host, String address) {
        addresses.put(host, address);
        processes.put(host, new ArrayList<>());
    }

    public List<String> hosts() {
        return List.copyOf(addresses.keySet());
    }

    /** The host's own address, where its daemons listen. */
    public String address(String host) {
        String a = addresses.get(host);
        if (a == null) {
            throw new IllegalArgumentException("no host " + host + " in the lab " + addresses.keySet());
        }
        return a;
    }

    /** Where each started process's output goes, one {@code <name>.log} per process. */
    public Path logs() {
        return logs;
    }

    /** Starts {@code argv} on {@code host}, its output appended to {@code <logs>/<name>.log}. */
    public Process start(String host, String name, List<String> argv) throws IOException {
        Process p = new ProcessBuilder(onHost(host, argv)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve(name + ".log").toFile())).start();
        processes.get(host).add(p);
        byName.put(name, p);
        return p;
    }

    /**
     * SIGTERM of the process last started as {@code name} (one daemon, not its host), waiting
     * at most {@code within} for it to exit; returns its exit code, or -1 if it is still running.
     */
    public int terminate(String name, Duration within) throws InterruptedException {
        Process p = byName.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no process " + name + " was started in this lab");
        }
        p.destroy();
        return p.waitFor(within.toMillis(), TimeUnit.MILLISECONDS) ? p.exitValue() : -1;
    }

    /** Runs a command on {@code host} and returns its output; fails on a non-zero exit. */
    public String exec(String host, String... argv) {
        return NetnsLab.sh(onHost(host, List.of(argv)).toArray(String[]::new));
    }

    /** SIGKILL of every process started on {@code host}, and of their children (hooks). */
    public void kill(String host) {
        for (Process p : processes.get(host)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        processes.get(host).clear();
    }

    /** SIGSTOP (or, with {@code cont}, SIGCONT) of every process started on {@code host}, and of their children. */
    public void signal(String host, boolean cont) {
        for (Process p : processes.get(host)) {
            List<String> cmd = new ArrayList<>(List.of("kill", cont ? "-CONT" : "-STOP", String.valueOf(p.pid())));
            p.descendants().forEach(d -> cmd.add(String.valueOf(d.pid())));
            NetnsLab.run(cmd.toArray(String[]::new));
        }
    }

    /** Kills every process started on any host. */
    @Override
    public void close() {
        hosts().forEach(this::kill);
    }

    /** Creates {@code logs}, or empties it of what an earlier run left: each run reads only its own. */
    static Path freshLogs(Path logs) throws IOException {
        Files.createDirectories(logs);
        try (Stream<Path> old = Files.list(logs)) {
            for (Path f : old.filter(p -> p.toString().endsWith(".log") || p.toString().endsWith(".txt")).toList()) {
                Files.delete(f);
            }
        }
        return logs;
    }
}
