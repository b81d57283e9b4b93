package dev.vigil.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.transport.grpc.AdminClient;
import dev.vigil.transport.grpc.Endpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM of the primary's agent, with real processes on loopback (three watchers, two agents,
 * from the built jar) and hooks that log {@code <wall ms> <node> <event> <term>} when they run.
 * A stopping primary hands over at once: the leader releases it before it promotes the standby,
 * well within down-after. Without a watcher, or without a standby (the watchers refuse a
 * switchover to none), it runs its release hook itself at once before it exits.
 */
class AgentStopIT {
    private static final Path JAR = Paths.get("target", "vigil.jar").toAbsolutePath();
    private static final long DOWN_AFTER_MS = 3_000;

    @TempDir
    Path dir;

    private final Map<String, Process> procs = new LinkedHashMap<>();
    private final Map<String, Integer> port = new LinkedHashMap<>();
    private Path calls;
    private Path config;

    @AfterEach
    void stopAll() {
        procs.values().forEach(Process::destroyForcibly);
    }

    @Test
    void aStoppedPrimaryHandsOverReleasingBeforeTheStandbyAcquires() throws Exception {
        start(List.of("n1", "n2"));
        try (var w1 = new AdminClient(new Endpoint("127.0.0.1", port.get("w1")), "w1", null)) {
            var e = assertThrows(AdminClient.AdminException.class, () -> w1.stepDown("web", "n2", 2_000));
            assertEquals("FAILED_PRECONDITION", e.code(), e.getMessage());
            assertTrue(e.getMessage().contains("n2 is not the primary"), e.getMessage());
        }

        long term = System.currentTimeMillis();
        procs.get("n1").destroy(); // SIGTERM
        await("n2 acquires", 10, () -> after(term).stream().anyMatch(l -> l.contains(" n2 acquire ")));
        assertEquals(143, exit("n1"), "the JVM's exit after SIGTERM");
        List<String> seen = after(term);
        int release = index(seen, " n1 release ");
        int acquire = index(seen, " n2 acquire ");
        assertTrue(release >= 0 && release < acquire, "n1's release ran before n2's acquire: " + seen);
        int demote = index(seen, " n1 demote ");
        assertTrue(demote >= 0 && demote < release, "graceful order, demote first: " + seen);
        long took = Long.parseLong(seen.get(acquire).split(" ")[0]) - term;
        long released = Long.parseLong(seen.get(release).split(" ")[0]) - term;
        System.out.printf("stop: SIGTERM of the primary's agent -> n1 released after %d ms, n2 acquired after %d ms "
                + "(down-after %d ms)%n", released, took, DOWN_AFTER_MS);
        assertTrue(took < DOWN_AFTER_MS / 2, "n2 acquired " + took + " ms after SIGTERM" + logs());
        assertTrue(log("n1").contains("AgentStopped node=n1 group=web") && log("n1").contains("outcome=handed-over"),
                logs());
    }

