package dev.vigil.time;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real {@link Scheduler}: one daemon thread, {@code vigil-core}, that owns the protocol
 * state. Timers and {@link #execute} tasks (replies, incoming messages, hook results) all run
 * there, in order, so the core needs no locks. Time is {@link System#nanoTime()} in
 * milliseconds: monotonic, unaffected by NTP steps or an operator setting the date, and, like
 * the host's CLOCK_MONOTONIC, restarted by a reboot. The lab shifts its origin
 * ({@value #ORIGIN_PROPERTY}, in ms) to make a process see the clock of a host that rebooted;
 * nothing else sets it. A task that
 * throws is logged and the thread carries on; after {@link #close} new tasks are dropped (and
 * logged at debug), since during shutdown late replies and timers have nowhere useful to go.
 * How late each timer starts is recorded in {@link #timerLag()}.
 *
 * <p>Tasks wait in one queue per millisecond they fall due, in submission order, the
 * millisecond queues in a sorted map. A watcher of 10,000 groups keeps some 40,000 timers
 * pending, nearly all due in the same few milliseconds of each probe interval (probes of one
 * agent go out together): a heap of them all, as {@code ScheduledThreadPoolExecutor} keeps,
 * cost its thread an eighth of its time in sifting. Timers run in the millisecond they fall
 * due by {@link #nowMillis()}, so never early by the clock the core reads. A cancelled timer
 * keeps its place, without its task, until then.
 */
public final class SystemScheduler implements Scheduler, Executor, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("dev.vigil.core");
    public static final String THREAD_NAME = "vigil-core";

    /** A task waiting for its millisecond; a timer also knows when exactly it fell due. */
    private static final class Task implements Timer {
        private volatile Runnable body;
        private final long dueNanos;

        Task(Runnable body, long dueNanos) {
            this.body = body;
            this.dueNanos = dueNanos;
        }

        @Override
        public void cancel() {
            body = null;
        }
    }

    private static final long NOT_A_TIMER = Long.MIN_VALUE;
    /** Longer delays are cut to this (a thousand days), so that no due time overflows. */
    static final long MAX_DELAY_MS = 1_000L * 24 * 3600 * 1000;

    /** Test-only: milliseconds added to this process's clock, as after a reboot (negative) or a long uptime. */
    public static final String ORIGIN_PROPERTY = "vigil.test.clock-origin-ms";

    private final long originNanos = TimeUnit.MILLISECONDS.toNanos(Long.getLong(ORIGIN_PROPERTY, 0));
    private final TreeMap<Long, ArrayDeque<Task>> queue = new TreeMap<>(); // guarded by itself
    private boolean closed; // guarded by queue
    private final Thread thread;
    private final TimerLag lag = new TimerLag();

    public SystemScheduler() {
        thread = new Thread(this::loop, THREAD_NAME);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public long nowMillis() {
        return nanos() / 1_000_000;
    }

    private long nanos() {
        return System.nanoTime() + originNanos;
    }

    @Override
    public Timer schedule(long delayMillis, Runnable task) {
        long delay = Math.min(MAX_DELAY_MS, Math.max(0, delayMillis));
        long now = nanos();
        Task t = new Task(Objects.requireNonNull(task, "task"), now + TimeUnit.MILLISECONDS.toNanos(delay));
        return enqueue(now / 1_000_000 + delay, t) ? t : () -> { };
    }

    /** Runs {@code task} on the core thread as soon as it is free, after tasks already due. */
    @Override
    public void execute(Runnable task) {
        enqueue(nowMillis(), new Task(Objects.requireNonNull(task, "task"), NOT_A_TIMER));
    }

    private boolean enqueue(long dueMs, Task t) {
        synchronized (queue) {
            if (closed) {
                LOG.debug("scheduler closed, task dropped task={}", t.body);
                return false;
            }
            boolean sooner = queue.isEmpty() || dueMs < queue.firstKey();
            queue.computeIfAbsent(dueMs, k -> new ArrayDeque<>()).addLast(t);
            if (sooner) {
                queue.notify();
            }
            return true;
        }
    }

    /** How late timers have started, since this scheduler was made. */
    public TimerLag timerLag() {
        return lag;
    }

    /** Whether the caller runs on the core thread; for assertions at the seams. */
    public boolean isCoreThread() {
        return Thread.currentThread() == thread;
    }

    /**
     * Stops the core thread: pending timers are dropped, tasks already due and a running task
     * finish. No interrupt: it would close a state file's channel in the middle of a save.
     */
    @Override
    public void close() {
        synchronized (queue) {
            closed = true;
            queue.tailMap(nowMillis(), false).clear();
            queue.notify();
        }
        if (isCoreThread()) {
            return; // closing from a task: it cannot wait for itself
        }
        try {
            thread.join(5_000);
            if (thread.isAlive()) {
                LOG.warn("scheduler close timed out waiting for the running task thread={}", THREAD_NAME);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        Task t;
        while ((t = next()) != null) {
            Runnable body = t.body;
            if (body == null) {
                continue; // cancelled
            }
            if (t.dueNanos != NOT_A_TIMER) {
                lag.record(Math.max(0, nanos() - t.dueNanos));
            }
            Thread.interrupted(); // a task's interrupt is not the next one's
            try {
                body.run();
            } catch (Throwable e) {
                // Whatever it is, even a StackOverflowError or a sneaked checked exception: an
                // agent whose core thread died would never let go of its IP when its lease ran out.
                failed(e);
            }
        }
    }

    private static void failed(Throwable e) {
        try {
            LOG.error("core task failed error={}", e.toString(), e);
        } catch (Throwable logging) {
            // a toString that throws, or no memory left to log with: the thread carries on
        }
    }

    /** The next task due, waiting for it; null once closed and nothing due is left. */
    private Task next() {
        synchronized (queue) {
            while (true) {
                Map.Entry<Long, ArrayDeque<Task>> first = queue.firstEntry();
                if (first == null && closed) {
                    return null;
                }
                long wait = first == null ? 0 : first.getKey() - nowMillis(); // wait(0): until notified
                if (first != null && wait <= 0) {
                    Task t = first.getValue().pollFirst();
                    if (first.getValue().isEmpty()) {
                        queue.pollFirstEntry();
                    }
                    return t;
                }
                try {
                    queue.wait(wait);
                } catch (InterruptedException e) {
                    // nobody interrupts the core thread; carry on until closed
                }
            }
        }
    }
}
