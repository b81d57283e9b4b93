package dev.vigil.failover;

import dev.vigil.config.GroupConfig;
import dev.vigil.core.Event;
import dev.vigil.core.EventSink;
import dev.vigil.core.NodeId;
import dev.vigil.core.WatcherId;
import dev.vigil.time.Scheduler;
import dev.vigil.transport.AgentClient;
import dev.vigil.transport.AgentReply;
import dev.vigil.transport.PromoteRequest;
import dev.vigil.transport.ReleaseRequest;

/**
 * The leader's failover of one group in one term: choose the target, get the old primary out of
 * the way, promote the target, then hand back to the owner to install the new config epoch.
 *
 * <p>Automatic ({@link Mode#AUTO}): the old primary is told to release best effort and without
 * waiting (the voters' silence already means its lease ran out), the fence hook runs if one is
 * configured, then Promote. Manual ({@link Mode#MANUAL}): graceful order, demote and release
 * must succeed before Promote, so clients see the shortest gap. {@link Mode#FORCE}: as automatic,
 * without an election; but an old primary that still answers is demoted as in a manual one,
 * never fenced. Every step is retried until {@code failover-timeout}; a stale-term answer
 * ends the run at once, since a newer leader exists, and so does a target that cannot be
 * promoted at all: one term has one target, so a different node needs a new term.
 */
public final class FailoverRun {
    public enum Mode { AUTO, MANUAL, FORCE }

    /** What the run needs from the watcher that leads it. */
    public interface Host {
        Scheduler scheduler();

        AgentClient agents();

        HookRunner hooks();

        EventSink sink();

        WatcherId self();

        GroupConfig group();

        /** The leader's config fingerprint of the group, sent with Promote and Release. */
        String fingerprint();

        /** Answers the leader's probes now ({@link dev.vigil.detection.Prober#answers}). */
        boolean answers(NodeId node);

        void completed(FailoverRun run, NodeId newPrimary);

        void aborted(FailoverRun run, String reason);
    }

    private final Host host;
    private final long term;
    private final Mode mode;
    private final NodeId oldPrimary;
    private final NodeId requested;
    private final long startedAt;
    private final long stepTimeoutMs;

    private NodeId target;
    private boolean done;
    private int attempt;
    private Scheduler.Timer deadline;

    public FailoverRun(Host host, long term, Mode mode, NodeId oldPrimary, NodeId requested) {
        this.host = host;
        this.term = term;
        this.mode = mode;
        this.oldPrimary = oldPrimary;
        this.requested = requested;
        this.startedAt = host.scheduler().nowMillis();
        this.stepTimeoutMs = host.group().timings().probeIntervalMs();
    }

    public void start() {
        deadline = host.scheduler().schedule(host.group().timings().failoverTimeoutMs(),
                () -> abort("failover-timeout passed"));
        chooseTarget();
    }

    /** Ends the run quietly: its outcome was learned another way (the promoted agent said so). */
    public void finish() {
        done = true;
        if (deadline != null) {
            deadline.cancel();
        }
    }

    /** Ends the run without completing it (a newer term or epoch was seen). */
    public void cancel(String reason) {
        abort(reason);
    }

    public long term() {
        return term;
    }

    public Mode mode() {
        return mode;
    }

    public NodeId oldPrimary() {
        return oldPrimary;
    }

    public long startedAt() {
        return startedAt;
    }

    public boolean done() {
        return done;
    }