    @Test
    void aStoppedPrimaryWithNoWatcherReachableReleasesItselfBeforeExiting() throws Exception {
        start(List.of("n1", "n2"));
        for (String w : List.of("w1", "w2", "w3")) {
            procs.get(w).destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        long term = System.currentTimeMillis();
        procs.get("n1").destroy();
        assertEquals(143, exit("n1"));
        // The lease would lapse only fence-after (2.25 s) after the last ack: this release is the stop's.
        List<String> seen = after(term);
        assertTrue(seen.stream().anyMatch(l -> l.contains(" n1 release ")), "n1 released before it exited: " + seen);
        String n1 = log("n1");
        assertTrue(n1.contains("outcome=released") && n1.contains("no watcher accepted"), logs());
    }

    @Test
    void aStoppedPrimaryWithoutAStandbyReleasesItselfAtOnce() throws Exception {
        start(List.of("n1"));
        long term = System.currentTimeMillis(); // n2 never ran: no standby answers any watcher
        procs.get("n1").destroy();
        assertEquals(143, exit("n1"));
        List<String> seen = after(term);
        int release = index(seen, " n1 release ");
        assertTrue(release >= 0, "n1 released before it exited: " + seen + logs());
        long at = Long.parseLong(seen.get(release).split(" ")[0]) - term;
        System.out.printf("stop: no standby -> the watchers refuse the switchover, n1 released by itself after %d ms%n",
                at);
        assertTrue(at < 1_500, "released " + at + " ms after SIGTERM, not after the 2 s stop timeout");
        String n1 = log("n1");
        assertTrue(n1.contains("outcome=released") && n1.contains("no standby of web has answered"), logs());
    }

    @Test
    void aSecondSigtermCutsTheWaitShortAndTheStopReleasesAtOnce() throws Exception {
        start(List.of("n1", "n2"));
        Files.createFile(dir.resolve("slow-demote")); // the handover waits on n1's demote hook
        long term = System.currentTimeMillis();
        procs.get("n1").destroy();
        Thread.sleep(500);
        procs.get("n1").destroy();
        assertEquals(143, exit("n1"));
        List<String> seen = after(term);
        int release = index(seen, " n1 release ");
        assertTrue(release >= 0, "n1 released before it exited: " + seen + logs());
        long at = Long.parseLong(seen.get(release).split(" ")[0]) - term;
        assertTrue(at < 1_500, "released " + at + " ms after the first SIGTERM, not after the 2 s stop timeout");
        assertTrue(log("n1").contains("after a second signal"), logs());
    }

    /** Writes the cluster, starts the given agents, then the watchers; returns once n1 holds the IP. */
    private void start(List<String> agents) throws Exception {
        assertTrue(Files.isRegularFile(JAR), "build the jar first: " + JAR);
        calls = dir.resolve("calls.log");
        Files.createFile(calls);
        Path hook = dir.resolve("hook.sh");
        Files.writeString(hook, "#!/bin/sh\necho \"$(date +%s%3N) $VIGIL_NODE $VIGIL_EVENT $VIGIL_TERM\" >> " + calls
                + "\n[ \"$VIGIL_EVENT\" = demote ] && [ -f " + dir.resolve("slow-demote") + " ] && sleep 5\nexit 0\n");
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
        config = dir.resolve("cluster.yaml");
        Files.writeString(config, cluster(hook));
        for (String n : agents) {
            run(n, "agent", "--node", n, "--config", config.toString(), "--stop-timeout", "2s");
        }
        await("the agents listen", 60, () -> agents.stream().allMatch(n -> log(n).contains("agent " + n + " listening")));
        for (String w : List.of("w1", "w2", "w3")) {
            run(w, "watcher", "--id", w, "--config", config.toString());
        }
        await("n1 acquires the IP", 30, () -> lines().stream().anyMatch(l -> l.endsWith(" n1 acquire 0")));
        Thread.sleep(1_000); // every watcher has seen n1 answer
    }

    private String cluster(Path hook) throws IOException {
        FreePorts ports = new FreePorts(8);
        var sb = new StringBuilder("state-dir: " + dir.resolve("state") + "\nwatchers:\n");
        for (String id : List.of("w1", "w2", "w3", "n1", "n2")) {
            port.put(id, ports.next());
        }
        for (String w : List.of("w1", "w2", "w3")) {
            sb.append("  - {id: ").append(w).append(", address: 127.0.0.1:").append(port.get(w)).append("}\n");
        }
        sb.append("""
                groups:
                  - id: web
                    floating-ip: 192.0.2.10/24
                    interface: lo
                    quorum: 2
                    initial-primary: n1
                    probe-interval: 500ms
                    down-after: 3s
                    failover-timeout: 6s
                    hooks:
                """);
        for (String k : List.of("promote", "demote", "acquire", "release")) {
            sb.append("      ").append(k).append(": [").append(hook).append("]\n");
        }
        sb.append("    nodes:\n");
        sb.append("      - {id: n1, agent: 127.0.0.1:").append(port.get("n1")).append(", priority: 100}\n");
        sb.append("      - {id: n2, agent: 127.0.0.1:").append(port.get("n2")).append(", priority: 90}\n");
        return sb.toString();
    }

    private void run(String name, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        procs.put(name, new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile())).start());
    }

    private int exit(String name) throws InterruptedException {
        Process p = procs.get(name);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), name + " did not exit within 20 s of SIGTERM" + logs());
        return p.exitValue();
    }

    private List<String> lines() {
        try {
            return Files.readAllLines(calls);
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The hook calls that started at or after wall-clock {@code ms}. */
    private List<String> after(long ms) {
        return lines().stream().filter(l -> Long.parseLong(l.split(" ")[0]) >= ms).toList();
    }

    private static int index(List<String> lines, String part) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }

    private String log(String name) {
        try {
            return Files.readString(dir.resolve(name + ".log"));
        } catch (IOException e) {
            return "";
        }
    }

    private String logs() {
        var sb = new StringBuilder("\nhook calls: " + lines());
        for (String name : procs.keySet()) {
            List<String> l = log(name).lines().toList();
            sb.append("\n--- ").append(name).append('\n')
                    .append(String.join("\n", l.subList(Math.max(0, l.size() - 25), l.size())));
        }
        return sb.toString();
    }

    private void await(String what, int seconds, BooleanSupplier done) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            if (done.getAsBoolean()) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("timed out after " + seconds + " s waiting until " + what + logs());
    }
}
