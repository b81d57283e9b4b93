package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.lab.NetnsLab;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil demo} as an operator runs it, from the built jar: in the namespace lab with a
 * real floating IP (as root), and on loopback. Probe 500 ms and down-after 3 s keep CI short.
 */
class DemoIT {
    private static final Path JAR = Paths.get("target", "vigil.jar").toAbsolutePath();
    private static final String SUMMARY =
            "demo: crash->odown=\\d+ms crash->standby=\\d+ms overhead=-?\\d+ms down-after=3000ms failovers=1";

    private record Run(int exit, String out) {}

    private static Run demo(String... extra) throws Exception {
        assertTrue(Files.isRegularFile(JAR), "build the jar first: " + JAR);
        var argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString(), "demo", "--probe-interval", "500ms", "--down-after", "3s"));
        argv.addAll(List.of(extra));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        boolean done = p.waitFor(120, TimeUnit.SECONDS);
        if (!done) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(done, "vigil demo did not finish within 120 s:\n" + out);
        return new Run(p.exitValue(), out);
    }

    /** The node the demo powered off (n1, unless a slow start already moved the primary to n2). */
    private static String powered(Run r) {
        var m = java.util.regex.Pattern.compile("(?m)^(n[12]) is primary and holds the floating IP; powering it off").matcher(r.out());
        assertTrue(m.find(), "the demo names the primary it powers off:\n" + r.out());
        return m.group(1);
    }

    private static String standby(Run r) {
        return powered(r).equals("n1") ? "n2" : "n1";
    }

    private static void assertTellsTheFailover(Run r) {
        assertEquals(0, r.exit(), r.out());
        String old = powered(r);
        String standby = standby(r);
        for (String step : List.of("power off " + old, "SDOWN " + old, "ODOWN " + old, "asks for votes", "leader of term",
                "agent " + standby + ": floating IP acquired", "failover done, " + standby + " is primary")) {
            assertTrue(r.out().contains(step), "the timeline tells '" + step + "':\n" + r.out());
        }
        String last = r.out().strip().lines().reduce((a, b) -> b).orElseThrow();
        assertTrue(last.matches(SUMMARY), "summary line: " + last + "\n" + r.out());
    }

    /** No daemon of a demo outlives it. */
    private static void assertNothingLeftRunning() {
        List<String> left = ProcessHandle.allProcesses().map(h -> h.info().commandLine().orElse(""))
                .filter(c -> c.contains("vigil-demo-") || c.contains("vlab-demo-")).toList();
        assertEquals(List.of(), left, "processes the demo left running");
    }

    @Test
    void failsOverARealFloatingIpInNamespacesAndCleansUp() throws Exception {
        String why = NetnsLab.unavailableReason();
        Assumptions.assumeTrue(why == null, "namespace demo skipped: " + why);
        Run r = demo();
        assertTrue(r.out().startsWith("vigil demo: network namespaces"), r.out());
        assertTrue(r.out().contains("client: first answer from " + standby(r) + " on 10.77.0.100"), r.out());
        assertTellsTheFailover(r);
        assertNothingLeftRunning();
        Process ls = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
        String namespaces = new String(ls.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(!namespaces.contains("vlab-demo-"), "namespaces left behind: " + namespaces);
    }

    @Test
    void onLoopbackSaysThereIsNoFloatingIpAndKeepsLogsWhenAsked(@TempDir Path dir) throws Exception {
        Run r = demo("--loopback", "--keep-logs", dir.toString());
        assertTrue(r.out().startsWith("vigil demo: on loopback (--loopback given): no floating IP"), r.out());
        assertTrue(r.out().contains("logs and the cluster file: " + dir), r.out());
        assertTrue(Files.isRegularFile(dir.resolve("cluster.yaml")), "cluster file kept");
        assertTrue(Files.isRegularFile(dir.resolve("logs").resolve("w2.log")), "w2's log kept");
        assertNothingLeftRunning();
        // the summary is printed before where the logs are kept
        Run trimmed = new Run(r.exit(), r.out().substring(0, r.out().indexOf("logs and the cluster file")));
        assertTellsTheFailover(trimmed);
    }
}
