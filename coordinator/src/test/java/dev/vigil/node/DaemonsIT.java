package dev.vigil.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
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
 * Real processes on loopback: three watchers and two agents started from the built jar, over
 * real gRPC (plaintext, then mutual TLS, then with probes as UDP datagrams), with hooks that only record their calls. The primary's
 * agent is SIGKILLed; exactly one Promote must reach the standby, every watcher must name it
 * primary, and the old agent, restarted, must stay a standby.
 */
class DaemonsIT {
    private static final Path JAR = Paths.get("target", "vigil.jar").toAbsolutePath();

    @TempDir
    Path dir;

    private final Map<String, Process> procs = new LinkedHashMap<>();
    private final FreePorts ports = new FreePorts(8);

    @AfterEach
    void stopAll() {
        procs.values().forEach(Process::destroyForcibly);
    }

    @Test
    void primaryAgentKilledFailsOverOnceOverPlaintext() throws Exception {
        run(false);
    }

    @Test
    void primaryAgentKilledFailsOverOnceOverMutualTls() throws Exception {
        run(true);
    }

    /** Probes as authenticated datagrams; Promote, Release and everything else still over gRPC. */
    @Test
    void primaryAgentKilledFailsOverOnceWithUdpProbes() throws Exception {
        udp = true;
        run(false);
        for (String w : List.of("w1", "w2", "w3")) {
            String log = Files.readString(dir.resolve(w + ".log"));
            assertTrue(log.contains("transport=udp") && log.contains("answered over udp"), w + ": " + log);
        }
    }

    private boolean udp;

    private void run(boolean tls) throws Exception {
        assertTrue(Files.isRegularFile(JAR), "build the jar first: " + JAR);
        Path calls = dir.resolve("calls.log");
        Files.createFile(calls);
        Path hook = script("hook.sh", "#!/bin/sh\necho \"$VIGIL_NODE $VIGIL_EVENT $VIGIL_TERM\" >> " + calls + "\n");
        Path config = dir.resolve("cluster.yaml");
        Files.writeString(config, cluster(hook, tls ? certs() : null));

        // Agents first: down-after counts from a watcher's start, and a JVM with TLS can take
        // longer than that to come up on a busy machine, failing n1 over before the test begins.
        for (String n : List.of("n1", "n2")) {
            start(n, "agent", "--node", n, "--config", config.toString());
        }
        await("both agents listen", 60, () -> List.of("n1", "n2").stream().allMatch(n -> {
            try {
                return Files.readString(dir.resolve(n + ".log")).contains("agent " + n + " listening");
            } catch (IOException e) {
                return false;
            }
        }));
        for (String w : List.of("w1", "w2", "w3")) {
            start(w, "watcher", "--id", w, "--config", config.toString());
        }
        await("n1 acquires the IP", 30, () -> lines(calls).contains("n1 acquire 0"));

        procs.get("n1").destroyForcibly().waitFor(5, TimeUnit.SECONDS); // SIGKILL
        await("n2 is promoted and acquires", 30, () -> lines(calls).stream().anyMatch(l -> l.startsWith("n2 acquire ")));
        List<String> promotes = lines(calls).stream().filter(l -> l.startsWith("n2 promote ")).toList();
        assertEquals(1, promotes.size(), "exactly one Promote on the standby: " + lines(calls));
        long term = Long.parseLong(promotes.get(0).split(" ")[2]);
        assertTrue(term >= 1, "in a new term: " + promotes);

        await("every watcher names n2 primary", 10, () -> {
            String status = cliUnchecked(config, "status", "--json");
            return status.split("\"primary\":\"n2\"", -1).length - 1 == 3;
        });

        int before = lines(calls).size();
        start("n1", "agent", "--node", "n1", "--config", config.toString());
        Thread.sleep(3_000);
        List<String> after = lines(calls).subList(before, lines(calls).size());
        assertTrue(after.stream().noneMatch(l -> l.startsWith("n1 acquire") || l.startsWith("n1 promote")),
                "the restarted old primary stays a standby: " + after);
        String text = cli(config, "status");
        assertTrue(text.contains("group web: primary n2 (config epoch " + term + ")"), text);
    }

    private String cluster(Path hook, Path certs) throws IOException {
        var sb = new StringBuilder();
        sb.append("state-dir: ").append(dir.resolve("state")).append('\n');
        if (udp) {
            Path key = dir.resolve("probe.key");
            Files.writeString(key, java.util.HexFormat.of().formatHex(new java.security.SecureRandom().generateSeed(32)));
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
            sb.append("probe-transport: udp\nprobe-key-file: ").append(key).append('\n');
        }
        if (certs != null) {
            sb.append("tls:\n  ca: ").append(certs.resolve("ca.pem")).append('\n')
                    .append("  cert: ").append(certs).append("/{id}.pem\n")
                    .append("  key: ").append(certs).append("/{id}.key\n");
        }
        sb.append("watchers:\n");
        for (String w : List.of("w1", "w2", "w3")) {
            sb.append("  - id: ").append(w).append("\n    address: 127.0.0.1:").append(ports.next()).append('\n');
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
        sb.append("      - id: n1\n        agent: 127.0.0.1:").append(ports.next()).append("\n        priority: 100\n");
        sb.append("      - id: n2\n        agent: 127.0.0.1:").append(ports.next()).append("\n        priority: 90\n");
        return sb.toString();
    }

    /** A CA and a certificate per process (CN and DNS SAN = its id), made with openssl. */
    private Path certs() throws Exception {
        Path d = Files.createDirectories(dir.resolve("certs"));
        sh(d, "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=vigil-ca "
                + "-keyout ca.key -out ca.pem");
        for (String id : List.of("w1", "w2", "w3", "n1", "n2", "operator")) {
            sh(d, "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=" + id + " -keyout " + id
                    + ".raw.key -out " + id + ".csr && printf 'subjectAltName=DNS:" + id + "\\n' > " + id + ".ext && "
                    + "openssl x509 -req -in " + id + ".csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile "
                    + id + ".ext -out " + id + ".pem && openssl pkcs8 -topk8 -nocrypt -in " + id + ".raw.key -out " + id
                    + ".key");
        }
        return d;
    }

    private static void sh(Path cwd, String command) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", command).directory(cwd.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), command + "\n" + out);
    }

    private Path script(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    private void start(String name, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        Path log = dir.resolve(name + ".log");
        procs.put(name, new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(
                ProcessBuilder.Redirect.appendTo(log.toFile())).start());
    }

    private String cli(Path config, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--config", config.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(20, TimeUnit.SECONDS);
        return out;
    }

    private String cliUnchecked(Path config, String... args) {
        try {
            return cli(config, args);
        } catch (Exception e) {
            return e.toString();
        }
    }

    private void await(String what, int seconds, BooleanSupplier done) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (System.nanoTime() < end) {
            if (done.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        var logs = new StringBuilder();
        for (String name : procs.keySet()) {
            Path log = dir.resolve(name + ".log");
            List<String> l = Files.exists(log) ? Files.readAllLines(log) : List.of();
            logs.append("\n--- ").append(name).append(" (last 25 lines)\n")
                    .append(String.join("\n", l.subList(Math.max(0, l.size() - 25), l.size())));
        }
        throw new AssertionError("timed out after " + seconds + " s waiting until " + what + "; hook calls: "
                + lines(dir.resolve("calls.log")) + logs);
    }

    private static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException e) {
            return List.of();
        }
    }


    private static String javaBin() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }
}
