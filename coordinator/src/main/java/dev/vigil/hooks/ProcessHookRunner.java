package dev.vigil.hooks;

import dev.vigil.core.GroupId;
import dev.vigil.failover.HookCall;
import dev.vigil.failover.HookKind;
import dev.vigil.failover.HookResult;
import dev.vigil.failover.HookResult.Outcome;
import dev.vigil.failover.HookRunner;
import java.io.IOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
    public static final long TERM_GRACE_MS = 2_000;
    /**
     * Hooks running at once, at most, on a host of this many CPUs: twice the CPUs, at least 4
     * and at most 16 (Pacemaker's node-action-limit is 2 x cores, at least 4). A hook's timeout
     * counts from its start, not from its queueing.
     */
    static int concurrency(int cpus) {
        return Math.min(16, Math.max(4, 2 * cpus));
    }

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
    private final AtomicLong order = new AtomicLong();

    /**
     * @param self the node (role "agent") or watcher (role "leader") running the hooks
     * @param role "agent" for hooks on the node itself, "leader" for those a leading watcher runs
     */
    public ProcessHookRunner(Map<GroupId, GroupHooks> hooks, Executor callbackExecutor, String self, String role) {
        this(hooks, callbackExecutor, self, role, concurrency(Runtime.getRuntime().availableProcessors()));
    }

    ProcessHookRunner(Map<GroupId, GroupHooks> hooks, Executor callbackExecutor, String self, String role, int max) {
        this.hooks = Map.copyOf(hooks);
        this.callbacks = Objects.requireNonNull(callbackExecutor, "callbackExecutor");
        this.self = self;
        this.role = HookEnvironment.role(role);
        AtomicInteger n = new AtomicInteger();
        // A few hooks at once, the rest queued (by urgency, then in order), never refused: an
        // agent of 10,000 groups runs a release hook for each at start (it cannot know whether
        // it held the IP). Were many more processes than cores running, the agent's own threads
        // would wait behind them and answer probes late, so its leases would lapse and start
        // more hooks. Idle threads go.
        this.workers = new ThreadPoolExecutor(max, max, 30, TimeUnit.SECONDS,
                new PriorityBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "vigil-hook-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.workers.allowCoreThreadTimeOut(true);
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
            workers.execute(new Queued(urgency(call.kind()), order.incrementAndGet(), () -> {
                long start = System.nanoTime();
                HookResult r;
                try {
                    r = execute(argv, env, g.timeoutMs());
                } catch (RuntimeException e) {
                    r = new HookResult(Outcome.PERMANENT, -1, "hook runner failed: " + e);
                }
                log(call, r, (System.nanoTime() - start) / 1_000_000);
                once.accept(r);
            }, () -> {
                HookResult r = new HookResult(Outcome.RETRYABLE, -1, "hook not run: runner closed while it waited");
                log(call, r, 0);
                once.accept(r);
            }));
        } catch (RejectedExecutionException e) {
            HookResult r = new HookResult(Outcome.PERMANENT, -1, "hook not run: runner closed");
            log(call, r, 0);
            once.accept(r);
        }
    }

    /** How many hooks may run at once. */
    int concurrency() {
        return workers.getMaximumPoolSize();
    }

    /** Stops the workers; running hooks are killed and report RETRYABLE, and so do those still waiting. */
    @Override
    public void close() {
        for (Runnable waiting : workers.shutdownNow()) {
            if (waiting instanceof Queued q) {
                q.abandon().run();
            }
        }
    }

    /**
     * Which waiting hook gets the next free worker: those that let go (release, demote,
     * fence) before those that take over (promote, acquire), and notify last. A release after
     * a lapsed lease is what keeps two hosts from holding the IP; it must not wait behind a
     * start-up's promotions or a slow webhook.
     */
    static int urgency(HookKind kind) {
        return switch (kind) {
            case RELEASE, DEMOTE, FENCE -> 0;
            case PROMOTE, ACQUIRE -> 1;
            case NOTIFY -> 2;
        };
    }

    /** A hook waiting for a worker, and what to report if it never gets one; ordered by urgency, then arrival. */
    private record Queued(int urgency, long order, Runnable body, Runnable abandon) implements Runnable, Comparable<Queued> {
        @Override
        public void run() {
            body.run();
        }

        @Override
        public int compareTo(Queued o) {
            return urgency != o.urgency ? Integer.compare(urgency, o.urgency) : Long.compare(order, o.order);
        }
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
        BoundedProcess.Result r;
        try {
            r = BoundedProcess.run(argv, env, OUTPUT_LIMIT, timeoutMs, TERM_GRACE_MS);
        } catch (IOException e) {
            return new HookResult(Outcome.PERMANENT, -1, "cannot start hook " + argv.get(0) + ": " + e.getMessage());
        }
        String out = (r.dropped() > 0 ? "[" + r.dropped() + " earlier bytes dropped]\n" : "") + r.output()
                + (r.outputLost() == null ? "" : "\n[output lost: " + r.outputLost().getMessage() + "]");
        return switch (r.ending()) {
            case EXITED -> HookResult.ofExit(r.exitCode(), out);
            case TIMED_OUT -> new HookResult(Outcome.TIMEOUT, -1, out + "\n[killed after " + timeoutMs + " ms]");
            case INTERRUPTED -> new HookResult(Outcome.RETRYABLE, -1, out + "\n[killed: hook runner closing]");
        };
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
        return BoundedProcess.oneLine(s);
    }
}
