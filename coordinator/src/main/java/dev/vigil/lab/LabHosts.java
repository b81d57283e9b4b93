package dev.vigil.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where a lab's hosts live: network namespaces on a bridge ({@link NetnsLab}, with a real
 * floating IP and network faults), or plain processes on loopback addresses
 * ({@link LoopbackHosts}, for machines without root). Processes are started per host, so a
 * host's crash or hang is a signal to all of them.
 */
public interface LabHosts extends AutoCloseable {
    List<String> hosts();

    /** The host's own address, where its daemons listen. */
    String address(String host);

    /** Where each started process's output goes, one {@code <name>.log} per process. */
    Path logs();

    /** Starts {@code argv} on {@code host}, its output appended to {@code <logs>/<name>.log}. */
    Process start(String host, String name, List<String> argv) throws IOException;

    /** Runs a command on {@code host} and returns its output; fails on a non-zero exit. */
    String exec(String host, String... argv);

    /** SIGKILL of every process started on {@code host}. */
    void kill(String host);

    /** SIGSTOP (or, with {@code cont}, SIGCONT) of every process started on {@code host}. */
    void signal(String host, boolean cont);

    /** Whether hosts have their own network: a floating IP, link and packet faults. */
    boolean realNetwork();

    @Override
    void close();

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