    private void chooseTarget() {
        if (done) {
            return;
        }
        target = Targets.choose(host.group(), oldPrimary, requested, host::answers);
        if (target == null && mode == Mode.AUTO && host.answers(oldPrimary)) {
            // The old primary serves but is not a valid primary any more (an earlier leader told
            // it to step down and then gave up): with no standby, promoting it again in this
            // term is the only way the group gets a primary back.
            target = oldPrimary;
            step("choose", target, "no standby answers, the old primary does: promoting it again");
            promote();
            return;
        }
        if (target == null) {
            step("choose", null, requested == null ? "no standby answers, retrying" : requested + " does not answer, retrying");
            later(host.group().timings().reprobeIntervalMs(), this::chooseTarget);
            return;
        }
        step("choose", target, "priority, answering");
        if (mode == Mode.MANUAL) {
            release(true);
        } else if (mode == Mode.FORCE && host.answers(oldPrimary)) {
            // Forced, yet the old primary answers: it is demoted and let go, never fenced.
            step("fence", oldPrimary, "skipped: the old primary answers, demoting it instead");
            release(true);
        } else {
            release(false);
            fence();
        }
    }

    private void release(boolean mustSucceed) {
        if (done) {
            return;
        }
        int mine = ++attempt;
        var req = new ReleaseRequest(host.group().id(), oldPrimary, term, host.self(), mustSucceed,
                host.fingerprint());
        host.agents().release(oldPrimary, req, reply -> {
            if (done || (mustSucceed && mine != attempt)) {
                return;
            }
            step(mustSucceed ? "demote" : "release", oldPrimary, reply.outcome() + ": " + reply.reason());
            if (!mustSucceed) {
                return;
            }
            switch (reply.outcome()) {
                case OK -> promote();
                case STALE_TERM -> abort("old primary " + oldPrimary + " has seen term " + reply.highestTerm());
                default -> later(stepTimeoutMs / 4, () -> release(true));
            }
        });
        if (mustSucceed) {
            later(stepTimeoutMs, () -> {
                if (mine == attempt) {
                    step("demote", oldPrimary, "no answer within " + stepTimeoutMs + " ms, retrying");
                    release(true);
                }
            });
        }
    }

    private void fence() {
        if (done) {
            return;
        }
        host.hooks().run(new HookCall(HookKind.FENCE, host.group().id(), term, oldPrimary, target), result -> {
            if (done) {
                return;
            }
            step("fence", oldPrimary, result.outcome().name());
            switch (result.outcome()) {
                case OK, SKIPPED -> promote();
                case PERMANENT -> abort("fence hook failed permanently (exit " + result.exitCode() + ")");
                default -> later(stepTimeoutMs / 4, this::fence);
            }
        });
    }

    private void promote() {
        if (done) {
            return;
        }
        int mine = ++attempt;
        NodeId node = target;
        var req = new PromoteRequest(host.group().id(), node, term, host.self(), oldPrimary, host.fingerprint());
        host.agents().promote(node, req, reply -> {
            if (done || mine != attempt) {
                return;
            }
            step("promote", node, reply.outcome() + ": " + reply.reason());
            onPromoted(node, reply);
        });
        later(stepTimeoutMs, () -> {
            if (mine == attempt) {
                step("promote", node, "no answer within " + stepTimeoutMs + " ms, retrying");
                promote();
            }
        });
    }

    private void onPromoted(NodeId node, AgentReply reply) {
        switch (reply.outcome()) {
            case OK -> {
                done = true;
                deadline.cancel();
                host.completed(this, node);
            }
            case STALE_TERM -> abort(node + " has seen term " + reply.highestTerm());
            case RETRYABLE -> later(stepTimeoutMs / 4, this::promote);
            case PERMANENT -> abort(node + " cannot be promoted: " + reply.reason()
                    + "; it reports itself not serving, so the next term chooses another node");
        }
    }

    private void abort(String reason) {
        if (done) {
            return;
        }
        done = true;
        if (deadline != null) {
            deadline.cancel();
        }
        host.aborted(this, reason);
    }

    private void later(long delayMs, Runnable r) {
        host.scheduler().schedule(delayMs, () -> {
            if (!done) {
                r.run();
            }
        });
    }

    private void step(String step, NodeId node, String result) {
        host.sink().emit(new Event.FailoverStep(host.scheduler().nowMillis(), host.self(), host.group().id(), term,
                step, node, result));
    }
}
