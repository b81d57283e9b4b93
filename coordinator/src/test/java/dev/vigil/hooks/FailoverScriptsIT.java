package dev.vigil.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The floating-IP hook scripts (failover-scripts/) against real interfaces: runs
 * failover-scripts/test/run-tests.sh, which builds two network namespaces joined by a veth
 * pair, moves an IPv4 and an IPv6 address with vip-linux.sh inside one and watches the
 * gratuitous ARP, ping and neighbour tables from the other, and checks every bad argument,
 * notify-log.sh and promote-example.sh. Needs root and network namespaces; skipped elsewhere
 * with the reason.
 */
class FailoverScriptsIT {
    /** The working directory of the test is coordinator/. */
    private static final Path SUITE =
            Paths.get("..", "failover-scripts", "test", "run-tests.sh").toAbsolutePath().normalize();
    private static final long TIMEOUT_MINUTES = 5;

    @Test
    void failoverScriptsPassInNetworkNamespaces() throws Exception {
        assertTrue(Files.isRegularFile(SUITE), "missing test suite " + SUITE);
        String why = unavailableReason();
        Assumptions.assumeTrue(why == null, () -> "needs root and network namespaces: " + why);

        Process p = new ProcessBuilder("bash", SUITE.toString())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> copy(p.getInputStream(), out), "run-tests.sh output");
        reader.start();
        boolean done = p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
        if (!done) {
            // SIGTERM first: the suite's trap deletes its namespaces.
            p.toHandle().descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));
        String text;
        synchronized (out) {
            text = out.toString(StandardCharsets.UTF_8);
        }
        System.out.println("---- " + SUITE + " ----");
        System.out.print(text);
        System.out.println("----");

        assertTrue(done, "run-tests.sh did not finish within " + TIMEOUT_MINUTES + " minutes:\n" + text);
        assertEquals(0, p.exitValue(), "run-tests.sh failed:\n" + text);
        assertTrue(text.lines().anyMatch(l -> l.matches("\\d+ passed, 0 failed")), "no summary line:\n" + text);
    }

    /** Null if this machine can run the suite, else why not. */
    private static String unavailableReason() {
        String uid = run(List.of("id", "-u"));
        if (uid == null || !uid.strip().equals("0")) {
            return "not running as root (id -u: " + (uid == null ? "failed" : uid.strip()) + ")";
        }
        // Creating one proves more than listing: containers often list but cannot add.
        String probe = "vigil-t-probe-" + ProcessHandle.current().pid();
        if (run(List.of("ip", "netns", "add", probe)) == null) {
            return "`ip netns add` failed";
        }
        run(List.of("ip", "netns", "del", probe));
        return null;
    }

    /** The command's output if it exits 0 within 10 s, else null. */
    private static String run(List<String> argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Thread reader = new Thread(() -> copy(p.getInputStream(), out));
            reader.start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            reader.join(1_000);
            synchronized (out) {
                return p.exitValue() == 0 ? out.toString(StandardCharsets.UTF_8) : null;
            }
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                synchronized (out) {
                    out.write(buf, 0, n);
                }
            }
        } catch (IOException e) {
            // The process was killed and its pipe closed: keep what was read.
        }
    }
}
