package dev.vigil.time;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real {@link Scheduler}: one daemon thread, {@code vigil-core}, that owns the protocol
 * state. Timers and {@link #execute} tasks (replies, incoming messages, hook results) all run
 * there, in order, so the core needs no locks. Time is {@link System#nanoTime()} in
 * milliseconds: monotonic, unaffected by NTP steps or an operator setting the date. A task that
 * throws is logged and the thread carries on; after {@link #close} new tasks are dropped (and
 * logged at debug), since during shutdown late replies and timers have nowhere useful to go.
 * How late each timer starts is recorded in {@link #timerLag()}.
 */
public final class SystemScheduler implements Scheduler, Executor, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("dev.vigil.core");
    public static final String THREAD_NAME = "vigil-core";

    private final ScheduledThreadPoolExecutor executor;
    private volatile Thread coreThread;
    private final TimerLag lag = new TimerLag();

    public SystemScheduler() {
        executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, THREAD_NAME);
            t.setDaemon(true);
            coreThread = t;
            return t;
        });
        // Cancelled timers (most election and probe deadlines) leave the queue at once.
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
    }

    @Override
    public long nowMillis() {
        return System.nanoTime() / 1_000_000;
    }

    @Override
    public Timer schedule(long delayMillis, Runnable task) {
        try {
            long delay = Math.max(0, delayMillis);
            long due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay);
            Runnable timed = () -> {
                lag.record(System.nanoTime() - due);
                task.run();
            };
            ScheduledFuture<?> f = executor.schedule(guarded(timed), delay, TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
        } catch (RejectedExecutionException e) {
            LOG.debug("scheduler closed, timer dropped task={}", task);
            return () -> { };
        }
    }

    /** Runs {@code task} on the core thread as soon as it is free, after tasks already due. */
    @Override
    public void execute(Runnable task) {
        try {
            executor.execute(guarded(task));
        } catch (RejectedExecutionException e) {
            LOG.debug("scheduler closed, task dropped task={}", task);
        }
    }

    /** How late timers have started, since this scheduler was made. */
    public TimerLag timerLag() {
        return lag;
    }

    /** Whether the caller runs on the core thread; for assertions at the seams. */
    public boolean isCoreThread() {
        return Thread.currentThread() == coreThread;
    }

    /**
     * Stops the core thread: pending timers are dropped, tasks already due and a running task
     * finish. No interrupt: it would close a state file's channel in the middle of a save.
     */
    @Override
    public void close() {
        executor.shutdown();
        if (isCoreThread()) {
            return; // closing from a task: it cannot wait for itself
        }
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("scheduler close timed out waiting for the running task thread={}", THREAD_NAME);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                // The executor would otherwise stash the exception in a future nobody reads.
                LOG.error("core task failed error={}", e.toString(), e);
                if (e instanceof VirtualMachineError) {
                    throw e;
                }
            }
        };
    }
}
