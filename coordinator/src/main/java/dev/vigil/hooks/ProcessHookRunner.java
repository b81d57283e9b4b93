package dev.vigil.hooks;

import dev.vigil.core.GroupId;
import dev.vigil.failover.HookCall;
import dev.vigil.failover.HookKind;
import dev.vigil.failover.HookResult;
import dev.vigil.failover.HookResult.Outcome;
import dev.vigil.failover.HookRunner;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs hooks as processes (DESIGN.md, "Hook contract"): the configured argv, never a shell; a
 * fixed environment of validated values ({@link HookEnvironment}); stdin from /dev/null; stdout
 * and stderr merged, the last 8 KiB kept; a timeout after which the hook and its descendants get
 * SIGTERM, then SIGKILL 2 s later. Exit 0 is OK, 1 retryable, 2+ permanent; a hook that cannot
 * start or whose values fail validation is permanent. Each run is logged on
 * {@code dev.vigil.hooks} as one line of fields, and {@code done} runs exactly once, on the
 * callback executor (the core's thread).
 */
public final class ProcessHookRunner implements HookRunner, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("dev.vigil.hooks");

    static final int OUTPUT_LIMIT = 8 * 1024;
    static final int LOG_OUTPUT_LIMIT = 500;
    static final long TERM_GRACE_MS = 2_000;
    private static final long POLL_MS = 10;
    private static final File DEV_NULL = new File("/dev/null");

    /**
     * One group's hooks: the argv of each configured kind (argv[0] is the executable), the
     * timeout of every run, and the floating IP, prefix and interface the hooks act on.
     */
    public record GroupHooks(Map<HookKind, List<String>> argv, long timeoutMs, String floatingIp, int prefix,
            String iface) {
        public GroupHooks {
            Objects.requireNonNull(argv, "argv");
            var copy = new EnumMap<HookKind, List<String>>(HookKind.class);
            argv.forEach((k, v) -> {
                if (v == null || v.isEmpty() || v.get(0) == null || v.get(0).isEmpty()) {
                    throw new IllegalArgumentException("hook " + k.key() + " needs an executable, got " + v);
                }
                copy.put(k, List.copyOf(v));
            });
            argv = java.util.Collections.unmodifiableMap(copy);
            if (timeoutMs <= 0) {
                throw new IllegalArgumentException("hook timeout must be positive, got " + timeoutMs);
            }
        }
    }

    private final Map<GroupId, GroupHooks> hooks;
    private final Executor callbacks;
    private final String self;
    private final String role;
    private final ThreadPoolExecutor workers;

    /**
     * @param self the node (role "agent") or watcher (role "leader") running the hooks
     * @param role "agent" for hooks on the node itself, "leader" for those a leading watcher runs
     */
    public ProcessHookRunner(Map<GroupId, GroupHooks> hooks, Executor callbackExecutor, String self, String role) {
        this.hooks = Map.copyOf(hooks);
        this.callbacks = Objects.requireNonNull(callbackExecutor, "callbackExecutor");
        this.self = self;
        this.role = HookEnvironment.role(role);
        AtomicInteger n = new AtomicInteger();
        // Unbounded but idle-shrinking: the protocol runs at most a few hooks per group at once,
        // and refusing a promote because a pool is full would be worse than one more thread.
        this.workers = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> {
                    Thread t = new Thread(r, "vigil-hook-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    @Override
    public void run(HookCall call, Consumer<HookResult> done) {
        Consumer<HookResult> once = once(done);
        GroupHooks g = hooks.get(call.group());
        List<String> argv = g == null ? null : g.argv().get(call.kind());
        if (argv == null) {
            LOG.debug("hook group={} event={} term={} outcome=SKIPPED reason=not_configured", call.group(),
                    call.kind().key(), call.term());
            once.accept(HookResult.SKIPPED);
            return;
        }
        Map<String, String> env;
        try {
            env = HookEnvironment.of(call, g, self, role);
        } catch (HookEnvironment.InvalidValueException e) {
            HookResult r = new HookResult(Outcome.PERMANENT, -1, "hook not run: " + e.getMessage());
            log(call, r, 0);
            once.accept(r);
            return;
        }
        try {
            workers.execute(() -> {
                long start = System.nanoTime();
                HookResult r;
                try {
                    r = execute(argv, env, g.timeoutMs());
                } catch (RuntimeException e) {
                    r = new HookResult(Outcome.PERMANENT, -1, "hook runner failed: " + e);
                }
                log(call, r, (System.nanoTime() - start) / 1_000_000);
                once.accept(r);
            });
        } catch (RejectedExecutionException e) {
            HookResult r = new HookResult(Outcome.PERMANENT, -1, "hook not run: runner closed");
            log(call, r, 0);
            once.accept(r);
        }
    }

    /** Stops the workers; running hooks are killed and report RETRYABLE. */
    @Override
    public void close() {
        workers.shutdownNow();
    }

    /** Delivers at most one result, on the callback executor. */
    private Consumer<HookResult> once(Consumer<HookResult> done) {
        AtomicBoolean called = new AtomicBoolean();
        return r -> {
            if (!called.compareAndSet(false, true)) {
                return;
            }
            try {
                callbacks.execute(() -> done.accept(r));
            } catch (RejectedExecutionException e) {
                LOG.warn("hook result dropped, callback executor closed outcome={}", r.outcome());
            }
        };
    }

    // ---- one process ---------------------------------------------------------------------

    private static HookResult execute(List<String> argv, Map<String, String> env, long timeoutMs) {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectInput(Redirect.from(DEV_NULL));
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException | RuntimeException e) {
            return new HookResult(Outcome.PERMANENT, -1, "cannot start hook " + argv.get(0) + ": " + e.getMessage());
        }
        Tail tail = new Tail(OUTPUT_LIMIT);
        try (InputStream out = p.getInputStream()) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            // Read on this thread while waiting, a slice at a time: a chatty hook never fills the
            // pipe, and a descendant left holding the pipe open never keeps us waiting for EOF.
            while (true) {
                boolean more = drain(out, tail);
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                long wait = more ? 0 : Math.min(POLL_MS, TimeUnit.NANOSECONDS.toMillis(left) + 1);
                if (p.waitFor(wait, TimeUnit.MILLISECONDS)) {
                    drain(out, tail, 1024 * 1024);
                    return HookResult.ofExit(p.exitValue(), tail.text());
                }
            }
            kill(p, out, tail);
            return new HookResult(Outcome.TIMEOUT, -1, tail.text() + "\n[killed after " + timeoutMs + " ms]");
        } catch (InterruptedException e) {
            family(p).forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new HookResult(Outcome.RETRYABLE, -1, tail.text() + "\n[killed: hook runner closing]");
        } catch (IOException e) {
            // Reading the pipe failed; the hook still gets its timeout, just without more output.
            return awaitWithoutOutput(p, tail, timeoutMs, e);
        }
    }

    private static HookResult awaitWithoutOutput(Process p, Tail tail, long timeoutMs, IOException cause) {
        try {
            if (p.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
                return HookResult.ofExit(p.exitValue(), tail.text() + "\n[output lost: " + cause.getMessage() + "]");
            }
            kill(p, InputStream.nullInputStream(), tail);
        } catch (InterruptedException | IOException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        return new HookResult(Outcome.TIMEOUT, -1, tail.text() + "\n[killed after " + timeoutMs + " ms]");
    }

    /**
     * SIGTERM to the hook and every descendant at once (as systemd does to a unit's control
     * group: a bash script waiting on a foreground child would otherwise outlive its own TERM),
     * then, after the grace period, SIGKILL to all of them that are still alive.
     */
    private static void kill(Process p, InputStream out, Tail tail) throws InterruptedException, IOException {
        // Snapshot first: once the hook dies its children are re-parented and no longer its descendants.
        Set<ProcessHandle> family = family(p);
        // Signals through the handle: Process.destroy() would also close our end of the pipe
        // and lose whatever the hook says while it dies.
        ProcessHandle self = p.toHandle();
        self.destroy();
        family.forEach(ProcessHandle::destroy);
        long graceEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TERM_GRACE_MS);
        boolean allGone = false;
        while (!allGone && System.nanoTime() < graceEnd) {
            p.waitFor(POLL_MS, TimeUnit.MILLISECONDS);
            drain(out, tail);
            if (p.isAlive()) {
                family.addAll(family(p));
            }
            allGone = !p.isAlive() && family.stream().noneMatch(ProcessHandle::isAlive);
        }
        if (!allGone) {
            family.addAll(family(p));
            for (ProcessHandle h : List.copyOf(family)) {
                if (h.isAlive()) {
                    h.descendants().forEach(family::add);
                }
            }
            self.destroyForcibly();
            family.forEach(ProcessHandle::destroyForcibly);
            p.waitFor(1, TimeUnit.SECONDS);
        }
        drain(out, tail);
    }

    private static Set<ProcessHandle> family(Process p) {
        Set<ProcessHandle> s = new LinkedHashSet<>();
        try {
            p.descendants().forEach(s::add);
        } catch (RuntimeException e) {
            // The process table may be unreadable (no /proc); the hook itself is still killed.
        }
        return s;
    }

    private static boolean drain(InputStream in, Tail tail) throws IOException {
        return drain(in, tail, 64 * 1024);
    }

    /**
     * Reads what the pipe holds now, up to {@code max} bytes, without blocking; true if it read
     * anything. After the hook exits everything it wrote is already in the pipe, so one final
     * drain takes all of it, while a descendant still writing cannot keep us here.
     */
    private static boolean drain(InputStream in, Tail tail, int max) throws IOException {
        byte[] buf = new byte[8192];
        int total = 0;
        int n;
        while (total < max && (n = in.available()) > 0) {
            int r = in.read(buf, 0, Math.min(n, buf.length));
            if (r <= 0) {
                break;
            }
            tail.add(buf, r);
            total += r;
        }
        return total > 0;
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
            return "[" + (written - ring.length) + " earlier bytes dropped]\n" + new String(out, StandardCharsets.UTF_8);
        }
    }

    // ---- logging -------------------------------------------------------------------------

    private static void log(HookCall call, HookResult r, long tookMs) {
        String out = r.output();
        if (out.length() > LOG_OUTPUT_LIMIT) {
            // The end of a hook's output is where it says why it failed.
            out = "…" + out.substring(out.length() - LOG_OUTPUT_LIMIT);
        }
        LOG.info("hook group={} event={} term={} outcome={} exit={} took_ms={} output=\"{}\"", call.group(),
                call.kind().key(), call.term(), r.outcome(), r.exitCode(), tookMs, escape(out));
    }

    /** Escapes a value for one log line: quotes, backslashes and control characters. */
    static String escape(String s) {
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
