package dev.vigil.health;

import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The configured command exits 0 within the timeout. It runs the way hooks do
 * ({@link dev.vigil.hooks.ProcessHookRunner}): the argv as given, never through a shell; stdin
 * from /dev/null; a fixed environment of {@code PATH}, {@code LANG=C}, {@code VIGIL_GROUP} and
 * {@code VIGIL_NODE} (both validated ids); stdout and stderr merged, the last
 * {@value #OUTPUT_LIMIT} bytes kept for the reason. At the timeout the command and every
 * descendant get SIGKILL at once, without the grace period hooks get: a check has nothing to
 * clean up, and the next one is due within a probe interval.
 */
public final class ExecCheck implements ServiceCheck {
    static final int OUTPUT_LIMIT = 1024;
    /** The same search path hooks get: the system directories only. */
    static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final long POLL_MS = 10;
    private static final long REAP_MS = 1_000;
    private static final File DEV_NULL = new File("/dev/null");

    private final List<String> argv;
    private final Map<String, String> env;
    private final String label;

    public ExecCheck(List<String> argv, GroupId group, NodeId node) {
        if (argv == null || argv.isEmpty() || argv.get(0) == null || argv.get(0).isEmpty()) {
            throw new IllegalArgumentException("exec check needs an executable, got " + argv);
        }
        this.argv = List.copyOf(argv);
        var e = new LinkedHashMap<String, String>();
        e.put("PATH", PATH);
        e.put("LANG", "C");
        e.put("VIGIL_GROUP", group.value());
        e.put("VIGIL_NODE", node.value());
        this.env = Map.copyOf(e);
        this.label = "exec " + argv.get(0);
    }

    @Override
    public CheckResult check(long timeoutMs) {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectInput(Redirect.from(DEV_NULL));
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException | RuntimeException e) {
            return CheckResult.failed(label + ": cannot start: " + e.getMessage());
        }
        Tail tail = new Tail(OUTPUT_LIMIT);
        try (InputStream out = p.getInputStream()) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            // Read while waiting, without ever blocking on the pipe: a chatty command never fills
            // it, and a descendant left holding it open never keeps us waiting for EOF.
            while (true) {
                boolean more = drain(out, tail);
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                long wait = more ? 0 : Math.min(POLL_MS, TimeUnit.NANOSECONDS.toMillis(left) + 1);
                if (p.waitFor(wait, TimeUnit.MILLISECONDS)) {
                    drain(out, tail);
                    int exit = p.exitValue();
                    String said = tail.text().strip();
                    String r = label + ": exit " + exit + (said.isEmpty() ? "" : ": " + said);
                    return exit == 0 ? CheckResult.ok(r) : CheckResult.failed(r);
                }
            }
            kill(p);
            drain(out, tail);
            String said = tail.text().strip();
            return CheckResult.failed(label + ": " + CheckResult.noAnswer(timeoutMs) + ", killed"
                    + (said.isEmpty() ? "" : ": " + said));
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            return CheckResult.failed(label + ": interrupted, killed");
        } catch (IOException e) {
            kill(p);
            return CheckResult.failed(label + ": reading its output failed, killed: " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return label;
    }

    /**
     * SIGKILL to the command and all its descendants. The family is gathered before anything
     * dies (an orphan is re-parented and no longer a descendant), and gathered again from every
     * member still alive, in case one forked between the snapshot and the signal.
     */
    static void kill(Process p) {
        Set<ProcessHandle> family = new LinkedHashSet<>();
        family.add(p.toHandle());
        for (int round = 0; round < 3; round++) {
            for (ProcessHandle h : List.copyOf(family)) {
                if (h.isAlive()) {
                    try {
                        h.descendants().forEach(family::add);
                    } catch (RuntimeException e) {
                        // No readable process table: the command itself is still killed.
                    }
                }
            }
            // Through the handles: Process.destroyForcibly() would also close our end of the
            // pipe and lose what the command printed last.
            family.forEach(ProcessHandle::destroyForcibly);
            if (family.stream().noneMatch(ProcessHandle::isAlive)) {
                break;
            }
        }
        boolean interrupted = Thread.interrupted();
        try {
            p.waitFor(REAP_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Reads what the pipe holds now, up to 64 KiB so that a command writing without pause cannot
     * keep us past the deadline, without blocking; true if it read anything.
     */
    private static boolean drain(InputStream in, Tail tail) throws IOException {
        byte[] buf = new byte[4096];
        boolean any = false;
        int total = 0;
        int n;
        while (total < 64 * 1024 && (n = in.available()) > 0) {
            int r = in.read(buf, 0, Math.min(n, buf.length));
            if (r <= 0) {
                break;
            }
            tail.add(buf, r);
            total += r;
            any = true;
        }
        return any;
    }

    /** The last {@code limit} bytes of the output. */
    static final class Tail {
        private final byte[] ring;
        private long written;

        Tail(int limit) {
            ring = new byte[limit];
        }

        void add(byte[] b, int len) {
            for (int i = 0; i < len; i++) {
                ring[(int) (written++ % ring.length)] = b[i];
            }
        }

        String text() {
            if (written <= ring.length) {
                return new String(ring, 0, (int) written, StandardCharsets.UTF_8);
            }
            int start = (int) (written % ring.length);
            byte[] out = new byte[ring.length];
            System.arraycopy(ring, start, out, 0, ring.length - start);
            System.arraycopy(ring, 0, out, ring.length - start, start);
            return "…" + new String(out, StandardCharsets.UTF_8);
        }
    }
}
