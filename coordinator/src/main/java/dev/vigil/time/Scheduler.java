package dev.vigil.time;

/**
 * Runs tasks later, on the single thread that owns the protocol state. Every callback the core
 * receives (timers, replies, incoming messages) runs on that thread, so the core needs no locks.
 */
public interface Scheduler extends Clock {
    Timer schedule(long delayMillis, Runnable task);

    /** A scheduled task that may be cancelled; cancelling a task that already ran is harmless. */
    interface Timer {
        void cancel();
    }
}
