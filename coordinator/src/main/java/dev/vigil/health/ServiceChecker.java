package dev.vigil.health;

import dev.vigil.config.ClusterFile;
import dev.vigil.config.Timings;
import dev.vigil.core.GroupId;
import dev.vigil.core.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the agent's service checks: for each group of this node whose {@code probe} is not
 * {@code agent}, its {@link ServiceCheck} every {@code probe-interval} with {@code probe-timeout}
 * as the deadline, and after a failed check again after {@code reprobe-interval}, as watchers
 * re-probe faster after a miss. Checks run on daemon threads {@code vigil-health-N}, as many as
 * there are checked groups so a hanging check delays no other group, never on the core thread; verdicts
 * are handed to the {@link Sink} through the core's executor, so the agent sees them on its own
 * thread, in order.
 *
 * <p>Verdicts are debounced ({@link Debounce}): not ok after two failures in a row, ok after one
 * success; only changes are reported. Until the first verdict the agent counts its service as
 * working, so a node whose service is dead at start answers SERVING for up to about one probe
 * interval plus two probe timeouts: the same detection delay as a service dying later.
 */
public final class ServiceChecker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("dev.vigil.health");
    private static final long CLOSE_WAIT_MS = 2_000;

    /** Where verdicts go: {@code Agent#service} in the daemon. Called through the core executor only. */
    @FunctionalInterface
    public interface Sink {
        void report(GroupId group, boolean ok, String reason);
    }

    /** One group's check and its timing, in milliseconds. */
    public record Checked(GroupId group, ServiceCheck check, long intervalMs, long reprobeIntervalMs, long timeoutMs) {
        public Checked {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(check, "check");
            if (intervalMs <= 0 || reprobeIntervalMs <= 0 || timeoutMs <= 0) {
                throw new IllegalArgumentException("check timings must be positive, got interval " + intervalMs
                        + " ms, reprobe " + reprobeIntervalMs + " ms, timeout " + timeoutMs + " ms");
            }
        }

        static Checked of(GroupId group, ServiceCheck check, Timings t) {
            return new Checked(group, check, t.probeIntervalMs(), t.reprobeIntervalMs(), t.probeTimeoutMs());
        }
    }

    private final List<Checked> checks;
    private final Executor core;
    private final Sink sink;
    private final String node;
    private final ScheduledThreadPoolExecutor threads;
    private volatile boolean closed;

    /**
     * @param core the executor of the thread that owns the agent; the sink runs only there
     * @param node this node's id, for the log
     */
    public ServiceChecker(List<Checked> checks, Executor core, Sink sink, String node) {
        this.checks = List.copyOf(checks);
        this.core = Objects.requireNonNull(core, "core");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.node = node;
        AtomicInteger n = new AtomicInteger();
        this.threads = new ScheduledThreadPoolExecutor(Math.max(1, this.checks.size()), r -> {
            Thread t = new Thread(r, "vigil-health-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        threads.setRemoveOnCancelPolicy(true);
    }

    /** The checker for {@code node}'s groups in {@code file}; groups probed as {@code agent} get no check. */
    public static ServiceChecker forNode(ClusterFile file, NodeId node, Executor core, Sink sink) {
        List<Checked> checks = new ArrayList<>();
        try {
            for (ClusterFile.GroupEntry g : file.groupsOf(node)) {
                Optional<ServiceCheck> c = ServiceCheck.of(g.probe(), g.id(), node);
                if (c.isPresent()) {
                    checks.add(Checked.of(g.id(), c.get(), g.protocol().timings()));
                }
            }
        } catch (RuntimeException e) {
            checks.forEach(c -> c.check().close());
            throw e;
        }
        return new ServiceChecker(checks, core, sink, node.value());
    }

    /** The groups this checker checks, in order. */
    public List<GroupId> groups() {
        return checks.stream().map(Checked::group).toList();
    }

    /** Starts every group's checks, the first at once. */
    public void start() {
        for (Checked c : checks) {
            LOG.info("service check group={} node={} check=\"{}\" interval_ms={} timeout_ms={}", c.group(), node,
                    c.check(), c.intervalMs(), c.timeoutMs());
            schedule(new Loop(c), 0);
        }
    }

    /**
     * Stops checking: a running check is interrupted (an exec check kills its command), no
     * verdict is handed to the core after this returns, and every check's resources are released.
     */
    @Override
    public void close() {
        closed = true;
        threads.shutdownNow();
        try {
            if (!threads.awaitTermination(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS)) {
                LOG.warn("service checks still running at close node={}", node);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        checks.forEach(c -> c.check().close());
    }

    private void schedule(Loop loop, long delayMs) {
        try {
            threads.schedule(loop, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Closed meanwhile: the loop ends here.
        }
    }

    /** One group's check, run again and again; each run schedules the next. */
    private final class Loop implements Runnable {
        private final Checked c;
        private final Debounce debounce = new Debounce();

        Loop(Checked c) {
            this.c = c;
        }

        @Override
        public void run() {
            if (closed) {
                return;
            }
            long start = System.nanoTime();
            CheckResult r;
            try {
                r = c.check().check(c.timeoutMs());
            } catch (RuntimeException e) {
                r = CheckResult.failed(c.check() + ": check failed: " + e);
            }
            if (closed) {
                return; // interrupted by close: its result says nothing about the service
            }
            verdict(r);
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            long period = r.ok() ? c.intervalMs() : c.reprobeIntervalMs();
            schedule(this, Math.max(0, period - tookMs));
        }

        private void verdict(CheckResult r) {
            Optional<Boolean> changed = debounce.next(r.ok());
            if (changed.isEmpty()) {
                if (!r.ok() && debounce.failures() < Debounce.FAILURES_TO_DOWN) {
                    LOG.info("service check failed group={} node={} failures={} of={} reason=\"{}\"", c.group(), node,
                            debounce.failures(), Debounce.FAILURES_TO_DOWN, r.reason());
                }
                return;
            }
            if (r.ok()) {
                LOG.info("service ok group={} node={} reason=\"{}\"", c.group(), node, r.reason());
            } else {
                LOG.warn("service failing group={} node={} failures={} reason=\"{}\"", c.group(), node,
                        debounce.failures(), r.reason());
            }
            boolean ok = r.ok();
            String reason = r.reason();
            try {
                core.execute(() -> sink.report(c.group(), ok, reason));
            } catch (RejectedExecutionException e) {
                LOG.debug("service verdict dropped, core closed group={} ok={}", c.group(), ok);
            }
        }
    }
}
