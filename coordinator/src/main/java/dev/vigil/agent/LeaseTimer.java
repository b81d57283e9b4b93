package dev.vigil.agent;

import dev.vigil.time.Scheduler;

/**
 * The one timer of an {@link AgentGroup} that wakes it when its lease would lapse: armed for the
 * earliest expiry seen, re-armed only for an earlier one, so a probe round that moves the expiry
 * later costs no timer.
 */
final class LeaseTimer {
    private final Scheduler scheduler;
    private Scheduler.Timer timer;
    private long at = Long.MAX_VALUE;

    LeaseTimer(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** Runs {@code task} at {@code expiresAt} (never, for {@code Long.MAX_VALUE}) unless armed sooner. */
    void arm(long now, long expiresAt, Runnable task) {
        if (expiresAt == Long.MAX_VALUE || (timer != null && at <= expiresAt)) {
            return;
        }
        cancel();
        at = expiresAt;
        timer = scheduler.schedule(expiresAt - now, () -> {
            timer = null;
            at = Long.MAX_VALUE;
            task.run();
        });
    }

    void cancel() {
        if (timer != null) {
            timer.cancel();
            timer = null;
            at = Long.MAX_VALUE;
        }
    }
}
