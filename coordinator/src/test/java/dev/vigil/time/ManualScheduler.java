package dev.vigil.time;

import java.util.PriorityQueue;

/**
 * A {@link Scheduler} on virtual time, for unit tests: nothing runs until the test calls
 * {@link #advance}, which runs every due task in (time, insertion) order, including tasks that
 * those tasks schedule, and leaves the clock at the target time. Single-threaded by design.
 */
public final class ManualScheduler implements Scheduler {
    private final class Task implements Timer, Comparable<Task> {
        final long at;
        final long seq;
        final Runnable body;
        boolean cancelled;

        Task(long at, long seq, Runnable body) {
            this.at = at;
            this.seq = seq;
            this.body = body;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        @Override
        public int compareTo(Task o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private long now;
    private long nextSeq;

    public ManualScheduler() {
        this(0);
    }

    public ManualScheduler(long startMillis) {
        this.now = startMillis;
    }

    @Override
    public long nowMillis() {
        return now;
    }

    @Override
    public Timer schedule(long delayMillis, Runnable task) {
        Task t = new Task(now + Math.max(0, delayMillis), nextSeq++, task);
        queue.add(t);
        return t;
    }

    /** Moves time forward by {@code millis}, running every task due by then, in order. */
    public void advance(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("time only moves forward, got " + millis);
        }
        advanceTo(now + millis);
    }

    /** Moves time forward to {@code target}, running every task due by then, in order. */
    public void advanceTo(long target) {
        if (target < now) {
            throw new IllegalArgumentException("time only moves forward: " + target + " < " + now);
        }
        while (!queue.isEmpty() && queue.peek().at <= target) {
            Task t = queue.poll();
            if (t.cancelled) {
                continue;
            }
            now = t.at;
            t.body.run();
        }
        now = target;
    }

    /** Runs the tasks due now (for example those a callback scheduled with delay 0). */
    public void runDue() {
        advance(0);
    }

    /** Tasks scheduled and neither run nor cancelled. */
    public int pending() {
        return (int) queue.stream().filter(t -> !t.cancelled).count();
    }
}
