package dev.vigil.hooks;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One child process run to a deadline, the way hooks ({@link ProcessHookRunner}) and exec checks
 * ({@code dev.vigil.health.ExecCheck}) run: the argv as given, never through a shell; exactly the
 * given environment; stdin from /dev/null; stdout and stderr merged, the last bytes of it kept. At
 * the deadline the process and every descendant get SIGTERM, then SIGKILL after a grace period
 * (or SIGKILL at once when the grace is 0).
 */
public final class BoundedProcess {
    private static final long POLL_MS = 10;
    private static final long REAP_MS = 1_000;
    private static final int SLICE = 64 * 1024;
    private static final int FINAL_SLICE = 1024 * 1024;
    private static final File DEV_NULL = new File("/dev/null");

    private BoundedProcess() {
    }

    /** How a run ended. */
    public enum Ending {
        /** It exited by itself within the deadline. */
        EXITED,
        /** It was still running at the deadline and was killed, with its descendants. */
        TIMED_OUT,
        /** The calling thread was interrupted; the process was killed and the interrupt flag is set again. */
        INTERRUPTED
    }

    /**
     * The end of a run: the exit code (-1 unless {@link Ending#EXITED}); the last bytes of the
     * output, decoded as UTF-8, and how many earlier bytes were dropped to keep it to the limit;
     * and, if reading the output failed part way, why (the process still got its deadline, the
     * output stops there).
     */
    public record Result(Ending ending, int exitCode, String output, long dropped, IOException outputLost) {
    }

    /**
     * Runs {@code argv} with exactly {@code env}, keeping the last {@code outputLimit} bytes of
     * its output, until it exits or {@code timeoutMs} have passed; then SIGTERM to it and its
     * descendants and SIGKILL {@code graceMs} later ({@code graceMs} 0: SIGKILL at once).
     *
     * @throws IOException if the process cannot start; nothing runs then
     */
    public static Result run(List<String> argv, Map<String, String> env, int outputLimit, long timeoutMs,
            long graceMs) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectInput(Redirect.from(DEV_NULL));
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (RuntimeException e) {
            throw new IOException(e.getMessage(), e);
        }
        Pipe pipe = new Pipe(p.getInputStream(), new Tail(outputLimit));
        Set<ProcessHandle> family = new LinkedHashSet<>();
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            // Read on this thread while waiting, a slice at a time: a chatty process never fills
            // the pipe, and a descendant left holding the pipe open never keeps us waiting for EOF.
            // Once reading fails the process still gets its deadline, just without more output.
            while (true) {
                boolean more = pipe.drain(SLICE);
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                long wait = more ? 0 : Math.min(POLL_MS, TimeUnit.NANOSECONDS.toMillis(left) + 1);
                if (p.waitFor(wait, TimeUnit.MILLISECONDS)) {
                    pipe.drain(FINAL_SLICE);
                    return pipe.result(Ending.EXITED, p.exitValue());
                }
            }
            stop(p, pipe, graceMs, family);
            pipe.drain(SLICE);
            return pipe.result(Ending.TIMED_OUT, -1);
        } catch (InterruptedException e) {
            kill(p, family);
            Thread.currentThread().interrupt();
            return pipe.result(Ending.INTERRUPTED, -1);
        } finally {
            pipe.close();
        }
    }

    /**
     * SIGTERM to the process and every descendant at once (as systemd does to a unit's control
     * group: a bash script waiting on a foreground child would otherwise outlive its own TERM),
     * then, after the grace period, SIGKILL to all of them that are still alive. The descendants
     * seen are added to {@code family}, so that an interrupt part way can still kill them.
     */
    private static void stop(Process p, Pipe pipe, long graceMs, Set<ProcessHandle> family)
            throws InterruptedException {
        if (graceMs > 0) {
            // Snapshot first: once the process dies its children are re-parented and no longer its descendants.
            family.addAll(descendants(p.toHandle()));
            // Signals through the handle: Process.destroy() would also close our end of the pipe
            // and lose whatever the process says while it dies.
            p.toHandle().destroy();
            family.forEach(ProcessHandle::destroy);
            long graceEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMs);
            while (System.nanoTime() < graceEnd) {
                p.waitFor(POLL_MS, TimeUnit.MILLISECONDS);
                pipe.drain(SLICE);
                if (p.isAlive()) {
                    family.addAll(descendants(p.toHandle()));
                } else if (family.stream().noneMatch(ProcessHandle::isAlive)) {
                    return;
                }
            }
        }
        kill(p, family);
    }

    /**
     * SIGKILL to the process, {@code family} and all their descendants. The family is gathered
     * before anything dies (an orphan is re-parented and no longer a descendant), and gathered
     * again from every member still alive, in case one forked between the snapshot and the
     * signal. Waits a moment for the process to be reaped; keeps the interrupt flag as it was.
     */
    private static void kill(Process p, Set<ProcessHandle> family) {
        family.add(p.toHandle());
        for (int round = 0; round < 3; round++) {
            for (ProcessHandle h : List.copyOf(family)) {
                if (h.isAlive()) {
                    family.addAll(descendants(h));
                }
            }
            // Through the handles: Process.destroyForcibly() would also close our end of the
            // pipe and lose what the process printed last.
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

    private static Set<ProcessHandle> descendants(ProcessHandle h) {
        Set<ProcessHandle> s = new LinkedHashSet<>();
        try {
            h.descendants().forEach(s::add);
        } catch (RuntimeException e) {
            // The process table may be unreadable (no /proc); the process itself is still killed.
        }
        return s;
    }

    /** The merged output pipe; after a read fails it is left alone and the failure kept. */
    private static final class Pipe {
        private final InputStream in;
        private final Tail tail;
        private final byte[] buf = new byte[8192];
        private IOException lost;

        Pipe(InputStream in, Tail tail) {
            this.in = in;
            this.tail = tail;
        }

        /**
         * Reads what the pipe holds now, up to {@code max} bytes, without blocking; true if it
         * read anything. The bound keeps a process writing without pause from holding us past the
         * deadline; after the process exits everything it wrote is already in the pipe, so one
         * final drain takes all of it, while a descendant still writing cannot keep us here.
         */
        boolean drain(int max) {
            if (lost != null) {
                return false;
            }
            int total = 0;
            int n;
            try {
                while (total < max && (n = in.available()) > 0) {
                    int r = in.read(buf, 0, Math.min(n, buf.length));
                    if (r <= 0) {
                        break;
                    }
                    tail.add(buf, r);
                    total += r;
                }
            } catch (IOException e) {
                lost = e;
            }
            return total > 0;
        }

        Result result(Ending ending, int exitCode) {
            return new Result(ending, exitCode, tail.text(), tail.dropped(), lost);
        }

        void close() {
            try {
                in.close();
            } catch (IOException e) {
                // Nothing more to read from it either way.
            }
        }
    }

    /** The last {@code limit} bytes of the output. */
    private static final class Tail {
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

        long dropped() {
            return Math.max(0, written - ring.length);
        }

        String text() {
            if (written <= ring.length) {
                return new String(ring, 0, (int) written, StandardCharsets.UTF_8);
            }
            int start = (int) (written % ring.length);
            byte[] out = new byte[ring.length];
            System.arraycopy(ring, start, out, 0, ring.length - start);
            System.arraycopy(ring, 0, out, ring.length - start, start);
            return new String(out, StandardCharsets.UTF_8);
        }
    }

    /**
     * Escapes a value for one log line: line breaks, other control characters, quotes and
     * backslashes.
     */
    public static String oneLine(String s) {
        var sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
